"""Scheduled jobs: declared once, fanned out by beat to every active tenant, run once per
tenant and period, each run leaving a record the tenant admin sees.

Declaring a job is the one step (then add its module to ``TASK_MODULES`` in
``celery_app.py`` if it is a new one)::

    @scheduled_job("consent.reviews_due", every=timedelta(days=1))
    async def reviews_due(run: Run) -> dict[str, int]:
        made = await consents.make_review_tasks(run.period)  # a domain service
        return {"tasks_made": made}

That makes, from the name:

* a tenant task ``confide.<name>`` (``tenant_task``): ``(tenant_id, period)``; its body
  runs in the tenant's transaction: it takes the run key (tenant, job, period) under a
  transaction-level advisory lock, does nothing if that period already succeeded, else
  runs the job's body and records the run as succeeded with the counts it returned,
  all in that one transaction: the work and its record commit together or not at all;
* a fan-out task ``confide.<name>.fan_out`` queueing that task for every active tenant
  for the current period (or the ``period`` it is given), one task each: a tenant whose
  run fails does not stop the others;
* the beat entry ``<name>`` running the fan-out ``every`` so often.

A failed attempt is rolled back, then recorded in a transaction of its own as
``retrying`` (an outage, retried with backoff by ``retries.py``) or ``failed`` (a bug,
or an outage past the retries: dead-lettered too), with the exception's type only.
The next attempt, or the next delivery, of the same period runs it again. A body returns
what it did as a small dict of named whole numbers (never text: never personal data);
it must be safe to run again after an outage (its own writes roll back with the run's).
A body that must make up periods a lost beat tick skipped does so itself, as the
heartbeat does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from celery import Celery, Task

from confide.platform.core.db import current_tenant_id
from confide.platform.core.logs import get_logger
from confide.platform.housekeeping.schemas import RunStatus
from confide.platform.housekeeping.services import JOB_NAME, claim_run, record_run
from confide.tenants.services import list_active_tenant_ids
from confide.workers.celery_app import celery_app
from confide.workers.retries import failure_kind, will_retry, with_retries
from confide.workers.tenant_task import run_for_tenant, tenant_task

log = get_logger("confide.tasks")


@dataclass(frozen=True, slots=True)
class Run:
    """What a job's body is told about its run."""

    job: str
    tenant_id: UUID
    period: datetime  # the start (UTC) of the period this run is for
    every: timedelta
    task_id: str
    attempt: int  # 1 for the first


Body = Callable[[Run], Awaitable[dict[str, int]]]


@dataclass(frozen=True, slots=True)
class Job:
    """A declared job: its name, schedule, body and the two Celery tasks made for it."""

    name: str
    every: timedelta
    body: Body
    task: Task[Any, Any]  # one tenant, one period: ``task.delay(tenant_id, period)``
    fan_out: Task[Any, Any]  # every active tenant: ``fan_out.delay()`` or ``(period)``

    def period(self, moment: datetime) -> datetime:
        return period_of(moment, self.every)


#: Every declared job, by name (in the processes that imported its module).
JOBS: dict[str, Job] = {}


def period_of(moment: datetime, every: timedelta) -> datetime:
    """The start (UTC) of the period of length ``every`` holding ``moment``, counted from
    the Unix epoch (so a day's periods start at midnight UTC, as ``clock.period_start``'s)."""
    step = int(every.total_seconds())
    seconds = int(moment.astimezone(UTC).timestamp())
    return datetime.fromtimestamp(seconds - seconds % step, UTC)


def scheduled_job(
    name: str, *, every: timedelta, app: Celery = celery_app
) -> Callable[[Body], Job]:
    """Declare ``body`` as the scheduled job ``name`` run ``every`` so often for each active
    tenant (module docstring)."""
    if not JOB_NAME.match(name) or name in JOBS:
        raise ValueError(f"a job needs a new name of lower-case words and dots: {name!r}")
    if every < timedelta(seconds=1) or every.total_seconds() % 1:
        raise ValueError("a job runs every whole number of seconds")

    def declare(body: Body) -> Job:
        async def failed(
            task: Task[Any, Any], tenant_id: str, error: Exception, started: datetime, period: str
        ) -> None:
            await _record_failure(name, task, tenant_id, error, started, period)

        @tenant_task(app, f"confide.{name}", on_error=failed)
        async def run(task: Task[Any, Any], period: str) -> dict[str, int] | None:
            return await _run(name, every, body, task, datetime.fromisoformat(period))

        @app.task(name=f"confide.{name}.fan_out", bind=True, acks_late=True)
        def fan_out(self: Task[Any, Any], period: str | None = None) -> int:
            return with_retries(self, lambda: _fan_out(job, period))

        job = Job(name, every, body, run, fan_out)
        JOBS[name] = job
        app.conf.beat_schedule[name] = {"task": fan_out.name, "schedule": every}
        return job

    return declare


async def _run(
    name: str, every: timedelta, body: Body, task: Task[Any, Any], period: datetime
) -> dict[str, int] | None:
    """One tenant's run for ``period``, in its transaction; None if the period was done."""
    if period.tzinfo is None:
        raise ValueError("a period is an instant with its offset")
    task_id = task.request.id or ""
    attempt = task.request.retries + 1
    if not await claim_run(name, period):
        log.info("job_run_already_done", job=name)
        return None
    started = datetime.now(UTC)
    counts = await body(Run(name, current_tenant_id(), period, every, task_id, attempt))
    await record_run(
        name,
        period,
        status=RunStatus.SUCCEEDED,
        started_at=started,
        attempts=attempt,
        task_id=task_id,
        counts=counts,
    )
    log.info("job_run_succeeded", job=name, counts=counts)
    return counts


async def _record_failure(
    name: str,
    task: Task[Any, Any],
    tenant_id: str,
    error: Exception,
    started: datetime,
    period_text: str,
) -> None:
    """Record a failed attempt, after its transaction rolled back: ``retrying`` when an
    outage will be retried, else ``failed``. Best effort: the outage may stop this too,
    and the next attempt records again."""
    try:
        period = datetime.fromisoformat(period_text)
    except (TypeError, ValueError):
        return  # no period, no run key: the dead letter says what failed
    status = RunStatus.RETRYING if will_retry(task, error) else RunStatus.FAILED
    try:
        await run_for_tenant(
            tenant_id,
            record_run,
            name,
            period,
            status=status,
            started_at=started,
            attempts=task.request.retries + 1,
            task_id=task.request.id or "",
            failure=failure_kind(error),
        )
    except Exception as second:
        log.warning("job_run_not_recorded", job=name, error=type(second).__name__)


def _fan_out(job: Job, period_text: str | None) -> int:
    period = datetime.fromisoformat(period_text) if period_text else job.period(datetime.now(UTC))
    tenant_ids = asyncio.run(list_active_tenant_ids())
    for tenant_id in tenant_ids:
        job.task.delay(str(tenant_id), period.isoformat())
    log.info("job_fanned_out", job=job.name, tenants=len(tenant_ids))
    return len(tenant_ids)
