"""Consent and disclosure tables. Consents, their reviews, capacity decisions and the
reasons consent was not asked yet are append-only (a change is a new row, never an
overwrite); disclosures and tell-the-client tasks move through states but are never
deleted, so nothing shared and no promise to tell anyone can vanish. What a disclosure
shared never changes once recorded (the trigger ``disclosures_guard``, in the raw
migration after the tables, with the composite foreign keys).

The checks make the policy hold even for a bug in the services: a refusal always records
that the person was advised of the limits; a restricted consent names at least one role;
a disclosure made without consent has a legal basis, a justification and the manager who
authorised it; a tell-the-client task is only done once someone has recorded when and how.
"""

from piccolo.columns import JSONB, UUID, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.consent.schemas import (
    Basis,
    ConsentMethod,
    Decision,
    DisclosureStatus,
    GivenBy,
    LegalBasis,
    ReviewOutcome,
    SendMethod,
    TaskStatus,
    TellMethod,
)
from confide.platform.core.tables import APPEND_ONLY, NO_DELETE, TenantOwned, ref


class Consent(TenantOwned, tablename="consents", tags=[APPEND_ONLY]):
    id = UUID(primary_key=True)
    case_id = ref()
    version = Integer()
    decision = Varchar(length=16, choices=Decision)
    roles = JSONB(default="[]")  # the professional roles, when restricted
    given_by = Varchar(length=16, choices=GivenBy)
    method = Varchar(length=16, choices=ConsentMethod)
    given_on = Date()
    # A refusal records that the person was told what the service cannot do without sharing.
    advised_of_limits = Boolean(default=False)
    # The professional roles they were told information may go to (policy 4.2).
    parties_told = JSONB(default="[]")
    # A parent's or carer's consent for a child not able to decide for themselves records
    # the child's own view (rule 15: at all times the views of the user are respected).
    young_person_view = Varchar(length=1000, default="")
    note = Varchar(length=500, default="")
    review_due = Date()
    recorded_by = ref()
    recorded_at = Timestamptz(default=TimestamptzNow())
    consents_tenant_id_id_key = Unique(["tenant_id", "id"])  # target of composite keys
    consents_version_key = Unique(["tenant_id", "case_id", "version"])
    consents_version_positive = Check("version >= 1")
    consents_refusal_advised = Check("decision <> 'refused' OR advised_of_limits")
    consents_roles = Check(
        "jsonb_typeof(roles) = 'array' AND CASE WHEN decision = 'restricted'"
        " THEN jsonb_array_length(roles) >= 1 ELSE jsonb_array_length(roles) = 0 END"
    )
    consents_review_after = Check("review_due > given_on")
    consents_parties_told = Check("jsonb_typeof(parties_told) = 'array'")


class ConsentReview(TenantOwned, tablename="consent_reviews", tags=[APPEND_ONLY]):
    """The consent was reviewed with the service user and confirmed: a new review date."""

    id = UUID(primary_key=True)
    case_id = ref()
    consent_id = ref()
    outcome = Varchar(length=16, choices=ReviewOutcome)
    note = Varchar(length=500, default="")
    next_review_due = Date()
    reviewed_by = ref()
    reviewed_at = Timestamptz(default=TimestamptzNow())


class ConsentNotAsked(TenantOwned, tablename="consent_not_asked", tags=[APPEND_ONLY]):
    """Consent was not asked at first contact, and why: the case is listed until it is."""

    id = UUID(primary_key=True)
    case_id = ref()
    reason = Varchar(length=500)
    recorded_by = ref()
    recorded_at = Timestamptz(default=TimestamptzNow())
    consent_not_asked_case = Unique(["tenant_id", "case_id"])  # one per case


class CapacityDecision(TenantOwned, tablename="capacity_decisions", tags=[APPEND_ONLY]):
    """Whether the young person can decide for themselves (policy 3.2), who judged it and
    when. Capacity is presumed from the tenant's age; a decision records a judgement either
    way, and the latest one stands (a "no" made below the age lapses at the age). Consent
    and subject access read the same record."""

    id = UUID(primary_key=True)
    case_id = ref()
    person_id = ref()  # the child or young person the case is about
    has_capacity = Boolean(default=None)
    judged_by = ref()
    judged_on = Date(default=None)
    note = Varchar(length=500)
    recorded_at = Timestamptz(default=TimestamptzNow())


