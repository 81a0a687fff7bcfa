"""Turning GOV.UK form posts into case work inputs, and their errors back into form fields.

Pages post flat, plain HTML forms (they work without JavaScript). This module
reads them into the same msgspec inputs the API takes, so the domain services
validate them once for every surface; it only checks what HTML cannot carry
typed (dates, numbers, choices). Error keys of the services (``young_person.
first_name``, ``parents.0.email``) are mapped to the form's field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TypeVar

from litestar.datastructures import FormMultiDict

from confide.platform.casework.schemas import (
    ContactedBy,
    ContactKind,
    Direction,
    NewContact,
    NewPerson,
    ReferralRoute,
)
from confide.platform.consent.schemas import (
    ConsentMethod,
    Decision,
    FirstContact,
    GivenBy,
    NewConsent,
)
from confide.platform.core.clock import service_today
from confide.platform.core.edge import whole_number

E = TypeVar("E", bound=StrEnum)
YES = "yes"
SAFE_CONTACT_FIELDS = ("may_phone", "may_leave_voicemail", "may_text", "may_email", "may_post")
YOUNG_PERSON = "yp"
PARENT = "parent"
CONSENT = "consent-"  # the consent fields' prefix, on the enquiry and the consent page alike
CONSENT_ROLES = f"{CONSENT}roles"
CONSENT_PARTIES = f"{CONSENT}parties_told"
# At first contact the answer may be "not asked yet", with why.
NOT_ASKED = "not_asked"
NOT_ASKED_BECAUSE = f"{CONSENT}not_asked_because"
DATE_FIELDS = frozenset({"yp-date_of_birth", "referrer_consent_on", f"{CONSENT}given_on"})
# Fields that exist on the form for each person; the young person also has these two.
PERSON_TEXT = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "address",
    "postcode",
    "preferred_times",
    "safe_contact_note",
)
YOUNG_PERSON_TEXT = ("school_or_setting", "primary_need")


@dataclass
class Submitted:
    """What was typed, kept to fill the form again: single values, ticked boxes, topics,
    and other repeated fields (``lists``: the consent's roles)."""

    values: dict[str, str] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)

    def getall(self, key: str) -> list[str]:
        return self.topics if key == "topics" else self.lists.get(key, [])


def read_form(
    form: FormMultiDict, *, multi: tuple[str, ...] = ("topics", CONSENT_ROLES, CONSENT_PARTIES)
) -> Submitted:
    """Every field as text (the CSRF token left out); repeated fields as lists."""
    values = {
        str(key): str(form.get(key, "")).strip()
        for key in form
        if key != "_csrf_token" and key not in multi
    }
    topics = [str(t) for t in form.getall("topics", [])] if "topics" in multi else []
    lists = {name: [str(v) for v in form.getall(name, [])] for name in multi if name != "topics"}
    return Submitted(values, topics, lists)


def consent_defaults(today: date) -> dict[str, str]:
    """A blank consent form: given today (the caseworker changes it if not)."""
    return {
        f"{CONSENT}given_on-day": str(today.day),
        f"{CONSENT}given_on-month": str(today.month),
        f"{CONSENT}given_on-year": str(today.year),
    }


def consent_from_form(submitted: Submitted, errors: dict[str, str]) -> NewConsent:
    """The consent fields (``consent-decision``...) as the service's input. Built even when
    a choice is missing (with a stand-in, its error already in ``errors``), so the caller
    can run ``validate`` too and one pass shows every problem."""
    values = submitted.values
    decision = choice(
        Decision,
        values.get(f"{CONSENT}decision", ""),
        f"{CONSENT}decision",
        "Select whether information may be shared",
        errors,
    )
    given_by = choice(
        GivenBy,
        values.get(f"{CONSENT}given_by", ""),
        f"{CONSENT}given_by",
        "Select who gave the answer",
        errors,
    )
    method = choice(
        ConsentMethod,
        values.get(f"{CONSENT}method", ""),
        f"{CONSENT}method",
        "Select how the answer was given",
        errors,
    )
    given_on = form_date(
        values,
        f"{CONSENT}given_on",
        "The date consent was given",
        errors,
        required="Enter the date consent was given",
    )
    # Roles only go with a restricted consent, and parties told with a consent to share:
    # with JavaScript off every box is visible, so ticks left under another answer are not
    # held against the person.
    roles = submitted.getall(CONSENT_ROLES) if decision is Decision.RESTRICTED else []
    parties = submitted.getall(CONSENT_PARTIES) if decision is not Decision.REFUSED else []
    return NewConsent(
        decision=decision or Decision.FULL,
        given_by=given_by or GivenBy.PARENT,
        method=method or ConsentMethod.VERBAL,
        given_on=given_on or service_today(),
        roles=list(roles),
        parties_told=list(parties),
        advised_of_limits=(
            decision is Decision.REFUSED and values.get(f"{CONSENT}advised_of_limits") == YES
        ),
        young_person_view=values.get(f"{CONSENT}young_person_view", ""),
        note=values.get(f"{CONSENT}note", ""),
    )


