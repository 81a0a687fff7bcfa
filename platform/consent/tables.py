"""Consent and disclosure tables. Consents and their reviews are append-only (a change is a
new version, never an overwrite); disclosures and tell-the-client tasks move through
states but are never deleted, so nothing shared and no promise to tell anyone can vanish.
"""

from enum import StrEnum

from piccolo.columns import JSONB, UUID, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from confide.platform.core.tables import APPEND_ONLY, NO_DELETE, TenantOwned


class Decision(StrEnum):
    FULL = "full"
    RESTRICTED = "restricted"  # to named professional roles only
    REFUSED = "refused"


class GivenBy(StrEnum):
    YOUNG_PERSON = "young_person"
    PARENT = "parent"
    CARER = "carer"


class ConsentMethod(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    SIGNED_FORM = "signed_form"


class ReviewOutcome(StrEnum):
    CONFIRMED = "confirmed"  # a change is recorded as a new consent version instead


class DisclosureStatus(StrEnum):
    SHARED = "shared"
    AWAITING_AUTHORISATION = "awaiting_authorisation"
    DECLINED = "declined"


class Basis(StrEnum):
    CONSENT = "consent"
    LEGAL = "legal"  # without consent: a manager recorded a legal basis


class LegalBasis(StrEnum):
    """Policy 2.4 and the basic principles: the only grounds to share without consent."""

    SAFEGUARDING = "safeguarding"  # risk of serious harm
    POLICE_REQUEST = "police_request"
    COURT_ORDER = "court_order"
    LEGAL_OBLIGATION = "legal_obligation"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class TellMethod(StrEnum):
    PHONE = "phone"
    MEETING = "meeting"
    LETTER = "letter"
    EMAIL = "email"
    VIDEO = "video"


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
    # A parent or carer gave it for a young person able to decide for themselves: flagged.
    young_person_can_decide = Boolean(default=False)
    note = Varchar(length=500, default="")
    review_due = Date()
    recorded_by = UUID()
    recorded_at = Timestamptz(default=TimestamptzNow())


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
    decline_reason = Text(null=True, default=None)
    requested_by = UUID()
    requested_at = Timestamptz(default=TimestamptzNow())
    authorised_by = UUID(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    shared_at = Timestamptz(null=True, default=None)


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
