"""What case work takes in and gives out.

Inputs are msgspec Structs, so the API decodes them directly; their
``validate()`` is called by the services (not the surfaces), so the API, the
pages and the tasks get the same field-named errors. Views are frozen
dataclasses built by the services only.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.core.clock import service_today
from confide.platform.core.edge import check_text as check_text  # shared by every domain
from confide.platform.core.edge import control_characters
from confide.platform.core.errors import Invalid
from confide.tenants.policy.services import (
    DEFAULT_TOPICS as DEFAULT_TOPICS,  # each tenant's own list: ``get_policy().topics``
)


class PersonKind(StrEnum):
    CHILD_OR_YOUNG_PERSON = "child_or_young_person"
    PARENT_OR_CARER = "parent_or_carer"
    OTHER = "other"  # another professional, a relative, a friend


class ContactedBy(StrEnum):
    PARENT = "parent"
    CARER = "carer"
    YOUNG_PERSON = "young_person"
    PROFESSIONAL = "professional"


class ReferralRoute(StrEnum):
    SELF = "self"
    PROFESSIONAL = "professional"
    EARLY_HELP = "early_help"  # through an Early Help Assessment


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ContactKind(StrEnum):
    PHONE = "phone"
    VOICEMAIL = "voicemail"  # a helpline voicemail is a case record like any other
    EMAIL = "email"
    MEETING = "meeting"
    LETTER = "letter"
    VIDEO = "video"
    TEXT = "text"  # a text message


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class Side(StrEnum):
    """Whose side of the record: a young person may tell the service things in confidence
    from their parent; those items never appear in the parent's view or anything made for them."""

    SHARED = "shared"
    YOUNG_PERSON_ONLY = "young_person_only"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_POSTCODE = re.compile(r"^[A-Za-z0-9 ]{2,10}$")
_CLOCK_SKEW = timedelta(minutes=5)


class Grounds(StrEnum):
    """Why someone may open a case (rule 1); recorded with every read (rule 2)."""

    MANAGER = "manager"
    ASSIGNED = "assigned"
    BREAK_GLASS = "break_glass"


def _not_future(errors: dict[str, str], field: str, when: datetime | None, label: str) -> None:
    if when is None:
        return
    if when.tzinfo is None:
        errors[field] = f"{label} must include a time zone"
    elif when > datetime.now(UTC) + _CLOCK_SKEW:
        errors[field] = f"{label} must not be in the future"


