"""Tasks' kinds and states, and the views the services return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid

TITLE_MAX = 200


class TaskKind(StrEnum):
    """What a task asks for; later issues add kinds here."""

    CONSENT_REVIEW = "consent_review"
    TELL_CLIENT = "tell_client"
    FOLLOW_UP = "follow_up"
    INFORMATION_REQUEST = "information_request"  # a request a caseworker logged (issue 17)


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"


class TaskScope(StrEnum):
    """Whose tasks a list shows: the person's own, or (managers) the whole team's."""

    MINE = "mine"
    TEAM = "team"


@dataclass(frozen=True, slots=True)
class TaskView:
    id: UUID
    kind: TaskKind
    case_id: UUID
    case_reference: str
    title: str
    assignee_id: UUID | None  # None: the managers' queue
    due_on: date | None  # None: no due date while its request's clock is stopped
    status: TaskState
    overdue: bool
    done_by: UUID | None
    done_at: datetime | None
    created_at: datetime


class NewFollowUp(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A caseworker's follow-up on a case: what to do and by when."""

    title: str
    due_on: date

    def validate(self, today: date) -> None:
        errors: dict[str, str] = {}
        check_text(
            errors, "title", self.title, label="what needs to be done", high=TITLE_MAX,
            single_line=True,
        )  # fmt: skip
        if self.due_on < today:
            errors["due_on"] = "The due date must be today or in the future"
        elif self.due_on > today.replace(year=today.year + 5, day=min(today.day, 28)):
            errors["due_on"] = "The due date must be within five years"
        if errors:
            raise Invalid(errors)


@dataclass(frozen=True, slots=True)
class TaskFilter:
    scope: TaskScope = TaskScope.MINE
    overdue: bool = False
    kind: TaskKind | None = None
