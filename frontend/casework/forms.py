"""The case work pages' forms: a new enquiry (who, about whom, how they came, what about,
the answer about consent and the first contact), a contact, a note and its correction,
closing a case, assigning a caseworker, break-glass, search.

Each reads the plain HTML post into the msgspec input the API takes, so the services
check it once for every surface; a form checks only what HTML cannot carry typed
(dates, numbers, choices). The services' error keys (``young_person.first_name``,
``parents.0.email``) are turned into the form's field names by ``field_of``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from confide.frontend.consent.forms import (
    CONSENT,
    CONSENT_ORDER,
    DECISION,
    GIVEN_ON,
    NOT_ASKED,
    NOT_ASKED_BECAUSE,
    PARTIES,
    ROLES,
    read_consent,
)
from confide.frontend.forms import Form, date_fields
from confide.platform.casework.schemas import (
    CloseCase,
    ContactedBy,
    ContactKind,
    Direction,
    NewContact,
    NewNote,
    NewPerson,
    NoteCorrection,
    ReferralRoute,
    Side,
)
from confide.platform.consent.schemas import FirstContact, NewConsent
from confide.platform.core.clock import service_today
from confide.platform.core.errors import Invalid

YOUNG_PERSON = "yp"
PARENT = "parent"
FIRST_CONTACT = "contact-"
SAFE_CONTACT_FIELDS = ("may_phone", "may_leave_voicemail", "may_text", "may_email", "may_post")
SUPPORT_LEVELS = ("1", "2", "3", "4")
# Linking someone already recorded (the duplicate check's answer): the chosen person's id,
# or NEW_PERSON for "none of these".
PERSON_ID = "person_id"
NEW_PERSON = "new"


def person_fields(prefix: str) -> tuple[str, ...]:
    """A person's fields on the new-enquiry page, in its order; the young person's own
    (date of birth, school, need) only for ``yp``."""
    own = ("date_of_birth", "school_or_setting", "primary_need") if prefix == YOUNG_PERSON else ()
    names = (
        "first_name",
        "last_name",
        *own,
        "phone",
        "email",
        "address",
        "postcode",
        *SAFE_CONTACT_FIELDS,
        "preferred_times",
        "safe_contact_note",
    )
    return tuple(f"{prefix}-{name}" for name in names)


def contact_fields(prefix: str = "") -> tuple[str, ...]:
    """A contact's fields in page order (the first contact of an enquiry: ``contact-``)."""
    names = ("kind", "direction", "with_person_id", "occurred_on", "duration_minutes")
    return tuple(f"{prefix}{name}" for name in (*names, "summary", "side"))


def read_contact(form: Form, prefix: str = "") -> NewContact | None:
    """A contact (``kind``, ``direction``, ``duration_minutes``, ``summary``); it happened
    now unless the form gives an earlier day (``occurred_on``). None when its kind or its
    direction is missing (the problem is on the form)."""
    kind = form.choice(ContactKind, f"{prefix}kind", "Select the kind of contact")
    direction = form.choice(
        Direction, f"{prefix}direction", "Select whether it was incoming or outgoing"
    )
    duration = None
    if form.text(f"{prefix}duration_minutes"):
        duration = form.number(
            f"{prefix}duration_minutes", "Enter the duration as a whole number of minutes"
        )
    today = service_today()
    occurred_on = form.date(f"{prefix}occurred_on", "The date of the contact")
    if occurred_on is not None and occurred_on > today:
        form.fail(f"{prefix}occurred_on", "The date of the contact must not be in the future")
    if kind is None or direction is None:
        return None
    occurred_at = datetime.now(UTC)
    if occurred_on is not None and occurred_on != today:
        occurred_at = datetime(occurred_on.year, occurred_on.month, occurred_on.day, 12, tzinfo=UTC)
    return NewContact(
        kind=kind,
        direction=direction,
        occurred_at=occurred_at,
        summary=form.text(f"{prefix}summary"),
        duration_minutes=duration,
    )


def _side(form: Form) -> Side:
    """A young person's confidences stay off the parent's side of the record (rule 15)."""
    return Side.YOUNG_PERSON_ONLY if form.text("side") == Side.YOUNG_PERSON_ONLY else Side.SHARED


