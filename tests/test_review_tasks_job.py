"""The consent-review job (``workers/reviews.py``) with a real Celery worker on Redis: a
consent due for review within the notice period becomes one task for the case's caseworker,
or for the managers' queue when nobody holds the case; run again, nothing doubles; a review
recorded closes the task (rule 24)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.consent import record_consent, set_review_due
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

JOB = "tasks.consent_reviews"
TODAY = service_today()


async def _run(
    owner: asyncpg.Connection, tenant: TenantRef, period: datetime, proc: subprocess.Popen[str]
) -> dict[str, int]:
    """Queue the job for ``tenant`` and ``period`` and wait for its record's counts."""
    from confide.workers.reviews import consent_reviews_job

    consent_reviews_job.task.delay(str(tenant.id), period.isoformat())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = await as_tenant(
            owner, tenant,
            "SELECT status, counts FROM job_runs WHERE job = $1 AND period_start = $2",
            JOB, period,
        )  # fmt: skip
        if rows and rows[0]["status"] == "succeeded":
            counts: dict[str, int] = json.loads(rows[0]["counts"])
            return counts
        assert not rows or rows[0]["status"] != "failed", rows
        assert proc.poll() is None, "the worker died"
        await asyncio.sleep(0.2)
    raise AssertionError(f"no run of {JOB} at {period}")


async def _review_tasks(
    owner: asyncpg.Connection, tenant: TenantRef, case_id: str
) -> list[dict[str, Any]]:
    rows = await as_tenant(
        owner, tenant,
        "SELECT id, assignee_id, due_on, status, done_by FROM tasks"
        " WHERE case_id = $1 AND kind = 'consent_review' ORDER BY created_at",
        uuid.UUID(case_id),
    )  # fmt: skip
    return [dict(r) for r in rows]


async def _due_case(
    http: httpx.AsyncClient, owner: asyncpg.Connection, tenant: TenantRef, due: date
) -> str:
    case = await new_case(http)
    await record_consent(http, case["id"], decision="full", roles=[])
    await set_review_due(owner, tenant, case["id"], due)
    return str(case["id"])