class NewPerson(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A person on an enquiry, with how they may safely be contacted (rule 8)."""

    first_name: str
    last_name: str
    date_of_birth: date | None = None
    school_or_setting: str | None = None
    primary_need: str | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    may_phone: bool = False
    may_leave_voicemail: bool = False
    may_text: bool = False
    may_email: bool = False
    may_post: bool = False
    preferred_times: str = ""
    safe_contact_note: str = ""

    def validate(self, prefix: str = "") -> dict[str, str]:
        errors: dict[str, str] = {}
        first, last = f"{prefix}first_name", f"{prefix}last_name"
        check_text(errors, first, self.first_name, label="a first name", high=100, single_line=True)
        check_text(errors, last, self.last_name, label="a last name", high=100, single_line=True)
        if self.date_of_birth is not None:
            if self.date_of_birth > service_today():
                errors[f"{prefix}date_of_birth"] = "Date of birth must be in the past"
            elif self.date_of_birth.year < 1900:
                errors[f"{prefix}date_of_birth"] = "Enter a real date of birth"
        for field, value, high, single_line in (
            ("school_or_setting", self.school_or_setting, 200, True),
            ("primary_need", self.primary_need, 100, True),
            ("address", self.address, 500, False),
            ("phone", self.phone, 40, True),
            ("preferred_times", self.preferred_times, 200, True),
            ("safe_contact_note", self.safe_contact_note, 500, False),
        ):
            check_text(errors, prefix + field, value, label=field.replace("_", " "), high=high,
                  required=False, single_line=single_line)  # fmt: skip
        if self.postcode and not _POSTCODE.match(self.postcode.strip()):
            errors[f"{prefix}postcode"] = "Enter a real postcode"
        if self.email and (
            len(self.email) > 320
            or control_characters(self.email, single_line=True)
            or not _EMAIL.match(self.email.strip())
        ):
            errors[f"{prefix}email"] = "Enter an email address like name@example.com"
        if self.may_leave_voicemail and not self.may_phone:
            errors[f"{prefix}may_leave_voicemail"] = "A voicemail needs permission to phone"
        if self.may_phone and not self.phone:
            errors[f"{prefix}phone"] = "Enter a phone number, or say they may not be phoned"
        if self.may_email and not self.email:
            errors[f"{prefix}email"] = "Enter an email address, or say they may not be emailed"
        if self.may_post and not self.address:
            errors[f"{prefix}address"] = "Enter an address, or say they may not be sent post"
        return errors


class NewEnquiry(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A first contact: who it is about, who got in touch, how they came to us, what about."""

    contacted_by: ContactedBy
    anonymous: bool = False
    young_person: NewPerson | None = None
    parents: list[NewPerson] = msgspec.field(default_factory=list)
    # People already recorded, linked instead of recorded again (one person across cases):
    # their own safe-contact preferences follow them; consent is asked per case.
    young_person_id: UUID | None = None
    parent_ids: list[UUID] = msgspec.field(default_factory=list)
    referral_route: ReferralRoute = ReferralRoute.SELF
    referrer_consent_confirmed: bool = False
    referrer_name: str | None = None
    referrer_consent_on: date | None = None
    topics: list[str] = msgspec.field(default_factory=list)
    support_level: int = 1

    def validate(self, topics: Collection[str] = DEFAULT_TOPICS) -> None:
        """``topics``: the tenant's current list (``get_policy().topics``)."""
        errors: dict[str, str] = {}
        if self.anonymous:
            if (
                self.young_person is not None
                or self.parents
                or self.young_person_id is not None
                or self.parent_ids
            ):
                errors["anonymous"] = "An anonymous enquiry records no people"
        elif self.young_person is not None and self.young_person_id is not None:
            errors["young_person_id"] = "Link the young person already recorded, or enter a new one"
        elif self.young_person is not None:
            errors.update(self.young_person.validate("young_person."))
        elif self.young_person_id is None:
            errors["young_person"] = "Enter the child or young person, or mark it anonymous"
        if len(self.parents) + len(self.parent_ids) > 10:
            errors["parents"] = "Record at most 10 parents or carers"
        if len(set(self.parent_ids)) != len(self.parent_ids) or (
            self.young_person_id is not None and self.young_person_id in self.parent_ids
        ):
            errors["parent_ids"] = "Link each person once"
        for i, parent in enumerate(self.parents):
            errors.update(parent.validate(f"parents.{i}."))
        if self.referral_route is not ReferralRoute.SELF:
            # rule 3: another professional's referral needs the family's prior consent.
            if not self.referrer_consent_confirmed:
                errors["referrer_consent_confirmed"] = (
                    "Confirm the referrer had the family's consent before referring"
                )
            check_text(errors, "referrer_name", self.referrer_name, label="the referrer's name",
                  high=200, single_line=True)  # fmt: skip
            if self.referrer_consent_on is None:
                errors["referrer_consent_on"] = "Enter the date the family gave consent"
            elif self.referrer_consent_on > service_today():
                errors["referrer_consent_on"] = "The consent date must not be in the future"
        elif self.referrer_consent_confirmed or self.referrer_name or self.referrer_consent_on:
            errors["referral_route"] = "A self-referral has no referrer"
        if not self.topics:
            errors["topics"] = "Choose at least one topic"
        elif any(t not in topics for t in self.topics):
            errors["topics"] = "Choose topics from the list"
        elif len(set(self.topics)) != len(self.topics):
            errors["topics"] = "Choose each topic once"
        if not 1 <= self.support_level <= 4:
            errors["support_level"] = "Support level must be between 1 and 4"
        if errors:
            raise Invalid(errors)


class NewContact(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A phone call, voicemail, email, meeting, letter or video call on a case."""

    kind: ContactKind
    direction: Direction
    occurred_at: datetime
    summary: str
    duration_minutes: int | None = None
    with_person_id: UUID | None = None
    side: Side = Side.SHARED
    # A manager's reason to make an outgoing contact the person's safe-contact
    # preferences forbid (rule 8); refused from anyone else, and when none is needed.
    safe_contact_exception: str | None = None

    def validate(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, "occurred_at", self.occurred_at, "When it happened")
        check_exception(errors, self.safe_contact_exception)
        check_text(errors, "summary", self.summary, label="a summary", high=10_000)
        if self.duration_minutes is not None and not 0 <= self.duration_minutes <= 24 * 60:
            errors["duration_minutes"] = "Duration must be between 0 and 1440 minutes"
        if errors:
            raise Invalid(errors)


def check_exception(errors: dict[str, str], reason: str | None) -> None:
    """A safe-contact exception's reason, where one is given: 10 to 500 characters."""
    if reason is not None:
        label = "why the safe-contact preferences are set aside"
        check_text(errors, "safe_contact_exception", reason, label=label, low=10, high=500)


# The safe-contact preference each outgoing route needs (rule 8), and how a refusal says it.
ROUTE_PREFERENCE: dict[str, str] = {
    "phone": "may_phone",
    "voicemail": "may_leave_voicemail",
    "text": "may_text",
    "email": "may_email",
    "letter": "may_post",
}
PREFERENCE_WORDS: dict[str, str] = {
    "may_phone": "may not be phoned",
    "may_leave_voicemail": "may not be left a voicemail",
    "may_text": "may not be sent texts",
    "may_email": "may not be emailed",
    "may_post": "may not be sent post",
}


class NewNote(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    body: str
    side: Side = Side.SHARED

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "body", self.body, label="the note", high=20_000)
        if errors:
            raise Invalid(errors)


class NoteCorrection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new version of a note; the old one is kept, flagged as corrected."""

    body: str
    reason: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "body", self.body, label="the corrected note", high=20_000)
        check_text(
            errors,
            "reason",
            self.reason,
            label="why the note is corrected",
            low=3,
            high=300,
            single_line=True,
        )
        if errors:
            raise Invalid(errors)


class CloseCase(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    outcome: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "outcome", self.outcome, label="the outcome", high=200, single_line=True)
        if errors:
            raise Invalid(errors)


class AssignmentChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Assign a caseworker to a case, or end their assignment (managers only)."""

    staff_id: UUID
    assigned: bool = True


class BreakGlassRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "reason", self.reason, label="why you need this case", low=10, high=500)
        if errors:
            raise Invalid(errors)


@dataclass(frozen=True, slots=True)
class SafeContact:
    """Shown wherever someone is about to make contact: nobody else may learn of us."""

    may_phone: bool
    may_leave_voicemail: bool
    may_text: bool
    may_email: bool
    may_post: bool
    preferred_times: str
    note: str


@dataclass(frozen=True, slots=True)
class ContactTarget:
    """Someone on a case, as the safe-contact check sees them."""

    person_id: UUID
    name: str
    safe_contact: SafeContact
    must_not_be_told: bool = False  # about this case: never a way to reach the client


@dataclass(frozen=True, slots=True)
class PersonView:
    id: UUID
    kind: PersonKind
    first_name: str
    last_name: str
    date_of_birth: date | None
    school_or_setting: str | None
    primary_need: str | None
    address: str | None
    postcode: str | None
    phone: str | None
    email: str | None
    safe_contact: SafeContact


@dataclass(frozen=True, slots=True)
class CasePersonView:
    relationship: PersonKind
    person: PersonView
    must_not_be_told: bool = False  # about this case: never contacted or told through them


@dataclass(frozen=True, slots=True)
class AssignmentView:
    id: UUID
    staff_id: UUID
    staff_name: str
    assigned_by: UUID
    assigned_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class ContactView:
    id: UUID
    kind: ContactKind
    direction: Direction
    occurred_at: datetime
    duration_minutes: int | None
    with_person_id: UUID | None
    summary: str
    side: Side
    recorded_by: UUID
    recorded_at: datetime
    recorded_by_name: str = ""
    safe_contact_exception: str | None = None  # a manager's reason, where one was needed


@dataclass(frozen=True, slots=True)
class NoteVersionView:
    id: UUID
    version: int
    body: str
    correction_reason: str | None
    recorded_by: UUID
    recorded_at: datetime
    corrected: bool  # a later version replaced it; kept, never overwritten
    recorded_by_name: str = ""


@dataclass(frozen=True, slots=True)
class NoteView:
    note_id: UUID
    side: Side
    current: NoteVersionView
    history: list[NoteVersionView]  # earlier versions, newest first


@dataclass(frozen=True, slots=True)
class CaseSummary:
    id: UUID
    reference: str
    status: str
    anonymous: bool
    subject_name: str | None
    support_level: int
    topics: list[str]
    opened_on: date


@dataclass(frozen=True, slots=True)
class CaseView:
    id: UUID
    reference: str
    status: str
    anonymous: bool
    contacted_by: ContactedBy
    referral_route: ReferralRoute
    referrer_consent_confirmed: bool
    referrer_name: str | None
    referrer_consent_on: date | None
    topics: list[str]
    support_level: int
    opened_on: date
    closed_on: date | None
    outcome: str | None
    subject: PersonView | None
    people: list[CasePersonView]
    assignments: list[AssignmentView]
    contacts: list[ContactView]
    notes: list[NoteView]
    grounds: Grounds
    parent_view: bool = False  # young-person-only items were left out


@dataclass(frozen=True, slots=True)
class BreakGlassView:
    id: UUID
    case_id: UUID
    case_reference: str
    staff_id: UUID
    staff_name: str
    reason: str
    granted_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One line of a case's access history, from the audit log."""

    seq: int
    occurred_at: datetime
    action: str
    actor_id: UUID | None
    actor_name: str | None
    grounds: str | None
    reason_code: str | None


class SearchKind(StrEnum):
    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    POSTCODE = "postcode"
    REFERENCE = "reference"


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case a hit is on. Restricted: the reference only."""

    reference: str
    restricted: bool
    case_id: UUID | None = None
    status: str | None = None
    opened_on: date | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A person with their cases. Restricted: no person details at all, only references."""

    restricted: bool
    cases: tuple[CaseRef, ...]
    person_id: UUID | None = None
    kind: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None

    @property
    def name(self) -> str | None:
        if self.first_name is None or self.last_name is None:
            return None
        return f"{self.first_name} {self.last_name}"
