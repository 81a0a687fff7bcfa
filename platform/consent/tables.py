"""Consent and disclosure tables. Consents, their reviews, capacity decisions and the
reasons consent was not asked yet are append-only (a change is a new row, never an
overwrite); disclosures and tell-the-client tasks move through states but are never
deleted, so nothing shared and no promise to tell anyone can vanish. What a disclosure
shared never changes once recorded (a trigger holds it: see the consent migrations).
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
from confide.platform.core.tables import APPEND_ONLY, NO_DELETE, TenantOwned


class Consent(TenantOwned, tablename="consents", tags=[APPEND_ONLY]):
    id = UUID(primary_key=True)
    case_id = UUID()
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
    # the child's own view (DESIGN rule 15: at all times the views of the user are respected).
    young_person_view = Varchar(length=1000, default="")
    note = Varchar(length=500, default="")
    review_due = Date()
    recorded_by = UUID()
    recorded_at = Timestamptz(default=TimestamptzNow())
    consents_parties_told = Check("jsonb_typeof(parties_told) = 'array'")


class ConsentReview(TenantOwned, tablename="consent_reviews", tags=[APPEND_ONLY]):
    """The consent was reviewed with the service user and confirmed: a new review date."""

    id = UUID(primary_key=True)
    case_id = UUID()
    consent_id = UUID()
    outcome = Varchar(length=16, choices=ReviewOutcome)
    note = Varchar(length=500, default="")
    next_review_due = Date()
    reviewed_by = UUID()
    reviewed_at = Timestamptz(default=TimestamptzNow())


class ConsentNotAsked(TenantOwned, tablename="consent_not_asked", tags=[APPEND_ONLY]):
    """Consent was not asked at first contact, and why: the case is listed until it is."""

    id = UUID(primary_key=True)
    case_id = UUID(default=None)  # one per case (a unique key in the migration)
    reason = Varchar(length=500)
    recorded_by = UUID(default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())
    consent_not_asked_case = Unique(["tenant_id", "case_id"])


class CapacityDecision(TenantOwned, tablename="capacity_decisions", tags=[APPEND_ONLY]):
    """Whether the young person can decide for themselves (policy 3.2), who judged it and
    when. Capacity is presumed from the tenant's age; a decision records a judgement either
    way, and the latest one stands (a "no" made below the age lapses at the age). Consent
    and subject access read the same record."""

    id = UUID(primary_key=True)
    case_id = UUID(default=None)
    person_id = UUID(default=None)  # the child or young person the case is about
    has_capacity = Boolean(default=None)
    judged_by = UUID(default=None)
    judged_on = Date(default=None)
    note = Varchar(length=500)
    recorded_at = Timestamptz(default=TimestamptzNow())


class Disclosure(TenantOwned, tablename="disclosures", tags=[NO_DELETE]):
    id = UUID(primary_key=True)
    case_id = UUID()
    recipient_org = Varchar(length=200)
    recipient_role = Varchar(length=80)
    recipient_person = Varchar(length=200, default="")
    purpose = Text()
    items = JSONB(default="[]")  # exactly what was shared, as it was when shared
    status = Varchar(length=24, choices=DisclosureStatus)
    basis = Varchar(length=16, choices=Basis, null=True, default=None)
    consent_id = UUID(null=True, default=None)  # the consent version relied on
    check_code = Varchar(length=32)  # the consent check's outcome when asked
    check_reason = Text()  # the reason in words; it names every role of a restricted consent
    legal_basis = Varchar(length=24, choices=LegalBasis, null=True, default=None)
    justification = Text(null=True, default=None)
    # Why the service user cannot be told of a legal-basis share (an anonymous enquiry).
    tell_not_possible = Text(null=True, default=None)
    decline_reason = Text(null=True, default=None)
    requested_by = UUID()
    requested_at = Timestamptz(default=TimestamptzNow())
    authorised_by = UUID(null=True, default=None)  # the manager who decided (or declined)
    decided_at = Timestamptz(null=True, default=None)
    # Sent: the day it went, how, and to whom exactly, recorded by the person who sent it.
    sent_on = Date(null=True, default=None)
    sent_method = Varchar(length=16, choices=SendMethod, null=True, default=None)
    sent_to = Varchar(length=500, null=True, default=None)
    sent_by = UUID(null=True, default=None)
    shared_at = Timestamptz(null=True, default=None)  # when the sending was recorded
    cancel_reason = Varchar(length=500, null=True, default=None)
    cancelled_by = UUID(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    # The workflow's states and what each needs (a trigger holds the moves between them).
    disclosures_status = Check(
        "status IN ('awaiting_authorisation', 'declined', 'allowed', 'authorised', 'shared',"
        " 'cancelled')"
    )
    disclosures_allowed_on_consent = Check("status <> 'allowed' OR basis = 'consent'")
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


class TellClientTask(TenantOwned, tablename="tell_client_tasks", tags=[NO_DELETE]):
    """Tell the service user about a disclosure made without their consent; open until
    someone records when and how they were told."""

    id = UUID(primary_key=True)
    case_id = UUID()
    disclosure_id = UUID()
    due_on = Date()
    status = Varchar(length=8, choices=TaskStatus, default=TaskStatus.OPEN)
    told_on = Date(null=True, default=None)
    told_how = Varchar(length=16, choices=TellMethod, null=True, default=None)
    told_note = Varchar(length=500, default="")
    told_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    done_at = Timestamptz(null=True, default=None)


class TaskDelay(TenantOwned, tablename="tell_client_delays", tags=[APPEND_ONLY]):
    """A manager's reason to delay telling (e.g. it would put someone at risk)."""

    id = UUID(primary_key=True)
    task_id = UUID()
    case_id = UUID()
    reason = Text()
    previous_due_on = Date()
    new_due_on = Date()
    delayed_by = UUID()
    delayed_at = Timestamptz(default=TimestamptzNow())