class EnquiryForm(Form):
    """A whole first contact on one page (``/enquiries/new``)."""

    order = (
        "contacted_by",
        "anonymous",
        *person_fields(YOUNG_PERSON),
        f"{YOUNG_PERSON}-{PERSON_ID}",
        *person_fields(PARENT),
        f"{PARENT}-{PERSON_ID}",
        "referral_route",
        "referrer_name",
        "referrer_consent_on",
        "referrer_consent_confirmed",
        "topics",
        "support_level",
        *CONSENT_ORDER,
        *contact_fields(FIRST_CONTACT),
    )
    lists = ("topics", ROLES, PARTIES)
    dates = (
        f"{YOUNG_PERSON}-date_of_birth",
        "referrer_consent_on",
        GIVEN_ON,
        f"{FIRST_CONTACT}occurred_on",
    )

    @classmethod
    def blank(cls) -> EnquiryForm:
        """A self-referral, with consent given today unless the caseworker changes it."""
        return cls(
            {"referral_route": ReferralRoute.SELF.value, **date_fields(GIVEN_ON, service_today())}
        )

    def field_of(self, key: str) -> str:
        if key.startswith("consent."):
            return f"{CONSENT}{key.removeprefix('consent.')}"
        if key == "consent":
            return DECISION
        if key == "consent_not_asked":
            return NOT_ASKED_BECAUSE
        if key.startswith("contact."):
            return f"{FIRST_CONTACT}{key.removeprefix('contact.')}"
        if key.startswith("young_person."):
            return f"{YOUNG_PERSON}-{key.removeprefix('young_person.')}"
        if key == "young_person":
            return f"{YOUNG_PERSON}-first_name"
        if key.startswith("parents."):
            return f"{PARENT}-{key.split('.', 2)[-1]}"
        if key == "young_person_id":
            return f"{YOUNG_PERSON}-{PERSON_ID}"
        if key == "parent_ids":
            return f"{PARENT}-{PERSON_ID}"
        return key

    def first_contact(self) -> tuple[FirstContact, NewContact | None]:
        """The enquiry with its answer about consent, and its first contact (None when its
        kind or direction is missing). Built even when a choice is missing (a stand-in, its
        problem on the form), so the services' own checks run too and one pass shows every
        problem; nothing may be saved while there is any."""
        contacted_by = self.choice(ContactedBy, "contacted_by", "Select who got in touch")
        route = self.choice(
            ReferralRoute,
            "referral_route",
            "Select how they came to the service",
            default=ReferralRoute.SELF.value,
        )
        consent_on = self.date("referrer_consent_on", "The date consent was given")
        support = self.text("support_level")
        if support not in SUPPORT_LEVELS:
            self.fail("support_level", "Select the level of support")
        anonymous = self.ticked("anonymous")
        young_person_id = self.linked(YOUNG_PERSON)
        parent_id = self.linked(PARENT)
        young_person = (
            self._person(YOUNG_PERSON)
            if young_person_id is None and (not anonymous or self._filled(YOUNG_PERSON))
            else None
        )
        parents = [self._person(PARENT)] if parent_id is None and self._filled(PARENT) else []
        contact = read_contact(self, FIRST_CONTACT)
        consent, not_asked = self._consent_answer(anonymous)
        enquiry = FirstContact(
            contacted_by=contacted_by or ContactedBy.PARENT,
            anonymous=anonymous,
            young_person=young_person,
            parents=parents,
            young_person_id=young_person_id,
            parent_ids=[parent_id] if parent_id is not None else [],
            referral_route=route or ReferralRoute.SELF,
            referrer_consent_confirmed=self.ticked("referrer_consent_confirmed"),
            referrer_name=self.optional("referrer_name"),
            referrer_consent_on=consent_on,
            topics=self.getall("topics"),
            support_level=int(support) if support in SUPPORT_LEVELS else 1,
            consent=consent,
            consent_not_asked=not_asked,
        )
        return enquiry, contact

    def linked(self, prefix: str) -> UUID | None:
        """The person already recorded chosen for ``prefix`` (``yp`` or ``parent``) from the
        duplicate check's matches; None: none chosen, or "record a new person"."""
        value = self.text(f"{prefix}-{PERSON_ID}")
        if value in ("", NEW_PERSON):
            return None
        try:
            return UUID(value)
        except ValueError:
            self.fail(f"{prefix}-{PERSON_ID}", "Choose someone from the list, or a new person")
            return None

    def undecided(self, prefix: str) -> bool:
        """Typed a name for ``prefix`` and not yet said whether it is someone recorded."""
        named = self.text(f"{prefix}-first_name") and self.text(f"{prefix}-last_name")
        return bool(named) and not self.text(f"{prefix}-{PERSON_ID}")

    def check_contact(self, contact: NewContact) -> None:
        """The first contact's own checks, on its ``contact-`` fields."""
        try:
            contact.validate()
        except Invalid as invalid:
            self.absorb({f"contact.{key}": message for key, message in invalid.errors.items()})

    def _person(self, prefix: str) -> NewPerson:
        def text(name: str) -> str | None:
            return self.optional(f"{prefix}-{name}")

        born = None
        if prefix == YOUNG_PERSON:
            born = self.date(f"{prefix}-date_of_birth", "Date of birth")
        return NewPerson(
            first_name=self.text(f"{prefix}-first_name"),
            last_name=self.text(f"{prefix}-last_name"),
            date_of_birth=born,
            school_or_setting=text("school_or_setting"),
            primary_need=text("primary_need"),
            address=text("address"),
            postcode=text("postcode"),
            phone=text("phone"),
            email=text("email"),
            preferred_times=self.text(f"{prefix}-preferred_times"),
            safe_contact_note=self.text(f"{prefix}-safe_contact_note"),
            **{name: self.ticked(f"{prefix}-{name}") for name in SAFE_CONTACT_FIELDS},
        )

    def _filled(self, prefix: str) -> bool:
        """Anything typed or ticked for this person (a blank section records no-one)."""
        names = [name for name in person_fields(prefix) if not name.endswith("date_of_birth")]
        if prefix == YOUNG_PERSON:
            names += [f"{prefix}-date_of_birth-{part}" for part in ("day", "month", "year")]
        return any(self.values.get(name) for name in names)

    def _consent_answer(self, anonymous: bool) -> tuple[NewConsent | None, str | None]:
        """A consent, or why it was not asked yet; neither for an anonymous enquiry with
        nothing answered (the service says so if anything was)."""
        answer = self.text(DECISION)
        if answer == NOT_ASKED:
            return None, self.text(NOT_ASKED_BECAUSE)
        if anonymous and not answer:
            return None, None
        return read_consent(self), None