def consent_errors(invalid: Mapping[str, str], errors: dict[str, str]) -> None:
    """A service's consent errors on the form's fields (``roles`` → ``consent-roles``)."""
    for key, message in invalid.items():
        errors.setdefault(f"{CONSENT}{key}", message)


def _consent_answer(
    submitted: Submitted, anonymous: bool, errors: dict[str, str]
) -> tuple[NewConsent | None, str | None]:
    """The first contact's answer about consent: a consent, or why it was not asked yet;
    neither for an anonymous enquiry (the service says so if anything was answered)."""
    answer = submitted.get(f"{CONSENT}decision")
    if answer == NOT_ASKED:
        return None, submitted.get(NOT_ASKED_BECAUSE)
    if anonymous and not answer:
        return None, None
    return consent_from_form(submitted, errors), None


def form_date(
    values: Mapping[str, str],
    name: str,
    label: str,
    errors: dict[str, str],
    *,
    required: str | None = None,
) -> date | None:
    """A GOV.UK date input (``name-day``, ``-month``, ``-year``): empty is None, and the
    ``required`` message when the date must be given."""
    parts = [values.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        if required:
            errors[name] = required
        return None
    if not all(parts):
        missing = [p for p, v in zip(("day", "month", "year"), parts, strict=True) if not v]
        errors[name] = f"{label} must include a {' and '.join(missing)}"
        return None
    day, month, year = (whole_number(p, max_digits=4) for p in parts)
    try:
        if day is None or month is None or year is None or year < 1000:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        errors[name] = f"{label} must be a real date"
        return None


def choice(kind: type[E], value: str, name: str, message: str, errors: dict[str, str]) -> E | None:
    """A radio answer as its enum; ``message`` on ``name`` when none (or a bad one) came."""
    try:
        return kind(value)
    except ValueError:
        errors[name] = message
        return None


def _person(values: Mapping[str, str], prefix: str, errors: dict[str, str]) -> NewPerson:
    def text(name: str) -> str:
        return values.get(f"{prefix}-{name}", "")

    return NewPerson(
        first_name=text("first_name"),
        last_name=text("last_name"),
        date_of_birth=(
            form_date(values, f"{prefix}-date_of_birth", "Date of birth", errors)
            if prefix == YOUNG_PERSON
            else None
        ),
        school_or_setting=text("school_or_setting") or None,
        primary_need=text("primary_need") or None,
        address=text("address") or None,
        postcode=text("postcode") or None,
        phone=text("phone") or None,
        email=text("email") or None,
        preferred_times=text("preferred_times"),
        safe_contact_note=text("safe_contact_note"),
        **{f: values.get(f"{prefix}-{f}") == YES for f in SAFE_CONTACT_FIELDS},
    )


def _filled(values: Mapping[str, str], prefix: str) -> bool:
    names = [*PERSON_TEXT, *SAFE_CONTACT_FIELDS]
    if prefix == YOUNG_PERSON:
        names += [*YOUNG_PERSON_TEXT, "date_of_birth-day", "date_of_birth-month"]
        names.append("date_of_birth-year")
    return any(values.get(f"{prefix}-{n}") for n in names)


def enquiry_from_form(
    submitted: Submitted, errors: dict[str, str]
) -> tuple[FirstContact, NewContact | None]:
    """The enquiry with the answer about consent, and its first contact (None if its kind
    or direction is missing); anything that could not be read is in ``errors``, and nothing
    may be saved then."""
    values = submitted.values
    contacted_by = choice(
        ContactedBy,
        values.get("contacted_by", ""),
        "contacted_by",
        "Select who got in touch",
        errors,
    )
    route = choice(
        ReferralRoute,
        values.get("referral_route", ReferralRoute.SELF.value),
        "referral_route",
        "Select how they came to the service",
        errors,
    )
    consent_on = form_date(values, "referrer_consent_on", "The date consent was given", errors)
    support = values.get("support_level", "")
    support_level = int(support) if support in {"1", "2", "3", "4"} else None
    if support_level is None:
        errors["support_level"] = "Select the level of support"
    anonymous = values.get("anonymous") == YES
    young_person = (
        _person(values, YOUNG_PERSON, errors)
        if not anonymous or _filled(values, YOUNG_PERSON)
        else None
    )
    parents = [_person(values, PARENT, errors)] if _filled(values, PARENT) else []
    contact = contact_from_form(values, errors, prefix="contact-")
    consent, not_asked = _consent_answer(submitted, anonymous, errors)
    # Built even when a choice is missing (with a stand-in, its error already recorded), so
    # the service's own checks run too and one pass shows every problem.
    enquiry = FirstContact(
        contacted_by=contacted_by or ContactedBy.PARENT,
        anonymous=anonymous,
        young_person=young_person,
        parents=parents,
        referral_route=route or ReferralRoute.SELF,
        referrer_consent_confirmed=values.get("referrer_consent_confirmed") == YES,
        referrer_name=values.get("referrer_name") or None,
        referrer_consent_on=consent_on,
        topics=list(submitted.topics),
        support_level=support_level or 1,
        consent=consent,
        consent_not_asked=not_asked,
    )
    return enquiry, contact


def contact_from_form(
    values: Mapping[str, str], errors: dict[str, str], *, prefix: str = ""
) -> NewContact | None:
    """A contact from ``kind``, ``direction``, ``duration_minutes``, ``summary`` fields;
    it happened now unless the form gives a date (``occurred_on``)."""
    kind = choice(
        ContactKind,
        values.get(f"{prefix}kind", ""),
        f"{prefix}kind",
        "Select the kind of contact",
        errors,
    )
    direction = choice(
        Direction,
        values.get(f"{prefix}direction", ""),
        f"{prefix}direction",
        "Select whether it was incoming or outgoing",
        errors,
    )
    duration_text = values.get(f"{prefix}duration_minutes", "")
    duration = whole_number(duration_text, max_digits=6) if duration_text else None
    if duration_text and duration is None:
        errors[f"{prefix}duration_minutes"] = "Enter the duration as a whole number of minutes"
    occurred_on = form_date(values, f"{prefix}occurred_on", "The date of the contact", errors)
    if occurred_on is not None and occurred_on > service_today():
        errors[f"{prefix}occurred_on"] = "The date of the contact must not be in the future"
    if kind is None or direction is None:
        return None
    occurred_at = datetime.now(UTC)
    if occurred_on is not None and occurred_on != service_today():
        occurred_at = datetime(occurred_on.year, occurred_on.month, occurred_on.day, 12, tzinfo=UTC)
    return NewContact(
        kind=kind,
        direction=direction,
        occurred_at=occurred_at,
        summary=values.get(f"{prefix}summary", ""),
        duration_minutes=duration,
    )


def enquiry_field(key: str) -> str:
    """A service error key as the form's field name."""
    if key.startswith("consent."):
        return f"{CONSENT}{key.removeprefix('consent.')}"
    if key == "consent":
        return f"{CONSENT}decision"
    if key == "consent_not_asked":
        return NOT_ASKED_BECAUSE
    if key.startswith("young_person."):
        return f"{YOUNG_PERSON}-{key.removeprefix('young_person.')}"
    if key == "young_person":
        return f"{YOUNG_PERSON}-first_name"
    if key.startswith("parents."):
        return f"{PARENT}-{key.split('.', 2)[-1]}"
    return key


def anchor(name: str) -> str:
    """Where an error summary link goes: a date input's first box, otherwise the field."""
    return f"{name}-day" if name in DATE_FIELDS or name.endswith("occurred_on") else name
