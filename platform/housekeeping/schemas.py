"""Housekeeping views."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


@dataclass(frozen=True, slots=True)
class HeartbeatView:
    id: UUID
    period_start: datetime
    recorded_at: datetime


class RunStatus(StrEnum):
    """How a scheduled job's run for one tenant and period ended (so far)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"  # gave up: a bug, or an outage that outlasted the retries
    RETRYING = "retrying"  # an outage: it runs again after a backoff


@dataclass(frozen=True, slots=True)
class JobRunView:
    """One run's record: what the tenant admin sees. ``counts`` are named whole numbers
    (what the run did); ``failure`` is the type of the exception, never its message."""

    id: UUID
    job: str
    period_start: datetime
    status: RunStatus
    started_at: datetime
    finished_at: datetime
    duration_ms: int
    attempts: int
    counts: dict[str, int]
    failure: str


@dataclass(frozen=True, slots=True)
class RunFilter:
    """Which runs to list: one job's, one status's, or all."""

    job: str | None = None
    status: RunStatus | None = None
