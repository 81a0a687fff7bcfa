"""What consent and disclosure take in and give out.

Inputs are msgspec Structs decoded by the API and built by the pages; the services call
their ``validate()``, so every surface gets the same field-named ``Invalid``.
Views are frozen dataclasses built by the services only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.casework.schemas import NewEnquiry, check_exception
from confide.platform.core.clock import service_today
from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid


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
    """A share is decided first and sent later: only a sent one has left the service.

    awaiting_authorisation -> authorised | declined; allowed (by consent) | authorised
    (by a manager, on a legal basis) -> shared (sent: when, how, to whom) | cancelled.
    """

    AWAITING_AUTHORISATION = "awaiting_authorisation"
    DECLINED = "declined"
    ALLOWED = "allowed"
    AUTHORISED = "authorised"
    SHARED = "shared"
    CANCELLED = "cancelled"


class SendMethod(StrEnum):
    """How an allowed or authorised share left the service."""

    SECURE_EMAIL = "secure_email"
    POST = "post"
    BY_HAND = "by_hand"
    PORTAL = "portal"
    OTHER = "other"


class Basis(StrEnum):
    CONSENT = "consent"
    LEGAL = "legal"  # without consent: a manager recorded a legal basis
    # A case file released on a request (rule 10): the service user's signed consent form
    # or letter on the request, or their asking for it to go to them or their solicitor.
    SERVICE_USER = "service_user"


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


MAX_ITEMS = 50


def _past_or_today(errors: dict[str, str], name: str, when: date, label: str) -> None:
    if when > service_today():
        errors[name] = f"{label} must be today or in the past"
    elif when.year < 2000:
        errors[name] = f"Enter a real {label.lower()}"


class NewConsent(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A consent decision (rule 4): full, restricted to named roles, or refused, with
    the parties they were told information may go to (policy 4.2) and, when a parent or
    carer answers for a child who cannot decide for themselves, the child's own view."""

    decision: Decision
    given_by: GivenBy
    method: ConsentMethod
    given_on: date
    roles: list[str] = msgspec.field(default_factory=list)
    parties_told: list[str] = msgspec.field(default_factory=list)
    advised_of_limits: bool = False
    young_person_view: str = ""
    note: str = ""

    def validate(self, roles: Collection[str], capacity: CapacityView | None = None) -> None:
        """``roles``: the tenant's professional roles (``get_policy().professional_roles``);
        ``capacity``: the young person's, when known (who may answer for them)."""
        errors: dict[str, str] = {}
        if self.decision is Decision.RESTRICTED:
            if not self.roles:
                errors["roles"] = "Choose the professional roles information may be shared with"
            elif unknown := [r for r in self.roles if r not in roles]:
                errors["roles"] = f"Choose roles from the service's list ({unknown[0]!r} is not)"
            elif len(set(self.roles)) != len(self.roles):
                errors["roles"] = "Choose each role once"
        elif self.roles:
            errors["roles"] = "Only a restricted consent names roles"
        if self.decision is Decision.REFUSED:
            if self.parties_told:
                errors["parties_told"] = "A refusal names no parties to share with"
        elif unknown := [r for r in self.parties_told if r not in roles]:
            errors["parties_told"] = f"Choose roles from the service's list ({unknown[0]!r} is not)"
        elif len(set(self.parties_told)) != len(self.parties_told):
            errors["parties_told"] = "Choose each role once"
        if self.decision is Decision.REFUSED and not self.advised_of_limits:
            errors["advised_of_limits"] = (
                "Confirm they were told what the service cannot do without sharing"
            )
        _past_or_today(errors, "given_on", self.given_on, "The date consent was given")
        check_text(errors, "note", self.note, label="the note", high=500, required=False)
        check_text(
            errors,
            "young_person_view",
            self.young_person_view,
            label="the young person's view",
            high=1000,
            required=False,
        )
        if capacity is not None:
            errors.update(capacity_errors(self, capacity))
        if errors:
            raise Invalid(errors)