class Disclosure(TenantOwned, tablename="disclosures", tags=[NO_DELETE]):
    id = UUID(primary_key=True)
    case_id = ref()
    recipient_org = Varchar(length=200)
    recipient_role = Varchar(length=80)
    recipient_person = Varchar(length=200, default="")
    purpose = Text()
    items = JSONB(default="[]")  # exactly what was shared, as it was when shared
    status = Varchar(length=24, choices=DisclosureStatus)
    basis = Varchar(length=16, choices=Basis, null=True, default=None)
    consent_id = ref(null=True)  # the consent version relied on
    check_code = Varchar(length=32)  # the consent check's outcome when asked
    check_reason = Text()  # the reason in words; it names every role of a restricted consent
    legal_basis = Varchar(length=24, choices=LegalBasis, null=True, default=None)
    justification = Text(null=True, default=None)
    # Whose word a release on the service user's word rests on (issue 17): the young
    # person's or a parent's or carer's; a parent's bundle leaves out the young person's.
    given_by = Varchar(length=16, choices=GivenBy, null=True, default=None)
    # Why the service user cannot be told of a legal-basis share (an anonymous enquiry).
    tell_not_possible = Text(null=True, default=None)
    decline_reason = Text(null=True, default=None)
    requested_by = ref()
    requested_at = Timestamptz(default=TimestamptzNow())
    authorised_by = ref(null=True)  # the manager who decided (or declined)
    decided_at = Timestamptz(null=True, default=None)
    # Sent: the day it went, how, and to whom exactly, recorded by the person who sent it.
    sent_on = Date(null=True, default=None)
    sent_method = Varchar(length=16, choices=SendMethod, null=True, default=None)
    sent_to = Varchar(length=500, null=True, default=None)
    sent_by = ref(null=True)
    shared_at = Timestamptz(null=True, default=None)  # when the sending was recorded
    cancel_reason = Varchar(length=500, null=True, default=None)
    cancelled_by = ref(null=True)
    cancelled_at = Timestamptz(null=True, default=None)
    # The workflow's states and what each needs (a trigger holds the moves between them).
    disclosures_status = Check(
        "status IN ('awaiting_authorisation', 'declined', 'allowed', 'authorised', 'shared',"
        " 'cancelled')"
    )
    # Allowed on consent, or on the service user's own word recorded on a case-file
    # request (rule 10: their signed form or letter, or their asking for the file).
    disclosures_allowed_on_consent = Check(
        "status <> 'allowed' OR basis IN ('consent', 'service_user')"
    )
    disclosures_authorised_legally = Check("status <> 'authorised' OR basis = 'legal'")
    disclosures_sent = Check(
        "status <> 'shared' OR num_nonnulls(sent_on, sent_method, sent_to, sent_by) = 4"
    )
    disclosures_cancelled = Check(
        "status <> 'cancelled'"
        " OR (basis IS NOT NULL AND num_nonnulls(cancel_reason, cancelled_by, cancelled_at) = 3)"
    )
    disclosures_sent_method = Check(
        "sent_method IN ('secure_email', 'post', 'by_hand', 'portal', 'other')"
    )
    disclosures_tenant_id_id_key = Unique(["tenant_id", "id"])
    disclosures_items = Check("jsonb_typeof(items) = 'array' AND jsonb_array_length(items) >= 1")
    disclosures_shared_has_basis = Check(
        "status <> 'shared' OR (basis IS NOT NULL AND shared_at IS NOT NULL)"
    )
    disclosures_consent_basis = Check("basis IS DISTINCT FROM 'consent' OR consent_id IS NOT NULL")
    disclosures_legal_basis = Check(
        "basis IS DISTINCT FROM 'legal' OR (legal_basis IS NOT NULL"
        " AND justification IS NOT NULL AND authorised_by IS NOT NULL)"
    )
    disclosures_declined_reason = Check(
        "status <> 'declined' OR (decline_reason IS NOT NULL AND authorised_by IS NOT NULL)"
    )


class TellClientTask(TenantOwned, tablename="tell_client_tasks", tags=[NO_DELETE]):
    """Tell the service user about a disclosure made without their consent; open until
    someone records when and how they were told."""

    id = UUID(primary_key=True)
    case_id = ref()
    disclosure_id = ref()
    due_on = Date()
    status = Varchar(length=8, choices=TaskStatus, default=TaskStatus.OPEN)
    told_on = Date(null=True, default=None)
    told_how = Varchar(length=16, choices=TellMethod, null=True, default=None)
    told_note = Varchar(length=500, default="")
    told_by = ref(null=True)
    # A manager's reason for telling by a route the safe-contact preferences forbid.
    told_exception = Varchar(length=500, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    done_at = Timestamptz(null=True, default=None)
    tell_client_tasks_tenant_id_id_key = Unique(["tenant_id", "id"])
    tell_client_tasks_disclosure_key = Unique(["tenant_id", "disclosure_id"])
    tell_client_tasks_done_told = Check(
        "status = 'open' OR (told_on IS NOT NULL AND told_how IS NOT NULL"
        " AND told_by IS NOT NULL AND done_at IS NOT NULL)"
    )


class TaskDelay(TenantOwned, tablename="tell_client_delays", tags=[APPEND_ONLY]):
    """A manager's reason to delay telling (e.g. it would put someone at risk)."""

    id = UUID(primary_key=True)
    task_id = ref()
    case_id = ref()
    reason = Text()
    previous_due_on = Date()
    new_due_on = Date()
    delayed_by = ref()
    delayed_at = Timestamptz(default=TimestamptzNow())
    tell_client_delays_later = Check("new_due_on > previous_due_on")
