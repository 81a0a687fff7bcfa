"""The scheduled-job framework (``workers/jobs.py``) with a real Celery worker and beat on
Redis: one run per tenant and period, a record of each, a failing tenant alone in failing,
an outage retried. The job under test is ``tests/helpers/jobs.tally``."""

from __future__ import annotations

import asyncio
import json
import os
import shelve
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.helpers.environment import OWNER_URL, RUN
from tests.helpers.jobs import MESSAGE, clear_failure, fail_for, runs_counted, tally
from tests.helpers.tenants import TenantRef

JOB = "tests.tally"


@pytest.fixture(scope="module")
def worker_includes() -> list[str]:
    return ["tests.helpers.jobs"]


async def _runs(tenant: TenantRef, period: datetime | None = None) -> list[dict[str, Any]]:
    """The tenant's records of the test job (for ``period``, or all), as the owner reads
    them in the tenant."""
    conn = await asyncpg.connect(OWNER_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            rows = await conn.fetch(
                "SELECT * FROM job_runs WHERE job = $1 AND ($2::timestamptz IS NULL"
                " OR period_start = $2) ORDER BY period_start",
                JOB,
                period,
            )
    finally:
        await conn.close()
    return [{**row, "counts": json.loads(row["counts"])} for row in rows]


async def _wait_for_run(
    tenant: TenantRef, period: datetime, proc: subprocess.Popen[str], status: str = "succeeded"
) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = await _runs(tenant, period)
        if found and found[0]["status"] == status:
            return found[0]
        assert proc.poll() is None, "the worker died"
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {status} run of {JOB} for {tenant.slug} at {period}")


async def test_a_job_runs_once_per_tenant_and_period_and_records_what_it_did(
    worker: subprocess.Popen[str], tenants: dict[str, TenantRef]
) -> None:
    alpha, beta, gamma = tenants["alpha"], tenants["beta"], tenants["gamma"]
    period = datetime(1990, 1, 1, tzinfo=UTC)
    tally.fan_out.delay(period.isoformat())
    tally.fan_out.delay(period.isoformat())  # beat's tick delivered twice
    tally.task.delay(str(alpha.id), period.isoformat())  # and a task redelivered
    for tenant in (alpha, beta):
        await _wait_for_run(tenant, period, worker)
    # Both fan-outs ran before beta's task (queued behind them), so a sentinel queued now
    # runs after every task they queued: the solo worker takes the queue in order.
    sentinel = period + timedelta(days=1)
    tally.task.delay(str(alpha.id), sentinel.isoformat())
    await _wait_for_run(alpha, sentinel, worker)
    for tenant in (alpha, beta):
        [run] = await _runs(tenant, period)
        assert run["status"] == "succeeded"
        assert run["counts"] == {"tallied": 1, "attempt": 1}
        assert run["attempts"] == 1
        assert run["failure"] == ""
        assert run["started_at"] <= run["finished_at"]
        assert run["duration_ms"] >= 0
        assert runs_counted(tenant.id, period) == 1, "a second run of the period did the work"
    assert await _runs(gamma) == [], "a suspended tenant was worked on"


async def test_a_failure_for_one_tenant_does_not_stop_the_others(
    worker: subprocess.Popen[str], worker_log: Path, tenants: dict[str, TenantRef]
) -> None:
    alpha, beta = tenants["alpha"], tenants["beta"]
    period = datetime(1990, 2, 1, tzinfo=UTC)
    fail_for(beta.id, "bug")
    try:
        tally.fan_out.delay(period.isoformat())
        failed = await _wait_for_run(beta, period, worker, "failed")
        await _wait_for_run(alpha, period, worker)
    finally:
        clear_failure(beta.id)
    assert failed["failure"] == "LookupError"
    assert failed["counts"] == {}
    assert failed["attempts"] == 1
    assert runs_counted(beta.id, period) == 1, "a bug was retried"
    log = await asyncio.to_thread(worker_log.read_text)
    assert MESSAGE not in log, "the exception's message reached the log"
    assert MESSAGE not in json.dumps(failed, default=str)
    # A failed period runs again when it is delivered again, and its record says so.
    tally.task.delay(str(beta.id), period.isoformat())
    again = await _wait_for_run(beta, period, worker)
    assert again["failure"] == ""
    assert again["counts"] == {"tallied": 1, "attempt": 1}
    assert len(await _runs(beta, period)) == 1


async def test_an_outage_is_retried_and_its_record_says_so_until_it_succeeds(
    worker: subprocess.Popen[str], tenants: dict[str, TenantRef]
) -> None:
    alpha = tenants["alpha"]
    period = datetime(1990, 3, 1, tzinfo=UTC)
    fail_for(alpha.id, "outage")
    try:
        tally.task.delay(str(alpha.id), period.isoformat())
        retrying = await _wait_for_run(alpha, period, worker, "retrying")
    finally:
        clear_failure(alpha.id)
    assert retrying["failure"] == "ConnectionRefusedError"
    done = await _wait_for_run(alpha, period, worker)
    assert done["attempts"] >= 2
    assert done["counts"]["attempt"] == done["attempts"]
    assert done["failure"] == ""


def test_each_declared_job_is_on_beats_schedule() -> None:
    from confide.platform.core.settings import get_settings
    from confide.workers.celery_app import celery_app
    from confide.workers.housekeeping import heartbeat_job

    schedule = celery_app.conf.beat_schedule
    assert schedule["housekeeping.heartbeat"] == {
        "task": "confide.housekeeping.heartbeat.fan_out",
        "schedule": timedelta(minutes=get_settings().core.heartbeat_minutes),
    }
    assert heartbeat_job.task.name == "confide.housekeeping.heartbeat"
    assert schedule[JOB]["task"] == tally.fan_out.name


def _start_beat(app: str, folder: Path) -> subprocess.Popen[str]:
    """Celery beat for ``app`` on the run's Redis, its schedule kept in ``folder``."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "beat",
            f"--schedule={folder / f'beat-{RUN}'}",
            "--loglevel=INFO",
        ],
        env=dict(os.environ),
        stdout=(folder / "beat.log").open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def beat(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Beat with the test job on its schedule (every second)."""
    proc = _start_beat("tests.helpers.jobs:celery_app", tmp_path)
    yield proc
    _stop(proc)


def test_the_beat_that_confide_run_and_compose_start_schedules_every_declared_job(
    tmp_path: Path,
) -> None:
    """``confide run`` (``embedded.CELERY_APP``) and docker-compose's beat load the app;
    its task modules, where jobs are declared, are imported before the schedule is read."""
    from confide.platform.embedded import CELERY_APP

    proc = _start_beat(CELERY_APP, tmp_path)
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob(f"beat-{RUN}*")):
            assert proc.poll() is None, (tmp_path / "beat.log").read_text()
            assert time.monotonic() < deadline, "beat kept no schedule"
            time.sleep(0.2)
        time.sleep(1)  # its first sync
    finally:
        _stop(proc)
    with shelve.open(str(tmp_path / f"beat-{RUN}"), flag="r") as kept:
        entries = kept["entries"]
    assert entries["housekeeping.heartbeat"].task == "confide.housekeeping.heartbeat.fan_out"
    assert "audit-checkpoints" in entries
    assert JOB not in entries, "a test job reached the app's own schedule"


async def test_beat_fans_a_declared_job_out_to_every_active_tenant_on_its_schedule(
    worker: subprocess.Popen[str], beat: subprocess.Popen[str], tenants: dict[str, TenantRef]
) -> None:
    started = datetime.now(UTC).replace(microsecond=0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        recent = {
            name: [r for r in await _runs(tenants[name]) if r["period_start"] >= started]
            for name in ("alpha", "beta")
        }
        if all(recent.values()):
            break
        assert beat.poll() is None, "beat died"
        await asyncio.sleep(0.3)
    else:
        raise AssertionError("beat sent no run of the test job to alpha and beta")
    assert all(r["status"] == "succeeded" for runs in recent.values() for r in runs)
    assert await _runs(tenants["gamma"]) == []
