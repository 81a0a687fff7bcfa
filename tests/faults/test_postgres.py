"""PostgreSQL faults under load: fast stop, ``kill -9``, a frozen server, a busy pool.

During each: only clean answers (2xx, or 503 with ``Retry-After``), never a 500.
After it: recovery without a restart within seconds, every acknowledged note
there exactly once, the web's pool whole again, and the audit chains intact.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Callable

import asyncpg
import httpx
import pytest

from tests.faults.checks import (
    check_audit,
    check_one_line_per_request,
    check_pool_full,
    check_writes,
    observe,
    observe_load,
)
from tests.faults.load import Load
from tests.faults.stack import Stack

CLEAN = {"200", "201", "503"}


async def _fault(
    load: Load, inject: Callable[[], None], restore: Callable[[], None], down: float
) -> tuple[float, float, float]:
    load.start()
    await asyncio.sleep(2)
    start = time.monotonic()
    await asyncio.to_thread(inject)
    await asyncio.sleep(down)
    await asyncio.to_thread(restore)
    back = time.monotonic()
    await asyncio.sleep(6)
    end = time.monotonic()
    await load.stop()
    return start, back, end


def _check_answers(load: Load, start: float, back: float) -> None:
    five_hundreds = [(o.kind, round(o.at - start, 2)) for o in load.outcomes if o.status == 500]
    assert not five_hundreds, f"500s answered (kind, seconds after the fault): {five_hundreds}"
    during = load.between(start, back)
    assert {str(o.status) for o in during} <= CLEAN, "an answer other than 2xx or 503"
    unavailable = [o for o in load.outcomes if o.status == 503]
    assert all(o.retry_after for o in unavailable), "a 503 without Retry-After"
    assert load.recovery(back) < 5, "not recovered within 5 s of the database's return"


@pytest.mark.parametrize("how", ["fast stop", "kill -9"])
async def test_postgres_goes_away_and_comes_back(up: Stack, load: Load, how: str) -> None:
    postgres = up.postgres
    stop = postgres.fast_stop if how == "fast stop" else postgres.kill9
    lines_before = len(up.web_log_lines())
    start, back, end = await _fault(load, stop, postgres.start, down=3)
    lines = up.web_log_lines()[lines_before:]
    seen = load.report(start, back, end)
    await observe_load(f"postgres {how}", up, load, seen)
    pool_check = asyncio.create_task(check_pool_full(up))
    await asyncio.wait({pool_check})
    seen["sigterm_exit_s"] = await _stop_and_restart(up)
    _check_answers(load, start, back)
    check_one_line_per_request(lines)
    await check_writes(up, load)
    seen["pool_after"] = pool_check.result()
    assert seen["sigterm_exit_s"] < 15, "the web process did not stop on SIGTERM"
    check_audit(up)


async def _stop_and_restart(stack: Stack) -> float:
    """SIGTERM the web process after the fault: how long it takes to stop (a pool with a
    leaked connection never finished closing). It is started again either way."""
    assert stack.web is not None
    proc = stack.web.proc
    started = time.monotonic()
    proc.terminate()
    try:
        await asyncio.to_thread(proc.wait, 30)
        took = round(time.monotonic() - started, 1)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        took = 99.0
    await asyncio.to_thread(stack.start_web)
    return took


async def test_a_frozen_postgres_gets_quick_503s_not_hung_requests(up: Stack, load: Load) -> None:
    postgres = up.postgres
    probes: list[tuple[int, float]] = []

    async def probe_readiness() -> None:
        assert up.web is not None
        async with httpx.AsyncClient(base_url=up.web.url, timeout=20) as http:
            for _ in range(3):
                started = time.monotonic()
                answer = await http.get("/readyz")
                probes.append((answer.status_code, time.monotonic() - started))
                await asyncio.sleep(0.5)

    load.start()
    await asyncio.sleep(2)
    start = time.monotonic()
    postgres.freeze()
    try:
        await asyncio.sleep(0.5)
        await probe_readiness()
        await asyncio.sleep(max(0.0, 6 - (time.monotonic() - start)))
    finally:
        postgres.thaw()
    back = time.monotonic()
    await asyncio.sleep(6)
    end = time.monotonic()
    await load.stop()
    seen = load.report(start, back, end)
    seen["readyz_during"] = [(status, round(took, 2)) for status, took in probes]
    await observe_load("postgres frozen (SIGSTOP) 6 s", up, load, seen)
    _check_answers(load, start, back)
    # Nothing waits longer than the acquire or command timeout (2 s, 3 s) and a little.
    assert seen["during_slowest_s"] < 4.5, "a request hung with the database"
    assert all(status == 503 and took < 3 for status, took in probes), probes
    await check_writes(up, load)
    seen["pool_after"] = await check_pool_full(up)
    check_audit(up)


async def test_many_clients_are_answered_in_bounded_time_and_readiness_says_busy_not_down(
    up: Stack, clients: list[object]
) -> None:
    crowd = Load(clients, writers_per_client=10, readers_per_client=90)  # type: ignore[arg-type]
    probes: list[tuple[int, str, float]] = []
    assert up.web is not None
    lines_before = len(up.web_log_lines())
    crowd.start()
    async with httpx.AsyncClient(base_url=up.web.url, timeout=20) as http:
        await asyncio.sleep(2)
        for _ in range(15):
            started = time.monotonic()
            answer = await http.get("/readyz")
            probes.append(
                (answer.status_code, answer.json().get("status"), time.monotonic() - started)
            )
            await asyncio.sleep(0.3)
    await crowd.stop()
    served = sorted(
        x["ms"] / 1000
        for x in up.web_log_lines()[lines_before:]
        if x.get("event") == "request" and x.get("route") != "/readyz"
    )
    took = sorted(o.took for o in crowd.outcomes)
    seen = {
        "requests": len(took),
        "statuses": {str(s): n for s, n in _count(o.status for o in crowd.outcomes).items()},
        "p99_s_at_the_client": round(_p99(took), 2),
        "p99_s_in_the_server": round(_p99(served), 2),
        "readyz": [(status, state, round(t, 2)) for status, state, t in probes],
    }
    await observe_load("200 concurrent clients", up, crowd, seen)
    assert {str(o.status) for o in crowd.outcomes} <= CLEAN
    # In the server a request waits at most the acquire timeout (2 s) for a connection, and
    # beyond DATABASE_POOL_QUEUE waiting is not let in at all; the margin is for a machine
    # busy with more than this test (unbounded, this load queued for 8 to 11 s).
    assert seen["p99_s_in_the_server"] < 5, "requests queued without bound"
    assert all(status == 200 for status, _, _ in probes), "readiness said down under load"
    await check_writes(up, crowd)


def _p99(values: list[float]) -> float:
    return values[max(0, int(len(values) * 0.99) - 1)] if values else 0.0


def _count(values: object) -> dict[object, int]:
    counted: dict[object, int] = {}
    for value in values:  # type: ignore[attr-defined]
        counted[value] = counted.get(value, 0) + 1
    return counted


async def test_a_pool_that_can_no_longer_serve_fails_the_health_check(up: Stack) -> None:
    """Every connection held past ``DATABASE_POOL_STUCK_AFTER`` (here by statements blocked on
    a lock, with the timeouts lifted): ``/healthz``, which orchestrators restart on, says so."""
    assert up.web is not None
    web = up.web
    web.proc.terminate()
    web.proc.wait(timeout=20)
    up.start_web(
        DATABASE_STATEMENT_TIMEOUT="120",
        DATABASE_COMMAND_TIMEOUT="120",
        DATABASE_ACQUIRE_TIMEOUT="120",
        DATABASE_POOL_STUCK_AFTER="3",
    )
    lock = await asyncpg.connect(up.superuser_url)
    statuses: list[int] = []
    try:
        await lock.execute("BEGIN; LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE")
        async with httpx.AsyncClient(base_url=up.web.url, timeout=60) as http:
            blocked = [asyncio.create_task(http.get("/t/northmoor/")) for _ in range(12)]
            await asyncio.sleep(5)
            statuses.append((await http.get("/healthz")).status_code)
            await lock.execute("ROLLBACK")
            await asyncio.gather(*blocked)
            await asyncio.sleep(0.5)
            statuses.append((await http.get("/healthz")).status_code)
    finally:
        await lock.close()
        up.web.proc.terminate()
        up.web.proc.wait(timeout=20)
        up.start_web()
    observe("every pool connection stuck", {"healthz_stuck_then_freed": statuses})
    assert statuses == [503, 200]
