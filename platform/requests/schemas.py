"""Information requests' kinds and states, what the staff send, and the views the services
return (rules 9, 10, 11 and 26)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.core.clock import add_months
from confide.platform.core.deadlines import MAX_EXTENSION_MONTHS, MAX_PUBLIC_INTEREST_DAYS
from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid

NAME_MAX = 200
TEXT_MAX = 4000
EVIDENCE_MAX = 500
#: What the lists highlight as due soon: today and the week ahead.
DUE_SOON_DAYS = 7
#: Managers are reminded of a request still waiting for proof of identity after this long.
IDENTITY_REMINDER_DAYS = 7
#: No request is logged as received before this, nor more than a year before today
#: (review finding: an absurd date made an absurd clock; a late entry is still possible).
EARLIEST_RECEIVED = date(2000, 1, 1)


class RequestKind(StrEnum):
    """Subject access (UK GDPR Art. 15), a council's or another party's request for a case
    file (policy 5.1), freedom of information (policy 5.2)."""

    SUBJECT_ACCESS = "subject_access"
    CASE_FILE = "case_file"
    FOI = "foi"


class Relation(StrEnum):
    """How the requester relates to the person the request is about."""

    SELF = "self"
    PARENT = "parent"
    CARER = "carer"
    SOLICITOR = "solicitor"
    COUNCIL_OFFICER = "council_officer"
    POLICE = "police"
    OTHER = "other"


class Channel(StrEnum):
    EMAIL = "email"
    POST = "post"
    PHONE = "phone"
    IN_PERSON = "in_person"
    OTHER = "other"


class RequestStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Stage(StrEnum):
    """Where an open request's clock stands, from the engine (rule 26)."""

    AWAITING_IDENTITY = "awaiting_identity"
    AWAITING_CLARIFICATION = "awaiting_clarification"
    RUNNING = "running"
    NOT_SUBJECT_TO_FOI = "not_subject_to_foi"
    CLOSED = "closed"


def _not_future(
    errors: dict[str, str], field: str, day: date | None, today: date, label: str
) -> None:
    if day is not None and day > today:
        errors[field] = f"{label} must be today or in the past"


class NewRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A request as it is logged: who asked, how they relate to whom it is about, when it
    came and how. ``case_id`` links the case it is about (a caseworker logs only on a case
    they work on); FOI needs none."""

    kind: RequestKind
    requester_name: str
    relation: Relation
    received_on: date
    channel: Channel
    case_id: UUID | None = None
    summary: str = ""
    # A subject access request's data subject: one of the case's people (rule 30). None:
    # the case's young person.
    subject_person_id: UUID | None = None

    def validate(self, today: date) -> None:
        errors: dict[str, str] = {}
        if self.subject_person_id is not None and self.kind is not RequestKind.SUBJECT_ACCESS:
            errors["subject_person_id"] = "Only a subject access request names whom it is about"
        check_text(
            errors, "requester_name", self.requester_name, label="the requester's name",
            high=NAME_MAX, single_line=True,
        )  # fmt: skip
        _not_future(errors, "received_on", self.received_on, today, "The date received")
        earliest = max(EARLIEST_RECEIVED, add_months(today, -12))
        if self.received_on < earliest:
            errors["received_on"] = "The date received must be within the last year"
        check_text(
            errors, "summary", self.summary, label="what was asked for", high=TEXT_MAX,
            required=False,
        )  # fmt: skip
        if self.kind is not RequestKind.FOI and self.case_id is None:
            errors["case_id"] = "Choose the case the request is about"
        if errors:
            raise Invalid(errors)


class IdentityCheck(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Identity confirmed: on which day, and what was seen (the clock starts, rule 26)."""

    confirmed_on: date
    evidence: str

    def validate(self, today: date, received_on: date) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, "confirmed_on", self.confirmed_on, today, "The date confirmed")
        if "confirmed_on" not in errors and self.confirmed_on < received_on:
            errors["confirmed_on"] = "The date confirmed must be on or after the date received"
        check_text(
            errors, "evidence", self.evidence, label="what was seen", high=EVIDENCE_MAX,
        )  # fmt: skip
        if errors:
            raise Invalid(errors)


class Clarification(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Clarification asked for (the clock stops) and, later, received (it restarts)."""

    asked_on: date
    received_on: date | None = None

    def validate(self, today: date, request_received_on: date) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, "asked_on", self.asked_on, today, "The date asked")
        if "asked_on" not in errors and self.asked_on < request_received_on:
            errors["asked_on"] = "The date asked must be on or after the date received"
        _not_future(errors, "received_on", self.received_on, today, "The date received")
        if (
            "received_on" not in errors
            and self.received_on is not None
            and self.received_on < self.asked_on
        ):
            errors["received_on"] = "The date received must be on or after the date asked"
        if errors:
            raise Invalid(errors)


class Extension(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An extension with its reason: ``months`` (1 or 2) for subject access and case
    files, ``working_days`` (1 to 20) of public-interest extension for FOI."""

    reason: str
    months: int = 0
    working_days: int = 0

    def validate(self, kind: RequestKind) -> None:
        errors: dict[str, str] = {}
        if kind is RequestKind.FOI:
            if not 1 <= self.working_days <= MAX_PUBLIC_INTEREST_DAYS:
                errors["working_days"] = "Enter between 1 and 20 further working days"
        elif not 1 <= self.months <= MAX_EXTENSION_MONTHS:
            errors["months"] = "Choose an extension of 1 or 2 further months"
        check_text(
            errors, "reason", self.reason, label="why it is extended", high=TEXT_MAX,
        )  # fmt: skip
        if errors:
            raise Invalid(errors)


class Closing(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The outcome, and what was released (free text for now)."""

    outcome: str
    released: str = ""

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "outcome", self.outcome, label="the outcome", high=TEXT_MAX)
        check_text(
            errors, "released", self.released, label="what was released", high=TEXT_MAX,
            required=False,
        )  # fmt: skip
        if errors:
            raise Invalid(errors)


@dataclass(frozen=True, slots=True)
class DataSubject:
    """Whom a request is about: a subject access request's recorded data subject, or the
    case's young person (rule 30). FOI is about no one."""

    person_id: UUID
    name: str
    young_person: bool  # the case's young person
    relationship: str | None  # otherwise their part on the case (``parent_or_carer``...)


@dataclass(frozen=True, slots=True)
class RequestSummary:
    """A request as the register's lists show it: no data subject (review finding: a
    null there misled; naming each request's subject is for the audited single read)."""

    id: UUID
    kind: RequestKind
    requester_name: str
    relation: Relation
    case_id: UUID | None
    case_reference: str | None
    received_on: date
    channel: Channel
    summary: str
    identity_confirmed_on: date | None
    identity_evidence: str
    clarification_asked_on: date | None
    clarification_received_on: date | None
    extension_months: int
    extension_days: int
    extension_reason: str
    stage: Stage
    due_on: date | None  # the final date, extension included; None while the clock waits
    tell_extension_by: date | None  # subject access: tell the requester of an extension by
    due_soon: bool
    overdue: bool
    status: RequestStatus
    outcome: str
    released: str
    logged_by: UUID
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class RequestView(RequestSummary):
    """One request, as its audited read and each step return it: with whom it is about."""

    subject: DataSubject | None = None  # None: FOI, about no one


@dataclass(frozen=True, slots=True)
class RequestFilter:
    open_only: bool = True
    kind: RequestKind | None = None
