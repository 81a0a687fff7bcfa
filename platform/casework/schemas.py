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
from dataclasses import field as dataclass_field
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


class RecordKind(StrEnum):
    """What a versioned change of details was made to."""

    PERSON = "person"
    CASE = "case"


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


class ContactCorrection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new version of a contact recorded in error, and why; the first is kept. Its side
    stays the original's (a confidence never moves to the parent's side by a correction)."""

    kind: ContactKind
    direction: Direction
    occurred_at: datetime
    summary: str
    reason: str
    duration_minutes: int | None = None
    with_person_id: UUID | None = None

    def validate(self) -> None:
        errors: dict[str, str] = {}
        try:
            self.as_contact().validate()
        except Invalid as invalid:
            errors.update(invalid.errors)
        check_reason(errors, self.reason, "why the contact is corrected")
        if errors:
            raise Invalid(errors)

    def as_contact(self) -> NewContact:
        return NewContact(
            kind=self.kind,
            direction=self.direction,
            occurred_at=self.occurred_at,
            summary=self.summary,
            duration_minutes=self.duration_minutes,
            with_person_id=self.with_person_id,
        )


def check_reason(errors: dict[str, str], reason: str, label: str) -> None:
    """Every change of a record says why (3 to 300 characters, one line)."""
    check_text(errors, "reason", reason, label=label, low=3, high=300, single_line=True)


# A person's details that an edit may change, in the order pages show them.
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "school_or_setting",
    "primary_need",
    "address",
    "postcode",
    "phone",
    "email",
    "may_phone",
    "may_leave_voicemail",
    "may_text",
    "may_email",
    "may_post",
    "preferred_times",
    "safe_contact_note",
)
# A case's details that an edit may change.
CASE_FIELDS = (
    "contacted_by",
    "referral_route",
    "referrer_consent_confirmed",
    "referrer_name",
    "referrer_consent_on",
    "topics",
    "support_level",
)


class PersonChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a person's details (names, date of birth, contact details, school or
    setting, primary need, safe-contact preferences), and why. A field left out stays as
    it is; ``null`` clears an optional one."""

    reason: str
    first_name: str | msgspec.UnsetType = msgspec.UNSET
    last_name: str | msgspec.UnsetType = msgspec.UNSET
    date_of_birth: date | msgspec.UnsetType | None = msgspec.UNSET
    school_or_setting: str | msgspec.UnsetType | None = msgspec.UNSET
    primary_need: str | msgspec.UnsetType | None = msgspec.UNSET
    address: str | msgspec.UnsetType | None = msgspec.UNSET
    postcode: str | msgspec.UnsetType | None = msgspec.UNSET
    phone: str | msgspec.UnsetType | None = msgspec.UNSET
    email: str | msgspec.UnsetType | None = msgspec.UNSET
    may_phone: bool | msgspec.UnsetType = msgspec.UNSET
    may_leave_voicemail: bool | msgspec.UnsetType = msgspec.UNSET
    may_text: bool | msgspec.UnsetType = msgspec.UNSET
    may_email: bool | msgspec.UnsetType = msgspec.UNSET
    may_post: bool | msgspec.UnsetType = msgspec.UNSET
    preferred_times: str | msgspec.UnsetType = msgspec.UNSET
    safe_contact_note: str | msgspec.UnsetType = msgspec.UNSET

    def given(self) -> dict[str, object]:
        """The fields the change sets, blank text as none."""
        given = {}
        for name in PERSON_FIELDS:
            value = getattr(self, name)
            if value is msgspec.UNSET:
                continue
            if isinstance(value, str):
                value = value.strip()
                if name == "postcode":
                    value = value.upper()
                if not value and name not in ("preferred_times", "safe_contact_note"):
                    value = None
            given[name] = value
        return given


class CaseChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a case's details (who got in touch, referral, topics, support level), and
    why. A field left out stays as it is."""

    reason: str
    contacted_by: ContactedBy | msgspec.UnsetType = msgspec.UNSET
    referral_route: ReferralRoute | msgspec.UnsetType = msgspec.UNSET
    referrer_consent_confirmed: bool | msgspec.UnsetType = msgspec.UNSET
    referrer_name: str | msgspec.UnsetType | None = msgspec.UNSET
    referrer_consent_on: date | msgspec.UnsetType | None = msgspec.UNSET
    topics: list[str] | msgspec.UnsetType = msgspec.UNSET
    support_level: int | msgspec.UnsetType = msgspec.UNSET

    def given(self) -> dict[str, object]:
        given: dict[str, object] = {}
        for name in CASE_FIELDS:
            value = getattr(self, name)
            if value is msgspec.UNSET:
                continue
            if isinstance(value, str):
                value = value.strip() or None
            given[name] = value
        return given


def check_case_details(values: dict[str, object], topics: Collection[str]) -> dict[str, str]:
    """A case's details as they would be after a change: the enquiry's own rules (rule 3:
    a professional referral records the family's prior consent)."""
    errors: dict[str, str] = {}
    enquiry = NewEnquiry(
        contacted_by=ContactedBy(str(values["contacted_by"])),
        anonymous=True,
        referral_route=ReferralRoute(str(values["referral_route"])),
        referrer_consent_confirmed=bool(values["referrer_consent_confirmed"]),
        referrer_name=values["referrer_name"],  # type: ignore[arg-type]
        referrer_consent_on=values["referrer_consent_on"],  # type: ignore[arg-type]
        topics=list(values["topics"]),  # type: ignore[call-overload]
        support_level=int(values["support_level"]),  # type: ignore[call-overload]
    )
    try:
        enquiry.validate(topics)
    except Invalid as invalid:
        errors.update(invalid.errors)
    return errors


class Reopen(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Reopen a closed case, and why."""

    reason: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_reason(errors, self.reason, "why the case is reopened")
        if errors:
            raise Invalid(errors)


class ReturningFamily(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new case for a family who come back: the same people, linked to the case before."""

    contacted_by: ContactedBy
    topics: list[str]
    support_level: int = 1
    referral_route: ReferralRoute = ReferralRoute.SELF
    referrer_consent_confirmed: bool = False
    referrer_name: str | None = None
    referrer_consent_on: date | None = None

    def validate(self, topics: Collection[str]) -> None:
        errors = check_case_details({name: getattr(self, name) for name in CASE_FIELDS}, topics)
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


class BreakGlassReviewRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A manager's look at a use of break-glass (issue 15): what they found."""

    note: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "note", self.note, label="what you found", low=2, high=1000)
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
    contact_id: UUID | None = None  # the contact (its first version's id)
    version: int = 1
    correction_reason: str | None = None
    history: list[ContactVersionView] = dataclass_field(
        default_factory=list
    )  # earlier, newest first
    safe_contact_exception: str | None = None  # a manager's reason, where one was needed


@dataclass(frozen=True, slots=True)
class ContactVersionView:
    """An earlier version of a corrected contact, kept as it was."""

    id: UUID
    version: int
    kind: ContactKind
    direction: Direction
    occurred_at: datetime
    duration_minutes: int | None
    summary: str
    correction_reason: str | None
    recorded_by: UUID
    recorded_at: datetime
    recorded_by_name: str = ""


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
    follows: CaseLink | None = None  # the case before, for a returning family
    followed_by: list[CaseLink] = dataclass_field(default_factory=list)  # later cases of theirs
    on_legal_hold: bool = False  # retention's legal hold (rule 14): not erased until lifted


@dataclass(frozen=True, slots=True)
class CaseLink:
    """Another case of the same family: its id, reference and status only."""

    id: UUID
    reference: str
    status: str
    opened_on: date


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One version of a person's or a case's details: who changed what, when and why."""

    id: UUID
    record_kind: RecordKind
    record_id: UUID
    record_name: str  # the person's name or the case's reference
    version: int
    changes: list[FieldChange]
    reason: str
    changed_by: UUID
    changed_by_name: str
    changed_at: datetime


class TimelineKind(StrEnum):
    """What the case timeline can show (filterable by kind)."""

    CONTACT = "contact"
    NOTE = "note"
    SHARE = "share"
    CONSENT = "consent"
    BREAK_GLASS = "break_glass"
    CHANGE = "change"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event on a case's timeline, newest first. ``item_id``: the contact's or note's
    id (``contact_id``/``note_id``), the share, consent version, grant or change; the other
    fields say what happened in a few words (``detail``: the kind's own facts)."""

    kind: TimelineKind
    at: datetime
    item_id: UUID
    by_name: str
    detail: dict[str, str | int | bool | None]


@dataclass(frozen=True, slots=True)
class NextAction:
    """An open task on a case (rule 24): telling the service user of a share (rule 7), a
    consent review, a follow-up (its ``title``)."""

    kind: str
    task_id: UUID
    due_on: date | None  # None: no due date while a request's clock is stopped
    overdue: bool
    title: str = ""


@dataclass(frozen=True, slots=True)
class CaseTimeline:
    """A page of a case's timeline (the kinds asked for), how many events there are of
    those kinds, and what is due on the case."""

    items: list[TimelineEntry]
    total: int
    limit: int
    offset: int
    kinds: list[TimelineKind]
    next_actions: list[NextAction]

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.limit))


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
    # A manager's review (issue 15): None until someone has looked.
    reviewed_at: datetime | None = None
    reviewed_by_name: str | None = None
    review_note: str | None = None


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
    PHONE = "phone"
    EMAIL = "email"


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
    # Why it was found, best first (``matching.MatchReason`` values); none when restricted.
    reasons: tuple[str, ...] = ()

    @property
    def name(self) -> str | None:
        if self.first_name is None or self.last_name is None:
            return None
        return f"{self.first_name} {self.last_name}"
