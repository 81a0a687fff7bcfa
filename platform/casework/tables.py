"""Case work tables. Every row belongs to a tenant; links between them carry the tenant
too (composite foreign keys, in the raw migration after the tables), so a row can never
point into another tenant. The policy's rules that a row can check by itself are held
here too, for a bug in the services as much as for a hand-written row.
"""

from piccolo.columns import JSONB, UUID, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.casework.schemas import (
    CaseStatus,
    ContactedBy,
    ContactKind,
    Direction,
    PersonKind,
    RecordKind,
    ReferralRoute,
    Side,
)
from confide.platform.core.tables import APPEND_ONLY, TenantOwned, ref


class Person(TenantOwned, tablename="people"):
    id = UUID(primary_key=True)
    kind = Varchar(length=32, choices=PersonKind)
    first_name = Varchar(length=100)
    last_name = Varchar(length=100)
    date_of_birth = Date(null=True, default=None)
    school_or_setting = Varchar(length=200, null=True, default=None)
    # Chosen from the service's directory (platform/schools); the free text above stays
    # for a setting not listed.
    school_id = ref(null=True)
    primary_need = Varchar(length=100, null=True, default=None)
    address = Text(null=True, default=None)
    postcode = Varchar(length=10, null=True, default=None)
    phone = Varchar(length=40, null=True, default=None)
    email = Varchar(length=320, null=True, default=None)
    # Safe contact: no-one outside the service may learn that they contacted us.
    may_phone = Boolean(default=False)
    may_leave_voicemail = Boolean(default=False)
    may_text = Boolean(default=False)
    may_email = Boolean(default=False)
    may_post = Boolean(default=False)
    preferred_times = Varchar(length=200, default="")
    safe_contact_note = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # A record merged into another by a manager: kept as a tombstone pointing at the
    # record that survives (``platform/people/merges``), never deleted.
    merged_into = ref(null=True)
    people_tenant_id_id_key = Unique(["tenant_id", "id"])  # target of composite keys


class PersonSearchKey(TenantOwned, tablename="person_search_keys"):
    """A person's search keys (``matching.person_keys``), one a row, written with the
    person (``search.refresh_search_keys``). Slots are reused, never deleted: a key no
    longer wanted is null. ``key`` is a plain column in the C collation, indexed with the
    tenant (raw migration), so exact and prefix look-ups use the index under the policy."""

    id = UUID(primary_key=True)
    person_id = ref()
    slot = Integer()
    key = Varchar(length=120, null=True, default=None)
    person_search_keys_slot_key = Unique(["tenant_id", "person_id", "slot"])
    person_search_keys_slot_range = Check("slot >= 0 AND slot < 32")


class Case(TenantOwned, tablename="cases"):
    id = UUID(primary_key=True)
    reference = Varchar(length=20)  # unique per tenant, e.g. NM-2026-00042
    subject_id = ref(null=True)  # the child or young person; none if anonymous
    anonymous = Boolean(default=False)
    contacted_by = Varchar(length=16, choices=ContactedBy)
    referral_route = Varchar(length=16, choices=ReferralRoute, default=ReferralRoute.SELF)
    # A professional referral needs a record that the referrer had the family's consent.
    referrer_consent_confirmed = Boolean(default=False)
    referrer_name = Varchar(length=200, null=True, default=None)
    referrer_consent_on = Date(null=True, default=None)
    topics = JSONB(default="[]")
    support_level = Integer(default=1)
    status = Varchar(length=8, choices=CaseStatus, default=CaseStatus.OPEN)
    outcome = Varchar(length=200, null=True, default=None)
    opened_on = Date()
    closed_on = Date(null=True, default=None)
    created_by = ref()
    created_at = Timestamptz(default=TimestamptzNow())
    # A returning family's new case names the case it follows (shown on both).
    follows_case_id = ref(null=True)
    cases_tenant_id_id_key = Unique(["tenant_id", "id"])
    cases_reference_key = Unique(["tenant_id", "reference"])
    cases_referral_consent = Check(
        "referral_route = 'self' OR (referrer_consent_confirmed AND referrer_name IS NOT NULL"
        " AND referrer_consent_on IS NOT NULL)"
    )
    cases_anonymous_has_no_subject = Check(
        "(anonymous AND subject_id IS NULL) OR (NOT anonymous AND subject_id IS NOT NULL)"
    )
    cases_support_level = Check("support_level BETWEEN 1 AND 4")
    cases_closed_has_outcome = Check(
        "status = 'open' OR (outcome IS NOT NULL AND closed_on IS NOT NULL)"
    )
    cases_follows_another = Check("follows_case_id IS NULL OR follows_case_id <> id")


