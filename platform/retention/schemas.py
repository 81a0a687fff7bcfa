"""Retention's enums and the views its services return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.core.errors import Invalid


class RetentionRule(StrEnum):
    """Which period ends later, so decides when a case may go."""

    YEARS_AFTER = "years_after"  # N years after the last contact or the closure
    BIRTHDAY = "birthday"  # the child's Nth birthday


@dataclass(frozen=True, slots=True)
class DueCase:
    """A case past its retention and not on hold (the dry run's list: ids and dates)."""

    case_id: UUID
    reference: str
    rule: RetentionRule
    keep_until: date


@dataclass(frozen=True, slots=True)
class DryRun:
    """What a sweep would erase today: how many cases, by the rule that decided."""

    total: int
    by_rule: dict[RetentionRule, int]
    confirmed_at: datetime | None  # under the retention settings now in force
    last_confirmed_at: datetime | None  # the latest, under whichever settings


@dataclass(frozen=True, slots=True)
class HoldView:
    id: UUID
    case_id: UUID
    reason: str
    placed_by: UUID
    placed_at: datetime
    lifted_by: UUID | None
    lifted_at: datetime | None
    placed_by_name: str = ""  # the staff's display names, joined at read time
    lifted_by_name: str | None = None


@dataclass(frozen=True, slots=True)
class HeldCase:
    """A case on legal hold now (the managers' list): the case's reference, never a name
    of anyone on it."""

    hold_id: UUID
    case_id: UUID
    reference: str
    reason: str
    placed_by_name: str
    placed_at: datetime


class NewHold(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reason: str

    def validate(self) -> None:
        reason = self.reason.strip()
        if not reason:
            raise Invalid({"reason": "Enter the reason for the legal hold"})
        if len(reason) > 500:
            raise Invalid({"reason": "The reason must be 500 characters or fewer"})
