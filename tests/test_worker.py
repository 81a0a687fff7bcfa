"""A real Celery worker process, on Redis, does each tenant's scheduled work in that tenant."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import asyncpg

from tests.helpers.environment import OWNER_URL, RUN
from tests.helpers.tenants import TenantRef


async def _heartbeats(tenant: TenantRef, period: datetime) -> int:
    conn = await asyncpg.connect(OWNER_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            return int(
                await conn.fetchval(
                    "SELECT count(*) FROM housekeeping_heartbeats WHERE period_start = $1", period
                )
            )
    finally:
        await conn.close()


async def _wait_for(tenant: TenantRef, period: datetime, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if await _heartbeats(tenant, period):
            return
        assert proc.poll() is None, "the worker died"
        await asyncio.sleep(0.2)
    raise AssertionError(f"no heartbeat for {tenant.slug} at {period}")


async def test_beat_fan_out_reaches_every_active_tenant_and_only_those(
    worker: subprocess.Popen[str], tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.settings import get_settings
    from confide.platform.housekeeping.services import period_start
    from confide.workers.housekeeping import fan_out_heartbeats

    period = period_start(datetime.now(UTC), get_settings().core.heartbeat_minutes)
    fan_out_heartbeats.delay()
    await _wait_for(tenants["alpha"], period, worker)
    await _wait_for(tenants["beta"], period, worker)
    assert await _heartbeats(tenants["gamma"], period) == 0, "a suspended tenant was worked on"


async def test_a_redelivered_task_writes_nothing_new(
    worker: subprocess.Popen[str], tenants: dict[str, TenantRef]
) -> None:
    from confide.workers.housekeeping import heartbeat

    alpha = tenants["alpha"]
    period = datetime(1998, 6, 1, 12, 0, tzinfo=UTC)
    sentinel = period + timedelta(minutes=15)
    heartbeat.delay(str(alpha.id), period.isoformat())
    heartbeat.delay(str(alpha.id), period.isoformat())
    heartbeat.delay(str(alpha.id), sentinel.isoformat())
    await _wait_for(alpha, sentinel, worker)  # the solo worker runs them in order
    assert await _heartbeats(alpha, period) == 1
    assert await _heartbeats(tenants["beta"], period) == 0


async def test_a_task_for_a_suspended_tenant_does_nothing(
    tenants: dict[str, TenantRef], pool: None
) -> None:
    from confide.platform.housekeeping.services import record_heartbeat
    from confide.workers.tenant_task import run_for_tenant

    period = datetime(1997, 1, 1, tzinfo=UTC)
    result = await run_for_tenant(str(tenants["gamma"].id), record_heartbeat, period, "x")
    assert result is None
    assert await _heartbeats(tenants["gamma"], period) == 0
    assert await run_for_tenant(str(tenants["beta"].id), record_heartbeat, period, "x") is True
    assert await _heartbeats(tenants["beta"], period) == 1


async def test_each_task_logs_with_its_own_ids_only(
    worker: subprocess.Popen[str], worker_log: Path, tenants: dict[str, TenantRef]
) -> None:
    from confide.workers.housekeeping import heartbeat

    alpha, beta = tenants["alpha"], tenants["beta"]
    period = datetime(1996, 3, 1, tzinfo=UTC)
    first = heartbeat.delay(str(alpha.id), period.isoformat())
    second = heartbeat.delay(str(beta.id), period.isoformat())
    await _wait_for(beta, period, worker)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = await asyncio.to_thread(worker_log.read_text)
        lines = [json.loads(x) for x in text.splitlines() if x.startswith("{")]
        finished = {x["task_id"]: x for x in lines if x["event"] == "tenant_task_finished"}
        if second.id in finished:
            break
        await asyncio.sleep(0.2)
    assert finished[first.id]["tenant"] == "alpha"
    assert finished[second.id]["tenant"] == "beta", "the first task's context leaked"
    assert finished[second.id]["task"] == "confide.housekeeping.heartbeat"


async def _checkpoints(tenant: TenantRef, period: datetime) -> int:
    conn = await asyncpg.connect(OWNER_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            return int(
                await conn.fetchval(
                    "SELECT count(*) FROM audit_checkpoints WHERE period_start = $1", period
                )
            )
    finally:
        await conn.close()


async def _wait_for_checkpoint(
    tenant: TenantRef, period: datetime, proc: subprocess.Popen[str]
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if await _checkpoints(tenant, period):
            return
        assert proc.poll() is None, "the worker died"
        await asyncio.sleep(0.2)
    raise AssertionError(f"no audit checkpoint for {tenant.slug} at {period}")


async def test_beat_anchors_every_tenants_audit_chain_suspended_ones_too(
    worker: subprocess.Popen[str], tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.clock import period_start
    from confide.platform.core.settings import get_settings
    from confide.workers.audit import checkpoint, fan_out_checkpoints
    from confide.workers.housekeeping import heartbeat
    from tests.helpers.command import confide

    made = confide("tenants", "create", f"beat-{RUN}", "--name", "Beatshire SENDIASS")
    fresh = TenantRef(UUID(made.stdout.split("(")[1].split(")")[0]), f"beat-{RUN}", "")
    minutes = get_settings().core.audit_checkpoint_minutes
    period = period_start(datetime.now(UTC), minutes)
    fan_out_checkpoints.delay()
    # gamma is suspended: its records are still kept, so still anchored.
    for tenant in (tenants["alpha"], tenants["beta"], tenants["gamma"], fresh):
        await _wait_for_checkpoint(tenant, period, worker)
    checkpoint.delay(str(fresh.id), period.isoformat(), minutes)  # redelivered, twice
    checkpoint.delay(str(fresh.id), period.isoformat(), minutes)
    sentinel = datetime(1994, 1, 1, tzinfo=UTC)
    heartbeat.delay(str(fresh.id), sentinel.isoformat())
    await _wait_for(fresh, sentinel, worker)  # the solo worker runs them in order
    assert await _checkpoints(fresh, period) == 1


async def test_a_missed_period_is_caught_up_by_the_next(
    worker: subprocess.Popen[str], tenants: dict[str, TenantRef]
) -> None:
    """A beat tick lost (Redis down when it fired) leaves a period out: the next run fills it."""
    from confide.workers.housekeeping import heartbeat

    alpha = tenants["alpha"]
    first = datetime(1995, 5, 5, 10, 0, tzinfo=UTC)
    heartbeat.delay(str(alpha.id), first.isoformat())
    await _wait_for(alpha, first, worker)
    later = first + timedelta(minutes=45)  # the ticks at 10:15 and 10:30 never came
    heartbeat.delay(str(alpha.id), later.isoformat())
    await _wait_for(alpha, later, worker)
    for minutes in (15, 30):
        assert await _heartbeats(alpha, first + timedelta(minutes=minutes)) == 1
    assert await _heartbeats(tenants["beta"], first + timedelta(minutes=15)) == 0


async def test_a_task_that_gives_up_is_on_the_dead_letter_list(
    worker: subprocess.Popen[str], tenants: dict[str, TenantRef]
) -> None:
    from confide.workers.housekeeping import heartbeat
    from tests.helpers.command import confide

    sent = heartbeat.delay(str(tenants["beta"].id), "not a period")  # a bug, not an outage
    deadline = time.monotonic() + 30
    while True:
        listed = await asyncio.to_thread(confide, "tasks", "failed")
        if sent.id in listed.stdout:
            break
        assert time.monotonic() < deadline, listed.stdout
        await asyncio.sleep(0.3)
    line = next(x for x in listed.stdout.splitlines() if sent.id in x)
    assert "confide.housekeeping.heartbeat" in line
    assert str(tenants["beta"].id) in line
    assert "ValueError" in line
    assert "not a period" not in line, "a task's arguments reached the list"
