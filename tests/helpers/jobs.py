"""A scheduled job for the tests of the job framework (``workers/jobs.py``): declared here,
so only the processes that import this module know it (``tests/test_jobs.py``'s worker
and beat, by ``-I``/``-A``). Each run counts itself in Redis, outside the run's
transaction, so a second run of a period shows; a Redis key per tenant makes its runs
fail, as a bug or as an outage, until it is removed."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import redis
import redis.asyncio

from confide.platform.core.settings import get_settings
from confide.workers.celery_app import celery_app
from confide.workers.jobs import Run, scheduled_job

__all__ = ["MESSAGE", "celery_app", "clear_failure", "fail_for", "runs_counted", "tally"]

#: What a failing run's exception says: it must reach neither the record nor the logs.
MESSAGE = "Jamie Smith, 14 Acacia Avenue"
EVERY = timedelta(seconds=1)


def _key(*parts: object) -> str:
    return get_settings().redis.key_namespace + "jobs-test:" + ":".join(map(str, parts))


def _client() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis.redis_url or "")


def fail_for(tenant_id: UUID, how: str) -> None:
    """Make this tenant's runs fail: ``bug`` (a LookupError) or ``outage`` (refused)."""
    _client().set(_key("fail", tenant_id), how, ex=300)


def clear_failure(tenant_id: UUID) -> None:
    _client().delete(_key("fail", tenant_id))


def runs_counted(tenant_id: UUID, period: datetime) -> int:
    """How many times the job's body ran for this tenant and period."""
    return int(_client().get(_key("runs", tenant_id, period.isoformat())) or 0)


@scheduled_job("tests.tally", every=EVERY)
async def tally(run: Run) -> dict[str, int]:
    client = redis.asyncio.Redis.from_url(get_settings().redis.redis_url or "")
    try:
        await client.incr(_key("runs", run.tenant_id, run.period.isoformat()))
        await client.expire(_key("runs", run.tenant_id, run.period.isoformat()), 600)
        how = await client.get(_key("fail", run.tenant_id))
    finally:
        await client.aclose()
    if how == b"bug":
        raise LookupError(MESSAGE)
    if how == b"outage":
        raise ConnectionRefusedError(MESSAGE)
    return {"tallied": 1, "attempt": run.attempt}
