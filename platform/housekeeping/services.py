"""Housekeeping service, used alike by the API, the pages and the scheduled tasks: the
heartbeat, and the run records every scheduled job leaves (``workers/jobs.py``).

Every function runs inside the caller's ``tenant_transaction``; row-level
security confines it to that tenant.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

from confide.platform.core.clock import period_start
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.housekeeping import queries
from confide.platform.housekeeping.schemas import HeartbeatView, JobRunView, RunFilter, RunStatus

__all__ = [
    "JobRunNotFound",
    "claim_run",
    "get_heartbeat",
    "get_run",
    "list_heartbeats",
    "list_runs",
    "period_start",
    "record_heartbeat",
    "record_run",
    "run_jobs",
]


async def record_heartbeat(period: datetime, task_id: str) -> bool:
    """Record this tenant's heartbeat for ``period``; False if it was already there."""
    return await queries.insert_heartbeat(current_tenant_id(), period, task_id[:64])


CATCH_UP = timedelta(days=1)


async def catch_up_heartbeats(period: datetime, minutes: int, task_id: str) -> int:
    """Record ``period`` and every period missed since this tenant's last heartbeat within
    ``CATCH_UP`` (a beat tick lost in an outage); how many rows were new.

    Each period is written once whatever runs it, so catching up late is safe; a tenant
    with no heartbeat in the window gets only ``period``.
    """
    return await queries.insert_missed_heartbeats(
        current_tenant_id(), period, period - CATCH_UP, timedelta(minutes=minutes), task_id[:64]
    )


async def list_heartbeats(page: PageRequest) -> Page[HeartbeatView]:
    return await queries.heartbeats(page)


class HeartbeatNotFound(NotFound):
    """No such heartbeat here: never recorded, or another tenant's (the same to the caller)."""


async def get_heartbeat(heartbeat_id: UUID) -> HeartbeatView:
    """One heartbeat; ``HeartbeatNotFound`` both when it does not exist and when it is
    another tenant's."""
    heartbeat = await queries.heartbeat(heartbeat_id)
    if heartbeat is None:
        raise HeartbeatNotFound()
    return heartbeat


# Scheduled jobs' run records. A run key is (tenant, job, period): ``claim_run`` and the
# job's work and its ``record_run`` share one transaction, so the work and the record of
# its success commit together or not at all, and a second run of the period does nothing.

JOB_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
COUNT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_COUNTS = 20


async def claim_run(job: str, period: datetime) -> bool:
    """Take this tenant's run key for ``job`` and ``period`` until the transaction ends (a
    concurrent run of the same key waits); False if the period has already succeeded."""
    await queries.lock_run_key(current_tenant_id(), job, period)
    return await queries.run_status(job, period) is not RunStatus.SUCCEEDED


def check_counts(counts: dict[str, int]) -> dict[str, int]:
    """What a run did, as at most ``MAX_COUNTS`` named whole numbers (names of lower-case
    letters, digits and underscores): never text, so never personal data. A job that
    returns anything else is a bug (``ValueError``)."""
    if not isinstance(counts, dict) or len(counts) > MAX_COUNTS:
        raise ValueError("a job's counts are a small dict of named whole numbers")
    for name, value in counts.items():
        if not (isinstance(name, str) and COUNT_NAME.match(name)):
            raise ValueError("a count's name is lower-case letters, digits and underscores")
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**53:
            raise ValueError("a count is a whole number")
    return dict(counts)


async def record_run(
    job: str,
    period: datetime,
    *,
    status: RunStatus,
    started_at: datetime,
    attempts: int,
    task_id: str,
    counts: dict[str, int] | None = None,
    failure: str = "",
) -> bool:
    """This tenant's record of a run of ``job`` for ``period``, finished now: its counts when
    it succeeded, else its failure's kind (an exception's type name, never a message).
    Replaces an earlier attempt's record, never a success's (False then)."""
    if not JOB_NAME.match(job):
        raise ValueError("a job's name is lower-case letters, digits, dots and hyphens")
    kind = re.sub(r"[^A-Za-z0-9_]", "", failure)[:100] if status is not RunStatus.SUCCEEDED else ""
    return await queries.save_run(
        current_tenant_id(),
        job,
        period,
        status=status,
        started_at=started_at,
        finished_at=max(started_at, datetime.now(UTC)),
        attempts=max(1, attempts),
        counts=check_counts(counts or {}),
        failure=kind or ("Exception" if status is not RunStatus.SUCCEEDED else ""),
        task_id=task_id[:64],
    )


async def list_runs(which: RunFilter, page: PageRequest) -> Page[JobRunView]:
    """This tenant's run records, newest period first, of one job or status or all."""
    return await queries.runs(which, page)


async def run_jobs() -> list[str]:
    """The jobs that have run for this tenant (a filter's choices)."""
    return await queries.run_jobs()


class JobRunNotFound(NotFound):
    """No such run here: never recorded, or another tenant's (the same to the caller)."""


async def get_run(run_id: UUID) -> JobRunView:
    """One run's record; ``JobRunNotFound`` also when it is another tenant's."""
    found = await queries.run(run_id)
    if found is None:
        raise JobRunNotFound()
    return found
