"""A worker killed in the middle of an export (issue 16, rule 29): the task comes back to
another worker after the visibility timeout, which builds the export again from nought,
and it ends ready with exactly one result; a subject access release's redacted bundle
(the same task) likewise, kept with its request once.

The first worker is held at the last step (storing the file: the test holds the storage
keys' table) with its progress committed, then SIGKILLed; a second worker, started after,
gets the task back. Both run with an 8 s visibility timeout, so this takes seconds."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, as_tenant, enquiry, new_case
from tests.helpers.consent import add_note
from tests.helpers.environment import OWNER_URL, RUN
from tests.helpers.exports import open_bundle, request_bundle
from tests.helpers.http import post
from tests.helpers.jobs import celery_app
from tests.helpers.tenants import TenantRef

VISIBILITY = "8"


@pytest.fixture
def start_worker(database: Any, tmp_path: Path) -> Iterator[Any]:
    """Start a real Celery worker (with the short visibility timeout); all stopped after."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "confide.workers.celery_app:celery_app",
                "worker", "--pool=solo", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"{name}-{RUN}@localhost", "--loglevel=INFO",
            ],
            env={**os.environ, "CONFIDE_TASK_VISIBILITY_TIMEOUT": VISIBILITY,
                 "CONFIDE_TASK_RETRY_BACKOFF_MAX": "2"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


async def _export(owner: asyncpg.Connection, tenant: TenantRef, export_id: str) -> Any:
    [row] = await as_tenant(
        owner, tenant,
        "SELECT status, progress_done, progress_total FROM exports WHERE id = $1",
        uuid.UUID(export_id),
    )  # fmt: skip
    return row


async def _waiting_on_a_lock(owner: asyncpg.Connection) -> bool:
    rows = await owner.fetch(
        "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
        " WHERE NOT l.granted AND c.relname = 'storage_data_keys'"
    )
    return bool(rows)


async def test_a_worker_killed_mid_build_is_retried_and_the_export_is_made_once(
    start_worker: Any,
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    north = tenants["northmoor"]
    case = await new_case(aisha)
    await add_note(aisha, str(case["id"]), "Talked through the draft plan")
    # Earlier tests queue exports no worker of theirs took: with the storage keys held,
    # each would wait out its statement timeout in this test's worker before this one.
    await asyncio.to_thread(celery_app.control.purge)
    asked = await request_bundle(aisha, str(case["id"]))
    holder = await asyncpg.connect(OWNER_URL)
    try:
        await holder.execute("BEGIN; LOCK TABLE storage_data_keys IN ACCESS EXCLUSIVE MODE")
        first = start_worker("first")
        deadline = time.monotonic() + 60
        while True:  # the build has run to its last step and waits to store the file
            row = await _export(owner_conn, north, asked["id"])
            last_step = row["status"] == "running" and row["progress_done"] == row["progress_total"]
            if last_step and await _waiting_on_a_lock(owner_conn):
                break
            assert first.poll() is None, "the first worker died"
            assert time.monotonic() < deadline, row
            await asyncio.sleep(0.2)
        first.kill()
        first.wait()
        await holder.execute("ROLLBACK")
    finally:
        await holder.close()
    row = await _export(owner_conn, north, asked["id"])
    assert row["status"] == "running", "the killed worker had finished"

    second = start_worker("second")
    deadline = time.monotonic() + 90
    while (row := await _export(owner_conn, north, asked["id"]))["status"] != "ready":
        assert row["status"] == "running", row
        assert second.poll() is None, "the second worker died"
        assert time.monotonic() < deadline, row
        await asyncio.sleep(0.3)
    built = await as_tenant(
        owner_conn, north,
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'export_built'"
        " AND subject_id = $1",
        uuid.UUID(asked["id"]),
    )  # fmt: skip
    assert built[0]["n"] == 1
    response = await aisha.get(f"{NM}/exports/{asked['id']}/download")
    assert response.status_code == 200
    open_bundle(response.content)


async def test_a_worker_killed_building_a_redacted_bundle_is_retried_and_keeps_one_copy(
    start_worker: Any,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Issue 17, rule 30: a subject access release's redacted bundle is built by the same
    task, so a worker killed while building it (held here reading the kept original) gives
    it back; the second worker builds it from nought, and it is finished, and kept with
    the request, once."""
    north = tenants["northmoor"]
    young = {**enquiry()["young_person"], "date_of_birth": f"{service_today().year - 8}-01-01"}
    case = await new_case(aisha, young_person=young)
    await add_note(aisha, str(case["id"]), "Talked through the draft plan")
    logged = await post(fiona, f"{NM}/requests", {
        "kind": "subject_access", "requester_name": "Ada Okafor", "relation": "parent",
        "received_on": str(service_today()), "channel": "email", "case_id": case["id"],
    })  # fmt: skip
    assert logged.status_code == 201, logged.text
    rid = logged.json()["id"]
    identity = {"confirmed_on": str(service_today()), "evidence": "Passport seen"}
    assert (await post(fiona, f"{NM}/requests/{rid}/identity", identity)).status_code == 200
    base = f"{NM}/requests/{rid}/subject-access"
    await asyncio.to_thread(celery_app.control.purge)
    prep = start_worker("prep")
    asked = await post(fiona, f"{base}/bundle", {})
    assert asked.status_code == 202, asked.text
    deadline = time.monotonic() + 60
    while (await _export(owner_conn, north, asked.json()["export_id"]))["status"] != "ready":
        assert time.monotonic() < deadline, "the bundle was never built"
        await asyncio.sleep(0.2)
    prep.terminate()
    prep.wait(timeout=20)
    assert (await post(fiona, f"{base}/review", {})).status_code == 200

    holder = await asyncpg.connect(OWNER_URL)
    try:
        await holder.execute("BEGIN; LOCK TABLE storage_data_keys IN ACCESS EXCLUSIVE MODE")
        approved = await post(fiona, f"{base}/approve", {})
        assert approved.status_code == 202, approved.text
        release = approved.json()["release_export_id"]
        first = start_worker("first")
        deadline = time.monotonic() + 60
        while True:  # the build has started and waits to read the kept original (its
            # start is in the same transaction: the row still reads queued)
            row = await _export(owner_conn, north, release)
            if await _waiting_on_a_lock(owner_conn):
                break
            assert first.poll() is None, "the first worker died"
            assert time.monotonic() < deadline, row
            await asyncio.sleep(0.2)
        first.kill()
        first.wait()
        await holder.execute("ROLLBACK")
    finally:
        await holder.close()

    second = start_worker("second")
    deadline = time.monotonic() + 90
    while (row := await _export(owner_conn, north, release))["status"] != "ready":
        assert row["status"] in ("queued", "running"), row
        assert second.poll() is None, "the second worker died"
        assert time.monotonic() < deadline, row
        await asyncio.sleep(0.3)
    kept = await as_tenant(
        owner_conn, north,
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'request_step'"
        " AND reason_code = 'sar_release_built' AND subject_id = $1",
        uuid.UUID(rid),
    )  # fmt: skip
    assert kept[0]["n"] == 1
    standing = (await fiona.get(base)).json()
    assert standing["release_ready"] is True
    released = await fiona.get(f"{base}/released")
    assert released.status_code == 200
    open_bundle(released.content)
