"""A Redis restart under load: clean 503s while it is down, nobody signed out after it
(the append-only file keeps the sessions), one log line per request, and the worker
back at work without Celery's reconnect noise."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from tests.faults.checks import (
    check_audit,
    check_one_line_per_request,
    check_writes,
    observe_load,
)
from tests.faults.load import Load
from tests.faults.stack import Stack
from tests.faults.tasks import heartbeats, send_heartbeat, tenant_id, wait_until


async def test_redis_restarts_and_nobody_is_signed_out(up: Stack, load: Load) -> None:
    lines_before = len(up.web_log_lines())
    worker_log_before = len(up.worker_log.read_text()) if up.worker_log else 0
    load.start()
    await asyncio.sleep(2)
    start = time.monotonic()
    await asyncio.to_thread(up.redis.stop)
    await asyncio.sleep(3)
    await asyncio.to_thread(up.redis.start)
    back = time.monotonic()
    await asyncio.sleep(6)
    end = time.monotonic()
    await load.stop()
    seen = load.report(start, back, end)
    await observe_load("redis restart", up, load, seen)

    assert not [o for o in load.outcomes if o.status == 500], "a 500 was answered"
    during = {str(o.status) for o in load.between(start, back)}
    assert during <= {"200", "201", "503"}, during
    assert all(o.retry_after for o in load.outcomes if o.status == 503)
    after = {str(o.status) for o in load.between(back + load.recovery(back), end)}
    assert after <= {"200", "201"}, f"signed out or failing after the restart: {after}"
    assert load.recovery(back) < 5
    await check_writes(up, load)

    check_one_line_per_request(up.web_log_lines()[lines_before:])

    # The worker reconnected by itself and works; its reconnect left no tracebacks.
    period = datetime(1994, 2, 2, 2, 0, tzinfo=UTC)
    await send_heartbeat(up, await tenant_id(up, "northmoor"), period)
    await wait_until(lambda: heartbeats(up, "northmoor", period), 30)
    assert up.worker_log is not None
    worker_log = up.worker_log.read_text()[worker_log_before:]
    assert "Error on restarting" not in worker_log
    check_audit(up)