def capacity_errors(consent: NewConsent, capacity: CapacityView) -> dict[str, str]:
    """Who may answer for the young person (rules 9 and 15, policy 3.2): they answer
    for themselves only with capacity; a parent or carer answering for a child without it
    records the child's own view."""
    if consent.given_by is GivenBy.YOUNG_PERSON:
        if capacity.has_capacity is None:
            return {
                "given_by": f"{capacity.explain()} Record their date of birth, or a decision"
                " that they can decide for themselves, before they answer for themselves."
            }
        if capacity.has_capacity is False:
            return {
                "given_by": f"{capacity.explain()} A parent or carer answers for them, unless"
                " a decision that they can decide for themselves is recorded."
            }
    elif capacity.has_capacity is False and not consent.young_person_view.strip():
        return {
            "young_person_view": "Record the child's own view (or why it could not be asked):"
            " they cannot decide for themselves, so their parent or carer answers for them"
        }
    return {}


class ReviewConsent(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A review that confirms the current consent; a change is a ``NewConsent`` instead."""

    outcome: ReviewOutcome = ReviewOutcome.CONFIRMED
    note: str = ""

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "note", self.note, label="the note", high=500, required=False)
        if errors:
            raise Invalid(errors)


class FirstContact(NewEnquiry, kw_only=True, forbid_unknown_fields=True):
    """A new enquiry with the answer about consent asked at first contact (rule 4):
    ``consent``, or ``consent_not_asked`` saying why it was not asked yet (the case is then
    listed until it is). An anonymous enquiry has neither: there is no-one to ask."""

    consent: NewConsent | None = None
    consent_not_asked: str | None = None

    def consent_answer_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.anonymous:
            if self.consent is not None or self.consent_not_asked is not None:
                errors["consent"] = "An anonymous enquiry records no consent: no-one to ask"
        elif self.consent is None and self.consent_not_asked is None:
            errors["consent"] = "Record their answer about consent, or why it was not asked yet"
        elif self.consent is not None and self.consent_not_asked is not None:
            errors["consent_not_asked"] = "Consent was asked: leave out why it was not"
        elif self.consent_not_asked is not None:
            check_text(
                errors,
                "consent_not_asked",
                self.consent_not_asked,
                label="why consent was not asked yet",
                low=3,
                high=500,
            )
        return errors


class NewCapacityDecision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A judgement that the young person can, or cannot, decide for themselves."""

    has_capacity: bool
    judged_on: date
    note: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        _past_or_today(errors, "judged_on", self.judged_on, "The date it was judged")
        check_text(errors, "note", self.note, label="how it was judged", low=3, high=500)
        if errors:
            raise Invalid(errors)


class ItemKind(StrEnum):
    NOTE = "note"
    CONTACT = "contact"
    FIELD = "field"
    # A person's contact details, for a safeguarding referral (the id is the person's).
    ADDRESS = "address"
    PHONE = "phone"
    # A document on the case, at the version named (``<id>@<version>``) or its latest: the
    # disclosure records the exact version (rule 28).
    DOCUMENT = "document"


class CaseField(StrEnum):
    """Parts of the case file that can be shared one by one (need-to-know, policy 4.5)."""

    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    SCHOOL = "school_or_setting"
    PRIMARY_NEED = "primary_need"
    TOPICS = "topics"
    PARENTS = "parents"


class ItemRef(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One item to share: a note (its current version), a contact, a case field, a
    person's address or phone number, or a document (``<id>`` or ``<id>@<version>``)."""

    kind: ItemKind
    id: str  # a note's, contact's or person's id, or a ``CaseField`` value

    def key(self) -> str:
        return f"{self.kind.value}:{self.id}"


def validate_items(items: Sequence[ItemRef]) -> dict[str, str]:
    """What to share: at least one item, each once, not too many at a time."""
    if not items:
        return {"items": "Choose what to share"}
    if len(items) > MAX_ITEMS:
        return {"items": f"Choose {MAX_ITEMS} items or fewer"}
    if len({i.key() for i in items}) != len(items):
        return {"items": "Choose each item once"}
    return {}


class NewDisclosure(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """To whom, why, and exactly what: never the whole file by default.

    ``legal_basis`` and ``justification``: a manager sharing beyond consent (rule 6).
    ``ask_manager``: a caseworker whose share was refused asks a manager to authorise it.
    """

    recipient_org: str
    recipient_role: str
    purpose: str
    items: list[ItemRef]
    recipient_person: str = ""
    legal_basis: LegalBasis | None = None
    justification: str = ""
    ask_manager: bool = False
    # A school's SENCO from the directory (issue 14): the organisation and the person are
    # then the directory's, as it holds them when the share is recorded.
    recipient_school_id: UUID | None = None

    def validate(self, roles: Collection[str]) -> None:
        errors: dict[str, str] = {}
        check_text(
            errors,
            "recipient_org",
            self.recipient_org,
            label="the organisation",
            high=200,
            required=True,
        )
        if self.recipient_role not in roles:
            errors["recipient_role"] = "Choose the recipient's professional role"
        check_text(
            errors,
            "recipient_person",
            self.recipient_person,
            label="the person",
            high=200,
            required=False,
        )
        check_text(
            errors,
            "purpose",
            self.purpose,
            label="the purpose of sharing",
            high=2000,
            required=True,
        )
        errors.update(validate_items(self.items))
        if self.legal_basis is not None:
            check_text(
                errors, "justification", self.justification, label="the justification", high=4000
            )
            if self.ask_manager:
                errors["ask_manager"] = "A manager recording a legal basis does not ask a manager"
        elif self.justification.strip():
            errors["justification"] = "A justification goes with a legal basis"
        if errors:
            raise Invalid(errors)


class Authorisation(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A manager's decision on a disclosure awaiting authorisation."""

    legal_basis: LegalBasis
    justification: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(
            errors,
            "justification",
            self.justification,
            label="the justification",
            high=4000,
            required=True,
        )
        if errors:
            raise Invalid(errors)


class Decline(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "reason", self.reason, label="the reason", high=2000)
        if errors:
            raise Invalid(errors)


class SentDisclosure(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An allowed or authorised share sent: the day it went, how, and to whom exactly."""

    sent_on: date
    method: SendMethod
    sent_to: str

    def validate(self, decided_on: date) -> None:
        """``decided_on``: the day it was allowed or authorised; nothing went before it."""
        errors: dict[str, str] = {}
        _past_or_today(errors, "sent_on", self.sent_on, "The date it was sent")
        if "sent_on" not in errors and self.sent_on < decided_on:
            errors["sent_on"] = "The date it was sent must not be before it was allowed"
        check_text(errors, "sent_to", self.sent_to, label="who it was sent to", low=3, high=500)
        if errors:
            raise Invalid(errors)


class CancelShare(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An allowed or authorised share that will not be sent, and why."""

    reason: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "reason", self.reason, label="why it will not be sent", high=500)
        if errors:
            raise Invalid(errors)


class ToldClient(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """When and how the service user was told of a disclosure made without consent."""

    told_on: date
    told_how: TellMethod
    note: str = ""
    # Who was told (someone on the case): the route is checked against their safe-contact
    # preferences; not named, a route no-one on the case allows is refused (rule 8).
    told_person_id: UUID | None = None
    # A manager's reason to tell by a route the preferences forbid.
    safe_contact_exception: str | None = None

    def validate(self, shared_on: date) -> None:
        """``shared_on``: the day the information was sent; nobody was told before it."""
        errors: dict[str, str] = {}
        check_exception(errors, self.safe_contact_exception)
        _past_or_today(errors, "told_on", self.told_on, "The date they were told")
        if "told_on" not in errors and self.told_on < shared_on:
            errors["told_on"] = (
                "The date they were told must not be before the information was shared"
            )
        check_text(errors, "note", self.note, label="the note", high=500, required=False)
        if errors:
            raise Invalid(errors)


class DelayTelling(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A manager's reason to tell later (e.g. telling would put someone at risk)."""

    reason: str
    new_due_on: date

    def validate(self, current_due: date) -> None:
        errors: dict[str, str] = {}
        check_text(
            errors, "reason", self.reason, label="the reason to delay", high=2000, required=True
        )
        if self.new_due_on <= service_today():
            errors["new_due_on"] = "The new due date must be in the future"
        elif self.new_due_on <= current_due:
            errors["new_due_on"] = "The new due date must be after the current one"
        elif (self.new_due_on - service_today()).days > 366:
            errors["new_due_on"] = "The new due date must be within a year"
        if errors:
            raise Invalid(errors)


# Views


class CheckCode(StrEnum):
    """The disclosure check's outcome; the reason shown says it in words."""

    FULL = "full"
    RESTRICTED_INCLUDES = "restricted_includes_role"
    LAPSED_WARNING = "lapsed_warning"  # allowed: the tenant warns rather than blocks
    ANONYMOUS = "anonymous"  # no-one to consent: only a legal basis
    CASE_CLOSED = "case_closed"  # consent-based sharing is for open cases
    LEGAL_BASIS_ONLY = "legal_basis_only"  # police, a court, a recipient not on the list
    NO_CONSENT = "no_consent"
    REFUSED = "refused"
    RESTRICTED_EXCLUDES = "restricted_excludes_role"
    YOUNG_PERSON_CANNOT_DECIDE = "young_person_cannot_decide"  # their own consent, no capacity
    YOUNG_PERSON_SIDE = "young_person_side"  # their confidences, on a parent's consent
    LAPSED = "lapsed"
    # Released on a case-file request (rule 10): its ground is recorded on the request.
    INFORMATION_REQUEST = "information_request"


@dataclass(frozen=True, slots=True)
class CapacityDecisionView:
    id: UUID
    has_capacity: bool
    judged_on: date
    judged_by: UUID
    judged_by_name: str
    note: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class CapacityView:
    """Whether the young person can decide for themselves now, and why we think so.

    ``has_capacity`` None: neither their age nor a decision is known. Presumed from the
    tenant's age (``capacity_age``) unless a decision says otherwise; a "no" judged while
    they were younger than that age lapses when they reach it.
    """

    age: int | None
    capacity_age: int
    has_capacity: bool | None
    decision: CapacityDecisionView | None  # the latest, when it still stands
    decisions: list[CapacityDecisionView] = field(default_factory=list)  # newest first

    def explain(self) -> str:
        """In words, for the person sharing or recording consent."""
        if self.age is None:
            aged = "The young person's age is not recorded"
        else:
            aged = f"The young person is {self.age}"
        if self.decision is not None:
            who = self.decision.judged_by_name or "a member of staff"
            when = self.decision.judged_on.strftime("%-d %B %Y")
            able = "able" if self.decision.has_capacity else "not able"
            return f"{aged}; {who} judged on {when} that they are {able} to decide for themselves."
        if self.has_capacity is None:
            return f"{aged}, and no decision about their capacity has been recorded."
        relation = "at or over" if self.has_capacity else "under"
        able = "presumed able" if self.has_capacity else "not presumed able"
        return (
            f"{aged}: {relation} the service's age of {self.capacity_age}, so {able} to decide"
            " for themselves (no decision recorded)."
        )


@dataclass(frozen=True, slots=True)
class ConsentReviewView:
    id: UUID
    consent_id: UUID
    outcome: ReviewOutcome
    note: str
    next_review_due: date
    reviewed_by: UUID
    reviewed_by_name: str
    reviewed_at: datetime


@dataclass(frozen=True, slots=True)
class ConsentView:
    id: UUID
    case_id: UUID
    version: int
    decision: Decision
    roles: list[str]
    given_by: GivenBy
    method: ConsentMethod
    given_on: date
    advised_of_limits: bool
    parties_told: list[str]
    young_person_view: str
    note: str
    review_due: date  # the latest review's next date, else the one set when recorded
    lapsed: bool
    recorded_by: UUID
    recorded_by_name: str
    recorded_at: datetime
    reviews: list[ConsentReviewView] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NotAskedView:
    """Consent was not asked at first contact: why, and who recorded that."""

    reason: str
    recorded_by_name: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ConsentHistory:
    """The current consent (the newest version), every version newest first, the young
    person's capacity, and why consent was not asked at first contact (if it was not)."""

    case_id: UUID
    current: ConsentView | None
    versions: list[ConsentView]
    capacity: CapacityView | None = None  # None: an anonymous enquiry
    not_asked: NotAskedView | None = None


@dataclass(frozen=True, slots=True)
class AwaitingConsent:
    """A case whose consent was not asked at first contact and is still not recorded."""

    case_id: UUID
    case_reference: str
    subject_name: str | None
    reason: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewDue:
    case_id: UUID
    case_reference: str
    subject_name: str | None
    consent_version: int
    decision: Decision
    review_due: date
    overdue: bool


@dataclass(frozen=True, slots=True)
class DisclosureCheck:
    allowed: bool
    code: CheckCode
    reason: str  # in words, for the person asking
    recipient_role: str
    consent: ConsentView | None
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class SharedItem:
    """One item as it was when shared: the printable record shows exactly this."""

    kind: ItemKind
    ref: str
    label: str
    text: str
    young_person_only: bool = False


@dataclass(frozen=True, slots=True)
class TaskDelayView:
    id: UUID
    reason: str
    previous_due_on: date
    new_due_on: date
    delayed_by: UUID
    delayed_by_name: str
    delayed_at: datetime


@dataclass(frozen=True, slots=True)
class TellTaskView:
    id: UUID
    case_id: UUID
    case_reference: str
    disclosure_id: UUID
    recipient_org: str
    recipient_role: str
    legal_basis: LegalBasis | None
    due_on: date
    status: TaskStatus
    overdue: bool
    told_on: date | None
    told_how: TellMethod | None
    told_note: str
    told_by_name: str | None
    created_at: datetime
    done_at: datetime | None
    delays: list[TaskDelayView] = field(default_factory=list)
    # What was shared includes the young person's confidential side: tell the young
    # person, never their parent (rule 15).
    young_person_items: bool = False


@dataclass(frozen=True, slots=True)
class DisclosureView:
    id: UUID
    case_id: UUID
    case_reference: str
    recipient_org: str
    recipient_role: str
    recipient_person: str
    purpose: str
    items: list[SharedItem]
    status: DisclosureStatus
    basis: Basis | None
    consent_id: UUID | None
    consent_version: int | None
    check_code: CheckCode
    check_reason: str
    legal_basis: LegalBasis | None
    justification: str | None
    tell_not_possible: str | None  # why the service user cannot be told (no task then)
    decline_reason: str | None
    requested_by: UUID
    requested_by_name: str
    requested_at: datetime
    authorised_by: UUID | None
    authorised_by_name: str | None
    decided_at: datetime | None
    sent_on: date | None
    sent_method: SendMethod | None
    sent_to: str | None
    sent_by_name: str | None
    shared_at: datetime | None  # when the sending was recorded
    cancel_reason: str | None
    cancelled_by_name: str | None
    cancelled_at: datetime | None
    task: TellTaskView | None = None
    given_by: GivenBy | None = None  # whose word a release on the service user's word is


@dataclass(frozen=True, slots=True)
class DisclosureSummary:
    """A line of a list: a case's disclosure log, or disclosures awaiting a manager."""

    id: UUID
    case_id: UUID
    case_reference: str
    recipient_org: str
    recipient_role: str
    status: DisclosureStatus
    basis: Basis | None
    legal_basis: LegalBasis | None
    item_count: int
    requested_by_name: str
    requested_at: datetime
    decided_at: datetime | None
    sent_on: date | None
    sent_method: SendMethod | None
