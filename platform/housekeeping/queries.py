"""Housekeeping's SQL: the heartbeat rows and the scheduled jobs' run records, as named
functions returning views."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from confide.platform.core.db import advisory_key
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import paged, raw
from confide.platform.housekeeping.schemas import HeartbeatView, JobRunView, RunFilter, RunStatus
from confide.platform.housekeeping.tables import Heartbeat


async def insert_heartbeat(tenant_id: UUID, period: datetime, task_id: str) -> bool:
    """The tenant's heartbeat for ``period``; False if it was already there."""
    rows = await Heartbeat.raw(
        "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, recorded_at, task_id)"
        " VALUES ({}, {}, {}, now(), {})"
        " ON CONFLICT (tenant_id, period_start) DO NOTHING RETURNING id",
        uuid4(),
        tenant_id,
        period,
        task_id,
    )
    return bool(rows)


async def insert_missed_heartbeats(
    tenant_id: UUID, period: datetime, since: datetime, step: timedelta, task_id: str
) -> int:
    """``period`` and every period of ``step`` after the tenant's last heartbeat at or after
    ``since`` (only ``period`` when there is none); how many rows were new."""
    rows = await Heartbeat.raw(
        "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, recorded_at, task_id)"
        " SELECT gen_random_uuid(), {}, p, now(), {} FROM generate_series("
        "  COALESCE((SELECT max(period_start) FROM housekeeping_heartbeats"
        "   WHERE period_start < {} AND period_start >= {}) + {}, {}), {}, {}) AS p"
        " ON CONFLICT (tenant_id, period_start) DO NOTHING RETURNING id",
        tenant_id,
        task_id,
        period,
        since,
        step,
        period,
        period,
        step,
    )
    return len(rows)


def _view(row: dict[str, Any]) -> HeartbeatView:
    return HeartbeatView(
        id=row["id"], period_start=row["period_start"], recorded_at=row["recorded_at"]
    )


async def heartbeats(page: PageRequest) -> Page[HeartbeatView]:
    """The tenant's heartbeats, newest first, and how many."""
    rows = await (
        Heartbeat.select(Heartbeat.id, Heartbeat.period_start, Heartbeat.recorded_at)
        .order_by(Heartbeat.period_start, ascending=False)
        .limit(page.limit)
        .offset(page.offset)
    )
    total = await Heartbeat.count()
    return Page([_view(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


async def heartbeat(heartbeat_id: UUID) -> HeartbeatView | None:
    row = await (
        Heartbeat.select(Heartbeat.id, Heartbeat.period_start, Heartbeat.recorded_at)
        .where(Heartbeat.id == heartbeat_id)
        .first()
    )
    return _view(row) if row else None


# Scheduled jobs' run records (``job_runs``).

_RUN_COLUMNS = (
    "id, job, period_start, status, started_at, finished_at, duration_ms, attempts, counts, failure"
)


def _run_view(row: dict[str, Any]) -> JobRunView:
    counts = json.loads(row["counts"]) if isinstance(row["counts"], str) else row["counts"]
    return JobRunView(
        id=row["id"],
        job=row["job"],
        period_start=row["period_start"],
        status=RunStatus(row["status"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        duration_ms=row["duration_ms"],
        attempts=row["attempts"],
        counts={str(k): int(v) for k, v in (counts or {}).items()},
        failure=row["failure"],
    )


async def lock_run_key(tenant_id: UUID, job: str, period: datetime) -> None:
    """Queue behind any other run of this job, tenant and period until this transaction
    ends: a duplicate delivery waits, then finds the run done."""
    key = advisory_key(b"job-run:", tenant_id.bytes, job.encode(), period.isoformat().encode())
    await raw("SELECT pg_advisory_xact_lock({})", key)


async def run_status(job: str, period: datetime) -> RunStatus | None:
    """How this tenant's run of ``job`` for ``period`` ended, if it ran."""
    rows = await raw(
        "SELECT status FROM job_runs WHERE job = {} AND period_start = {}", job, period
    )
    return RunStatus(rows[0]["status"]) if rows else None


async def save_run(
    tenant_id: UUID,
    job: str,
    period: datetime,
    *,
    status: RunStatus,
    started_at: datetime,
    finished_at: datetime,
    attempts: int,
    counts: dict[str, int],
    failure: str,
    task_id: str,
) -> bool:
    """The run's record, over an earlier attempt's (never over a success); False if the
    period had already succeeded."""
    duration_ms = max(0, round((finished_at - started_at).total_seconds() * 1000))
    rows = await raw(
        "INSERT INTO job_runs (id, tenant_id, job, period_start, status, started_at,"
        " finished_at, duration_ms, attempts, counts, failure, task_id)"
        " VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, {}, {}, {}, {}::jsonb, {}, {})"
        " ON CONFLICT (tenant_id, job, period_start) DO UPDATE SET status = EXCLUDED.status,"
        "  started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,"
        "  duration_ms = EXCLUDED.duration_ms, attempts = EXCLUDED.attempts,"
        "  counts = EXCLUDED.counts, failure = EXCLUDED.failure, task_id = EXCLUDED.task_id"
        " WHERE job_runs.status <> 'succeeded' RETURNING id",
        tenant_id,
        job,
        period,
        status.value,
        started_at,
        finished_at,
        duration_ms,
        attempts,
        json.dumps(counts, sort_keys=True),
        failure,
        task_id,
    )
    return bool(rows)


async def runs(which: RunFilter, page: PageRequest) -> Page[JobRunView]:
    """The tenant's run records, newest period first, and how many."""
    found = await paged(
        f"SELECT {_RUN_COLUMNS} FROM job_runs"  # noqa: S608 - fixed columns
        " WHERE ({}::text IS NULL OR job = {}) AND ({}::text IS NULL OR status = {})"
        " ORDER BY period_start DESC, job, id",
        which.job,
        which.job,
        which.status.value if which.status else None,
        which.status.value if which.status else None,
        page=page,
    )
    return Page([_run_view(r) for r in found.items], found.total, found.limit, found.offset)


async def run(run_id: UUID) -> JobRunView | None:
    rows = await raw(f"SELECT {_RUN_COLUMNS} FROM job_runs WHERE id = {{}}", run_id)  # noqa: S608
    return _run_view(rows[0]) if rows else None


async def run_jobs() -> list[str]:
    """The names of the jobs that have run for this tenant, for a filter."""
    rows = await raw("SELECT DISTINCT job FROM job_runs ORDER BY job")
    return [str(r["job"]) for r in rows]