class ContactForm(Form):
    """A contact on a case (``/cases/<id>/contacts/new``)."""

    order = (*contact_fields(), "safe_contact_exception")
    dates = ("occurred_on",)

    def contact(self) -> NewContact | None:
        """The contact, on the young person's side if so marked, with whom it was, and a
        manager's reason to set the safe-contact preferences aside (rule 8)."""
        contact = read_contact(self)
        with_person = self.text("with_person_id")
        person_id = None
        if with_person:
            try:
                person_id = UUID(with_person)
            except ValueError:
                self.fail("with_person_id", "Choose someone on this case")
        if contact is not None:
            contact.side = _side(self)
            contact.with_person_id = person_id
            contact.safe_contact_exception = self.text("safe_contact_exception") or None
        return contact


class NoteForm(Form):
    order = ("body", "side")

    def note(self) -> NewNote:
        return NewNote(body=self.text("body"), side=_side(self))


class CorrectionForm(Form):
    """A note's next version, and why (the earlier one is kept)."""

    order = ("body", "reason")

    def correction(self) -> NoteCorrection:
        return NoteCorrection(body=self.text("body"), reason=self.text("reason"))


class CloseForm(Form):
    order = ("outcome",)

    def field_of(self, key: str) -> str:
        return "outcome" if key == "case" else key  # "case": already closed

    def close(self) -> CloseCase:
        return CloseCase(outcome=self.text("outcome"))


class AssignmentForm(Form):
    """Assign (``assigned=true``, the default) or unassign a caseworker (managers)."""

    order = ("staff_id",)

    @property
    def assigned(self) -> bool:
        return self.text("assigned") != "false"

    def staff_id(self) -> UUID | None:
        try:
            return UUID(self.text("staff_id"))
        except ValueError:
            self.fail("staff_id", "Choose a caseworker")
            return None


class BreakGlassForm(Form):
    """Why someone without need-to-know must open a case now (managers are shown it)."""

    order = ("reason",)

    def reason(self) -> str:
        return self.text("reason")


class SearchForm(Form):
    """The search box (``?q=``), read by the search service."""

    order = ("q",)
