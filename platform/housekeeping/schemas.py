"""Housekeeping views."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, slots=True)
class HeartbeatView:
    id: UUID
    period_start: datetime
    recorded_at: datetime
