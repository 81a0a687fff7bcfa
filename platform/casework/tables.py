"""Case work tables. Every row belongs to a tenant; links between them carry the tenant
too (composite keys, added in the migration), so a row can never point into another tenant.
"""

from piccolo.columns import JSONB, UUID, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from confide.platform.casework.schemas import (
    CaseStatus,
    ContactedBy,
    ContactKind,
    Direction,
    PersonKind,
    ReferralRoute,
    Side,
)
from confide.platform.core.tables import APPEND_ONLY, TenantOwned


class Person(TenantOwned, tablename="people"):
    id = UUID(primary_key=True)
    kind = Varchar(length=32, choices=PersonKind)
    first_name = Varchar(length=100)
    last_name = Varchar(length=100)
    date_of_birth = Date(null=True, default=None)
    school_or_setting = Varchar(length=200, null=True, default=None)
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


class Case(TenantOwned, tablename="cases"):
    id = UUID(primary_key=True)
    reference = Varchar(length=20)  # unique per tenant, e.g. NM-2026-00042
    subject_id = UUID(null=True, default=None)  # the child or young person; none if anonymous
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
    created_by = UUID()
    created_at = Timestamptz(default=TimestamptzNow())


class CasePerson(TenantOwned, tablename="case_people"):
    """Who else is on a case: parents and carers, other contacts."""

    id = UUID(primary_key=True)
    case_id = UUID()
    person_id = UUID()
    relationship = Varchar(length=32, choices=PersonKind)


class Assignment(TenantOwned, tablename="case_assignments"):
    """A caseworker assigned to a case; ended, never deleted, so the history stays."""

    id = UUID(primary_key=True)
    case_id = UUID()
    staff_id = UUID()
    assigned_by = UUID()
    assigned_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)


class Contact(TenantOwned, tablename="case_contacts", tags=[APPEND_ONLY]):
    id = UUID(primary_key=True)
    case_id = UUID()
    kind = Varchar(length=16, choices=ContactKind)
    direction = Varchar(length=8, choices=Direction)
    occurred_at = Timestamptz()
    duration_minutes = Integer(null=True, default=None)
    with_person_id = UUID(null=True, default=None)
    summary = Text()
    side = Varchar(length=24, choices=Side, default=Side.SHARED)
    recorded_by = UUID()
    recorded_at = Timestamptz(default=TimestamptzNow())


class Note(TenantOwned, tablename="case_notes", tags=[APPEND_ONLY]):
    """Append-only: a correction is a new version of the same note; the old one is kept."""

    id = UUID(primary_key=True)
    case_id = UUID()
    note_id = UUID()  # the note; each version has its own row id
    version = Integer(default=1)
    body = Text()
    side = Varchar(length=24, choices=Side, default=Side.SHARED)
    correction_reason = Varchar(length=300, null=True, default=None)
    recorded_by = UUID()
    recorded_at = Timestamptz(default=TimestamptzNow())


class BreakGlass(TenantOwned, tablename="break_glass_grants", tags=[APPEND_ONLY]):
    """Time-boxed access to a case one has no need-to-know for, with a recorded reason."""

    id = UUID(primary_key=True)
    case_id = UUID()
    staff_id = UUID()
    reason = Varchar(length=500)
    granted_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