async def test_due_reviews_become_tasks_once_for_the_caseworker_or_the_managers_queue(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    north = tenants["northmoor"]
    soon = await _due_case(aisha, owner_conn, north, TODAY + timedelta(days=3))
    later = await _due_case(aisha, owner_conn, north, TODAY + timedelta(days=200))
    nobodys = await _due_case(aisha, owner_conn, north, TODAY - timedelta(days=1))
    [aisha_id] = [
        r["staff_id"]
        for r in await as_tenant(
            owner_conn, north,
            "SELECT staff_id FROM case_assignments WHERE case_id = $1 AND ended_at IS NULL",
            uuid.UUID(soon),
        )
    ]  # fmt: skip
    unassigned = await post(
        fiona, f"{NM}/cases/{nobodys}/assignments", {"staff_id": str(aisha_id), "assigned": False}
    )
    assert unassigned.status_code == 200, unassigned.text

    first = await _run(owner_conn, north, datetime(1992, 1, 1, tzinfo=UTC), worker)
    assert first["tasks_made"] >= 2
    [mine] = await _review_tasks(owner_conn, north, soon)
    assert mine["assignee_id"] == aisha_id
    assert mine["due_on"] == TODAY + timedelta(days=3)
    assert mine["status"] == "open"
    [queued] = await _review_tasks(owner_conn, north, nobodys)
    assert queued["assignee_id"] is None, "an unassigned case's review is the managers'"
    assert await _review_tasks(owner_conn, north, later) == [], "outside the notice period"
    listed = await aisha.get(f"{NM}/tasks", params={"kind": "consent_review", "limit": 100})
    assert str(mine["id"]) in [t["id"] for t in listed.json()["items"]]
    queue = await fiona.get(f"{NM}/tasks", params={"kind": "consent_review", "limit": 100})
    assert str(queued["id"]) in [t["id"] for t in queue.json()["items"]]

    # Another period's run (the next day, or a redelivery) makes nothing twice.
    again = await _run(owner_conn, north, datetime(1992, 1, 2, tzinfo=UTC), worker)
    assert again["tasks_made"] == 0
    assert len(await _review_tasks(owner_conn, north, soon)) == 1
    assert len(await _review_tasks(owner_conn, north, nobodys)) == 1

    # The review recorded closes the task, by whoever reviewed it; the next run makes none
    # for the new date (a year away).
    reviewed = await post(aisha, f"{NM}/cases/{soon}/consents/reviews", {"outcome": "confirmed"})
    assert reviewed.status_code == 201, reviewed.text
    [closed] = await _review_tasks(owner_conn, north, soon)
    assert closed["status"] == "done"
    assert closed["done_by"] == aisha_id
    await _run(owner_conn, north, datetime(1992, 1, 3, tzinfo=UTC), worker)
    assert len(await _review_tasks(owner_conn, north, soon)) == 1

    # An open review task whose consent was since reviewed (here reopened by hand, as if the
    # review had come another way) is closed by the next run, by the service.
    await as_tenant(
        owner_conn, north, "UPDATE tasks SET status = 'open', done_by = NULL, done_at = NULL"
        " WHERE id = $1", closed["id"],
    )  # fmt: skip
    fourth = await _run(owner_conn, north, datetime(1992, 1, 4, tzinfo=UTC), worker)
    assert fourth["tasks_closed"] >= 1
    [settled] = await _review_tasks(owner_conn, north, soon)
    assert settled["status"] == "done"
    assert settled["done_by"] is None  # the service closed it


async def test_the_job_works_on_its_own_tenant_only(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    north, east = tenants["northmoor"], tenants["eastdale"]
    case = await _due_case(aisha, owner_conn, north, TODAY + timedelta(days=2))
    await _run(owner_conn, east, datetime(1992, 2, 1, tzinfo=UTC), worker)
    assert await _review_tasks(owner_conn, north, case) == [], "eastdale's run made northmoor's"


async def test_the_services_own_notice_decides_which_reviews_become_tasks(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    gareth: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """The notice is the tenant admin's setting (``consent_review_notice_days``): a review
    due in 45 days waits under the default 28 days' notice and becomes a task under 60."""
    north = tenants["northmoor"]
    api = f"{NM}/policy/consent"
    csrf = {"x-csrftoken": gareth.cookies["confide_csrf"]}
    consent = (await gareth.get(f"{NM}/policy")).json()["consent"]
    assert consent["consent_review_notice_days"] == 28
    in_45 = await _due_case(aisha, owner_conn, north, TODAY + timedelta(days=45))
    await _run(owner_conn, north, datetime(1993, 1, 1, tzinfo=UTC), worker)
    assert await _review_tasks(owner_conn, north, in_45) == []
    wide = await gareth.put(api, json={**consent, "consent_review_notice_days": 60}, headers=csrf)
    assert wide.status_code == 200, wide.text
    try:
        too_wide = {**consent, "consent_review_notice_days": 365}
        refused = await gareth.put(api, json=too_wide, headers=csrf)
        assert refused.status_code == 400
        assert list(refused.json()["errors"]) == ["review_notice_days"]
        await _run(owner_conn, north, datetime(1993, 1, 2, tzinfo=UTC), worker)
        [task] = await _review_tasks(owner_conn, north, in_45)
        assert task["due_on"] == TODAY + timedelta(days=45)
    finally:
        back = await gareth.put(api, json=consent, headers=csrf)
        assert back.status_code == 200, back.text


async def test_the_job_walks_the_open_cases_a_batch_at_a_time_and_misses_none(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    monkeypatch: Any,
) -> None:
    """One statement per batch of open cases keeps each within the statement timeout at any
    size (bench/consent_reviews.py: 200,000 cases); batches of two cases still make every
    due review's task, once."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.tasks import services

    north = tenants["northmoor"]
    due = [await _due_case(aisha, owner_conn, north, TODAY + timedelta(days=n)) for n in (1, 2, 3)]
    monkeypatch.setattr(services, "REVIEW_BATCH", 2)
    async with tenant_transaction(north.id):
        first = await services.make_review_tasks()
    async with tenant_transaction(north.id):
        again = await services.make_review_tasks()
    assert first["tasks_made"] >= 3
    assert again["tasks_made"] == 0
    for case_id in due:
        assert len(await _review_tasks(owner_conn, north, case_id)) == 1
