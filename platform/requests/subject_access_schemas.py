"""What the staff send for a subject access request's own steps, and the view of them
(rule 30)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid
from confide.platform.exports.schemas import BundleView, ExportStatus, ExportView
from confide.platform.requests.redaction import ItemKind
from confide.platform.requests.routing import Route, WaitsFor
from confide.platform.requests.schemas import EVIDENCE_MAX


def _day(errors: dict[str, str], field: str, day: date, today: date, label: str) -> None:
    if day > today:
        errors[field] = f"{label} must be today or in the past"


class Agreement(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The young person agreed to the request made about them: on which day, and what
    shows it (for example, a signed letter, or said in person to a named manager)."""

    agreed_on: date
    evidence: str

    def validate(self, today: date) -> None:
        errors: dict[str, str] = {}
        _day(errors, "agreed_on", self.agreed_on, today, "The date they agreed")
        check_text(errors, "evidence", self.evidence, label="what shows it", high=EVIDENCE_MAX)
        if errors:
            raise Invalid(errors)


class LacksCapacity(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A manager's judgement that the young person cannot decide for themselves: the day
    and how it was judged (kept on the case's one capacity record)."""

    judged_on: date
    note: str

    def validate(self, today: date) -> None:
        errors: dict[str, str] = {}
        _day(errors, "judged_on", self.judged_on, today, "The date it was judged")
        check_text(errors, "note", self.note, label="how it was judged", low=3, high=500)
        if errors:
            raise Invalid(errors)


@dataclass(frozen=True, slots=True)
class SubjectAccessView:
    """Where a subject access request stands: its route, what it waits for, whose view
    its bundle holds, the young person's agreement and the bundle built for it."""

    request_id: UUID
    route: Route
    waits_for: WaitsFor | None
    proceeds: bool
    view: BundleView
    age: int | None
    capacity_age: int
    has_capacity: bool | None
    agreed_on: date | None
    agreement_evidence: str
    identity_confirmed: bool
    export_id: UUID | None
    export_status: ExportStatus | None
    can_build: bool  # it proceeds, identity is confirmed and it is open
    original_kept: bool  # the unredacted original is kept with the request
    marks: int  # redactions marked and standing
    approved_at: datetime | None
    # The redacted bundle the export worker builds once the release is approved: its
    # export, how it stands, and whether the copy kept with the request is there.
    release_export_id: UUID | None
    release_export: ExportView | None
    release_ready: bool
    released_sha256: str | None
    released_at: datetime | None
    release_method: ReleaseMethod | None
    # Its build made no progress for ``RELEASE_STALLED_AFTER``: it may be asked for again.
    release_stalled: bool = False


class ReleaseMethod(StrEnum):
    """How the released bundle went to the requester."""

    EMAIL = "email"
    POST = "post"
    IN_PERSON = "in_person"
    SECURE_LINK = "secure_link"


class NewMark(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Redact an item of the bundle (its kind and key, from the review), or with ``start``
    and ``end`` a range of a note's text (characters, from 0, ``end`` not included)."""

    kind: ItemKind
    item: str
    start: int | None = None
    end: int | None = None

    def validate(self) -> None:
        errors: dict[str, str] = {}
        if not self.item or len(self.item) > 64:
            errors["item"] = "Choose what to redact"
        if (self.start is None) != (self.end is None):
            errors["end" if self.end is None else "start"] = "Give where the text starts and ends"
        elif self.start is not None and self.end is not None:
            if self.kind is not ItemKind.NOTE:
                errors["start"] = "Only a note's text can be redacted in part"
            elif self.start < 0:
                errors["start"] = "The start must be 0 or more"
            elif self.end <= self.start:
                errors["end"] = "The end must be after the start"
        if errors:
            raise Invalid(errors)


class Release(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How the approved bundle was released."""

    method: ReleaseMethod


@dataclass(frozen=True, slots=True)
class MarkView:
    id: UUID
    kind: ItemKind
    item: str
    start: int | None
    end: int | None
    marked_at: datetime


@dataclass(frozen=True, slots=True)
class MarkChange:
    """What marking an item (or taking a mark back) changed: the one mark, and the review's
    count of marks standing after it; the review itself is read a page at a time."""

    request_id: UUID
    mark: MarkView
    removed: bool  # the mark was taken back
    marks: int  # marks standing now


@dataclass(frozen=True, slots=True)
class ReviewItem:
    kind: ItemKind
    item: str
    label: str
    text: str
    redacted: bool  # the whole item is marked


@dataclass(frozen=True, slots=True)
class ReviewView:
    """The redaction review: what the kept original holds, and the marks standing."""

    request_id: UUID
    items: list[ReviewItem]
    marks: list[MarkView]
    approved: bool


#: The review's items a page at a time, the same on its page and through the API.
REVIEW_PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """One page of the review's items (``page`` of ``pages``; a page past the last is the
    last); the marks standing all at once."""

    request_id: UUID
    items: list[ReviewItem]
    marks: list[MarkView]
    approved: bool
    total: int
    page: int
    pages: int
