"""The information requests' deadline job (issue 17, rule 27) on a real Celery worker:
managers told once as a request falls due or goes overdue, a redelivery and the next
day's run telling nobody again; caseworkers never; another tenant's request never."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.environment import OWNER_URL
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

TODAY = service_today()


async def _succeeded(tenant: TenantRef, period: datetime, proc: subprocess.Popen[str]) -> Any:
    """The job's succeeded run's counts for the period, once the worker has made it."""
    conn = await asyncpg.connect(OWNER_URL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = await as_tenant(
                conn,
                tenant,
                "SELECT status, counts FROM job_runs WHERE job = $1 AND period_start = $2",
                "requests.deadlines",
                period,
            )
            if rows and rows[0]["status"] == "succeeded":
                return json.loads(rows[0]["counts"])
            assert proc.poll() is None, "the worker died"
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise AssertionError(f"no succeeded run for {tenant.slug} at {period}")


async def _told(http: httpx.AsyncClient, base: str, request_id: str) -> list[dict[str, Any]]:
    page = (await http.get(f"{base}/notifications", params={"limit": 100})).json()
    return [
        n for n in page["items"] if n["kind"] == "request_due" and n["subject_id"] == request_id
    ]


async def test_managers_are_told_once_of_each_request_falling_due_on_a_real_worker(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    tenants: dict[str, TenantRef],
) -> None:
    from confide.workers.requests import request_deadlines

    case = await new_case(aisha)
    long_ago = TODAY - timedelta(days=50)
    overdue = await post(
        fiona,
        f"{NM}/requests",
        {
            "kind": "subject_access",
            "requester_name": "Ada Okafor",
            "relation": "parent",
            "received_on": str(long_ago),
            "channel": "post",
            "case_id": case["id"],
        },
    )
    rid = overdue.json()["id"]
    step = {"confirmed_on": str(long_ago), "evidence": "Passport"}
    assert (await post(fiona, f"{NM}/requests/{rid}/identity", step)).json()["overdue"]
    # An FOI request (no case) received today is due in four weeks: not yet.
    foi = await post(
        fiona,
        f"{NM}/requests",
        {
            "kind": "foi",
            "requester_name": "A journalist",
            "relation": "other",
            "received_on": str(TODAY),
            "channel": "email",
        },
    )
    later = foi.json()["id"]
    nm = tenants["northmoor"]
    first, second = datetime(1992, 1, 1, tzinfo=UTC), datetime(1992, 1, 2, tzinfo=UTC)
    for period in (first, first, second):  # a redelivery, then the next day's run
        request_deadlines.delay(str(nm.id), period.isoformat())
    counts = [await _succeeded(nm, p, worker) for p in (first, second)]
    assert counts[0]["notifications_made"] >= 1
    told = await _told(fiona, "/t/northmoor/api", rid)
    assert len(told) == 1, told
    assert told[0]["case_reference"] == case["reference"]
    assert await _told(fiona, "/t/northmoor/api", later) == []
    assert await _told(aisha, "/t/northmoor/api", rid) == []  # managers only
    assert await _told(bronwen, "/t/eastdale/api", rid) == []  # another service's never
