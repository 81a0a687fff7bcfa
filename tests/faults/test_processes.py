"""Killed processes and background work through outages.

The web process killed under load and started again (as an orchestrator would):
clients retrying with their keys lose nothing and double nothing. The worker
killed in the middle of a task: the task runs again within the visibility
timeout. A task that meets a database outage is retried until it succeeds; one
that outlasts its retries is on the dead-letter list.
"""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import UTC, datetime

import asyncpg

from tests.faults.checks import (
    check_audit,
    check_pool_full,
    check_writes,
    observe,
    observe_load,
)
from tests.faults.load import Load
from tests.faults.stack import WORKER_ENV, Stack
from tests.faults.tasks import heartbeats, send_heartbeat, tenant_id, wait_until


async def test_the_web_process_killed_loses_and_doubles_nothing(up: Stack, load: Load) -> None:
    assert up.web is not None
    load.start()
    await asyncio.sleep(2)
    start = time.monotonic()
    up.web.proc.send_signal(signal.SIGKILL)
    up.web.proc.wait()
    await asyncio.sleep(1)
    await asyncio.to_thread(up.start_web)
    back = time.monotonic()
    await asyncio.sleep(5)
    end = time.monotonic()
    await load.stop()
    seen = load.report(start, back, end)
    await observe_load("web process SIGKILL, restarted after 1 s", up, load, seen)
    assert not [o for o in load.outcomes if o.status == 500], "a 500 was answered"
    assert load.recovery(back) < 5
    await check_writes(up, load)
    seen["pool_after"] = await check_pool_full(up)
    check_audit(up)


async def test_a_task_running_when_its_worker_is_killed_runs_again(up: Stack) -> None:
    """The heartbeat waits on a lock the test holds; the worker is SIGKILLed mid-task; a new
    worker gets the task back once the visibility timeout (8 s here) has passed."""
    assert up.worker is not None
    period = datetime(1993, 3, 3, 3, 0, tzinfo=UTC)
    lock = await asyncpg.connect(up.superuser_url)
    try:
        await lock.execute("BEGIN; LOCK TABLE housekeeping_heartbeats IN SHARE MODE")
        await send_heartbeat(up, await tenant_id(up, "eastdale"), period)
        await wait_until(lambda: _waiting_on_lock(up), 20)
        up.worker.send_signal(signal.SIGKILL)
        up.worker.wait()
        killed = time.monotonic()
        await lock.execute("ROLLBACK")
    finally:
        await lock.close()
    assert await heartbeats(up, "eastdale", period) == 0, "the killed task had finished"
    await asyncio.to_thread(up.start_worker)
    took = await wait_until(lambda: heartbeats(up, "eastdale", period), 40)
    observe(
        "worker SIGKILL mid-task",
        {"task_ran_again_after_s": round(time.monotonic() - killed, 1), "waited_s": took},
    )
    assert await heartbeats(up, "eastdale", period) == 1


async def _waiting_on_lock(stack: Stack) -> bool:
    rows = await stack.sql(
        "SELECT count(*) AS n FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND query LIKE '%housekeeping_heartbeats%'"
    )
    return bool(rows[0]["n"])


async def test_a_task_meeting_a_database_outage_is_retried_until_it_succeeds(up: Stack) -> None:
    period = datetime(1992, 4, 4, 4, 0, tzinfo=UTC)
    northmoor = await tenant_id(up, "northmoor")
    await asyncio.to_thread(up.postgres.fast_stop)
    try:
        await send_heartbeat(up, northmoor, period)
        await asyncio.sleep(4)
    finally:
        await asyncio.to_thread(up.postgres.start)
    back = time.monotonic()
    took = await wait_until(lambda: heartbeats(up, "northmoor", period), 30)
    observe(
        "task during a 4 s database outage",
        {"done_after_database_back_s": round(time.monotonic() - back, 1), "waited_s": took},
    )
    assert await heartbeats(up, "northmoor", period) == 1


async def test_a_task_that_outlasts_its_retries_is_dead_lettered(up: Stack) -> None:
    """With one retry allowed, a task meeting a long outage gives up and is listed."""
    assert up.worker is not None
    up.worker.terminate()
    up.worker.wait(timeout=30)
    saved = dict(WORKER_ENV)
    WORKER_ENV["CONFIDE_TASK_MAX_RETRIES"] = "1"
    try:
        await asyncio.to_thread(up.start_worker)
        eastdale = await tenant_id(up, "eastdale")
        await asyncio.to_thread(up.postgres.fast_stop)
        try:
            task_id = await send_heartbeat(up, eastdale, "1991-05-05T05:00:00+00:00")

            async def listed() -> bool:
                failed = await asyncio.to_thread(up.confide, "tasks", "failed")
                return task_id in failed.stdout

            took = await wait_until(listed, 30)
        finally:
            await asyncio.to_thread(up.postgres.start)
    finally:
        WORKER_ENV.clear()
        WORKER_ENV.update(saved)
        up.worker.terminate()
        up.worker.wait(timeout=30)
    observe("task outlasting its retries", {"dead_lettered_after_s": took})
    line = next(x for x in up.confide("tasks", "failed").stdout.splitlines() if task_id in x)
    assert "confide.housekeeping.heartbeat" in line
    assert "2 attempts" in line
