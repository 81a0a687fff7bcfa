"""What the team view gives out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID


@dataclass(frozen=True, slots=True)
class Caseload:
    """A member of staff who works cases: their open cases and their overdue
    tell-the-client tasks (rule 7: open, due before today, on cases they hold)."""

    staff_id: UUID
    name: str
    roles: str
    open_cases: int
    overdue_tasks: int


@dataclass(frozen=True, slots=True)
class UnassignedCase:
    """An open case nobody is currently assigned to."""

    id: UUID
    reference: str
    subject_name: str | None
    anonymous: bool
    support_level: int
    opened_on: date
