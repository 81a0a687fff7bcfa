"""A worker killed in the middle of an export (issue 16, rule 29): the task comes back to
another worker after the visibility timeout, which builds the export again from nought,
and it ends ready with exactly one result; a subject access release's redacted bundle
(the same task) likewise, kept with its request once. A release whose build outlasted its
retries, or whose task was lost, is not left stuck: it fails, or stalls, and is built again.

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

    def start(name: str, **env: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "confide.workers.celery_app:celery_app",
                "worker", "--pool=solo", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"{name}-{RUN}@localhost", "--loglevel=INFO",
            ],
            env={**os.environ, "CONFIDE_TASK_VISIBILITY_TIMEOUT": VISIBILITY,
                 "CONFIDE_TASK_RETRY_BACKOFF_MAX": "2", **env},
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
    rid, base = await _reviewed_request(aisha, fiona, owner_conn, north, start_worker)

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


async def _reviewed_request(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    north: TenantRef,
    start_worker: Any,
) -> tuple[str, str]:
    """A parent's subject access request about an 8-year-old, its bundle built (by a
    worker stopped again after) and its review started: the request's id and API path."""
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
    return rid, base


async def _finished(
    owner: asyncpg.Connection, north: TenantRef, export_id: str, worker: Any
) -> Any:
    deadline = time.monotonic() + 60
    while (row := await _export(owner, north, export_id))["status"] in ("queued", "running"):
        assert worker.poll() is None, "the worker died"
        assert time.monotonic() < deadline, row
        await asyncio.sleep(0.2)
    return row


async def test_an_outage_outlasting_the_retries_fails_the_release_which_is_built_again(
    start_worker: Any,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Rule 30's deadline: when the store is unavailable for longer than the build's
    retries (one retry here; a directory where the kept original's file should be reads
    as a store that refuses, an ``OSError``), the export is marked failed with its reason
    when they give up, not left running, and the manager builds the release again."""
    from tests.helpers.environment import STORAGE_FOLDER

    north = tenants["northmoor"]
    rid, base = await _reviewed_request(aisha, fiona, owner_conn, north, start_worker)
    [row] = await as_tenant(
        owner_conn, north,
        "SELECT original_id FROM subject_access_requests WHERE request_id = $1", uuid.UUID(rid),
    )  # fmt: skip
    original = STORAGE_FOLDER / str(north.id) / str(row["original_id"])
    aside = original.with_name(original.name + ".aside")
    original.rename(aside)
    original.mkdir()
    try:
        approved = await post(fiona, f"{base}/approve", {})
        assert approved.status_code == 202, approved.text
        release = approved.json()["release_export_id"]
        worker = start_worker(
            "outage", CONFIDE_TASK_MAX_RETRIES="1", CONFIDE_TASK_RETRY_BACKOFF_MAX="1"
        )
        failed = await _finished(owner_conn, north, release, worker)
    finally:
        original.rmdir()
        aside.rename(original)
    [why] = await as_tenant(
        owner_conn, north, "SELECT failure FROM exports WHERE id = $1", uuid.UUID(release)
    )
    assert (failed["status"], why["failure"]) == ("failed", "unavailable")
    again = await post(fiona, f"{base}/approve/rebuild", {})
    assert again.status_code == 202, again.text
    built = await _finished(owner_conn, north, again.json()["release_export_id"], worker)
    assert built["status"] == "ready", built
    assert (await fiona.get(base)).json()["release_ready"] is True


async def test_a_release_whose_task_was_lost_can_be_built_again_once_it_has_stalled(
    start_worker: Any,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """A release queued while no worker takes it (the broker lost it) is refused a rebuild
    while it is young, then accepted once it has made no progress for the bound: the old
    export is marked stalled, and a worker that still gets its task keeps nothing."""
    from confide.platform.requests.subject_access import RELEASE_STALLED_AFTER

    north = tenants["northmoor"]
    rid, base = await _reviewed_request(aisha, fiona, owner_conn, north, start_worker)
    approved = await post(fiona, f"{base}/approve", {})
    assert approved.status_code == 202, approved.text
    lost = approved.json()["release_export_id"]
    await asyncio.to_thread(celery_app.control.purge)  # the broker lost it
    early = await post(fiona, f"{base}/approve/rebuild", {})
    assert (early.status_code, set(early.json()["errors"])) == (400, {"approve"})
    await as_tenant(
        owner_conn, north,
        "UPDATE exports SET requested_at = requested_at - $2::interval WHERE id = $1",
        uuid.UUID(lost), RELEASE_STALLED_AFTER,
    )  # fmt: skip
    page = await fiona.get(f"/t/northmoor/requests/{rid}")
    assert "stopped making progress" in page.text
    again = await post(fiona, f"{base}/approve/rebuild", {})
    assert again.status_code == 202, again.text
    [old] = await as_tenant(
        owner_conn, north, "SELECT status, failure FROM exports WHERE id = $1", uuid.UUID(lost)
    )
    assert (old["status"], old["failure"]) == ("failed", "stalled")
    worker = start_worker("after")
    built = await _finished(owner_conn, north, again.json()["release_export_id"], worker)
    assert built["status"] == "ready", built
