"""Platform operators as the rest of Confide sees them: never their secrets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class OperatorStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class OperatorView:
    id: UUID
    email: str
    status: OperatorStatus
    created_at: datetime
    last_sign_in_at: datetime | None