class CasePerson(TenantOwned, tablename="case_people"):
    """Who else is on a case: parents and carers, other contacts."""

    id = UUID(primary_key=True)
    case_id = ref()
    person_id = ref()
    relationship = Varchar(length=32, choices=PersonKind)
    # This person must not be told about this case (a young person using the service
    # without their parent knowing; a parent fleeing an ex-partner): never a contact
    # target or a way to tell the client, and a warning on the case.
    must_not_be_told = Boolean(default=False)
    case_people_once = Unique(["tenant_id", "case_id", "person_id"])


class Assignment(TenantOwned, tablename="case_assignments"):
    """A caseworker assigned to a case; ended, never deleted, so the history stays."""

    id = UUID(primary_key=True)
    case_id = ref()
    staff_id = ref()
    assigned_by = ref()
    assigned_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)


class Contact(TenantOwned, tablename="case_contacts", tags=[APPEND_ONLY]):
    """Append-only: a contact recorded in error is corrected by a new version with its
    reason (``original_id`` names the first version; the first is kept), as a note is."""

    id = UUID(primary_key=True)
    case_id = ref()
    kind = Varchar(length=16, choices=ContactKind)
    direction = Varchar(length=8, choices=Direction)
    occurred_at = Timestamptz()
    duration_minutes = Integer(null=True, default=None)
    with_person_id = ref(null=True)
    summary = Text()
    side = Varchar(length=24, choices=Side, default=Side.SHARED)
    recorded_by = ref()
    recorded_at = Timestamptz(default=TimestamptzNow())
    # A manager's reason for an outgoing contact the safe-contact preferences forbid.
    safe_contact_exception = Varchar(length=500, null=True, default=None)
    original_id = ref(null=True)  # the contact's first version; none on the first itself
    version = Integer(default=1)
    correction_reason = Varchar(length=300, null=True, default=None)
    case_contacts_tenant_id_id_key = Unique(["tenant_id", "id"])
    case_contacts_version_key = Unique(["tenant_id", "original_id", "version"])
    case_contacts_versions = Check(
        "(version = 1 AND original_id IS NULL AND correction_reason IS NULL)"
        " OR (version > 1 AND original_id IS NOT NULL AND correction_reason IS NOT NULL)"
    )
    # A kind the service offers, never "unknown": the statistics' "not known (case
    # erased)" channel is the erased cases' own, one figure with their reply and phase.
    case_contacts_kind = Check(
        "kind IN (" + ", ".join(f"'{kind.value}'" for kind in ContactKind) + ")"
    )


class Note(TenantOwned, tablename="case_notes", tags=[APPEND_ONLY]):
    """Append-only: a correction is a new version of the same note; the old one is kept."""

    id = UUID(primary_key=True)
    case_id = ref()
    note_id = ref()  # the note; each version has its own row id
    version = Integer(default=1)
    body = Text()
    side = Varchar(length=24, choices=Side, default=Side.SHARED)
    correction_reason = Varchar(length=300, null=True, default=None)
    recorded_by = ref()
    recorded_at = Timestamptz(default=TimestamptzNow())
    case_notes_version_key = Unique(["tenant_id", "note_id", "version"])
    case_notes_version_positive = Check("version >= 1")
    case_notes_correction_reason = Check("version = 1 OR correction_reason IS NOT NULL")


class BreakGlass(TenantOwned, tablename="break_glass_grants", tags=[APPEND_ONLY]):
    """Time-boxed access to a case one has no need-to-know for, with a recorded reason."""

    id = UUID(primary_key=True)
    case_id = ref()
    staff_id = ref()
    reason = Varchar(length=500)
    granted_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    break_glass_expires_after = Check("expires_at > granted_at")
    break_glass_grants_tenant_id_id_key = Unique(["tenant_id", "id"])  # target of reviews


class BreakGlassReview(TenantOwned, tablename="break_glass_reviews", tags=[APPEND_ONLY]):
    """A manager's look at a use of break-glass (issue 15), with what they found: once per
    use, never changed, so the alerts list shows what still needs a look."""

    id = UUID(primary_key=True)
    grant_id = ref()
    reviewed_by = ref()
    note = Varchar(length=1000)
    reviewed_at = Timestamptz(default=TimestamptzNow())
    break_glass_reviews_grant_key = Unique(["tenant_id", "grant_id"])


class RecordChange(TenantOwned, tablename="record_changes", tags=[APPEND_ONLY]):
    """One edit of a person's or a case's details: who, when, why, and each field's old and
    new value (``changes``: ``[{"field", "old", "new"}]``). Versions count up per record;
    the record itself holds the latest values, these rows every earlier one."""

    id = UUID(primary_key=True)
    case_id = ref()  # the case it was changed through (need-to-know was checked on it)
    record_kind = Varchar(length=8, choices=RecordKind)
    record_id = ref()  # the person or the case
    version = Integer()
    changes = JSONB(default="[]")
    reason = Varchar(length=300)
    changed_by = ref()
    changed_at = Timestamptz(default=TimestamptzNow())
    record_changes_version_key = Unique(["tenant_id", "record_id", "version"])
    record_changes_version_positive = Check("version >= 1")
