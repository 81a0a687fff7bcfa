"""The scheduled jobs' run records: kept per tenant (row-level security), shown to the
tenant admin through the API and a page, a page at a time, by job and status; never text
that could hold personal data."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from tests.helpers.html import parse, table_rows
from tests.helpers.tenants import TenantRef

API = "/t/{}/api/job-runs"


async def _record(
    tenant: TenantRef,
    job: str = "housekeeping.heartbeat",
    status: str = "succeeded",
    counts: dict[str, int] | None = None,
    failure: str = "",
    period: datetime | None = None,
) -> datetime:
    """A run's record, written by the service in the tenant's transaction: its period."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.housekeeping.schemas import RunStatus
    from confide.platform.housekeeping.services import record_run

    period = period or datetime(2001, 1, 1, tzinfo=UTC) + timedelta(
        seconds=secrets.randbelow(10**9)
    )
    started = datetime.now(UTC) - timedelta(seconds=2)
    async with tenant_transaction(tenant.id):
        assert await record_run(
            job,
            period,
            status=RunStatus(status),
            started_at=started,
            attempts=1,
            task_id="test",
            counts=counts,
            failure=failure,
        )
    return period


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def _run_id(gareth: httpx.AsyncClient, slug: str, job: str, period: datetime) -> str:
    found = await gareth.get(API.format(slug), params={"job": job, "limit": 100})
    [run] = [r for r in found.json()["items"] if _at(r["period_start"]) == period]
    return str(run["id"])


async def test_the_admin_reads_runs_by_job_and_status_a_page_at_a_time(
    gareth: httpx.AsyncClient, tenants: dict[str, TenantRef], pool: None
) -> None:
    northmoor = tenants["northmoor"]
    job = f"tests.api-{secrets.token_hex(3)}"
    ok = await _record(northmoor, job, counts={"made": 3, "skipped": 0})
    bad = await _record(northmoor, job, "failed", failure="LookupError")
    await _record(northmoor, job, "retrying", failure="ConnectionRefusedError")
    every = await gareth.get(API.format("northmoor"), params={"job": job, "limit": 2})
    assert every.status_code == 200
    assert every.json()["total"] == 3
    assert len(every.json()["items"]) == 2
    assert every.json()["next_offset"] == 2
    failed = (
        await gareth.get(API.format("northmoor"), params={"job": job, "status": "failed"})
    ).json()
    assert [(_at(r["period_start"]), r["failure"]) for r in failed["items"]] == [
        (bad, "LookupError")
    ]
    run_id = await _run_id(gareth, "northmoor", job, ok)
    one = (await gareth.get(f"{API.format('northmoor')}/{run_id}")).json()
    assert one["counts"] == {"made": 3, "skipped": 0}
    assert one["status"] == "succeeded"
    assert one["duration_ms"] >= 2000


async def test_another_tenants_run_is_not_found_and_never_listed(
    gareth: httpx.AsyncClient,
    sign_in_as: object,
    tenants: dict[str, TenantRef],
    pool: None,
) -> None:
    job = f"tests.cross-{secrets.token_hex(3)}"
    east = await _record(tenants["eastdale"], job)
    north = await _record(tenants["northmoor"], job)
    listed = (await gareth.get(API.format("northmoor"), params={"job": job})).json()
    assert [_at(r["period_start"]) for r in listed["items"]] == [north]
    # The owner reads eastdale's run's id; at northmoor it is not found, as a made-up one.
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.pagination import PageRequest
    from confide.platform.housekeeping.schemas import RunFilter
    from confide.platform.housekeeping.services import list_runs

    async with tenant_transaction(tenants["eastdale"].id):
        [east_run] = (await list_runs(RunFilter(job=job), PageRequest())).items
    assert east_run.period_start == east
    other = await gareth.get(f"{API.format('northmoor')}/{east_run.id}")
    missing = await gareth.get(f"{API.format('northmoor')}/{uuid.uuid4()}")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    page = await gareth.get("/t/northmoor/admin/jobs/", params={"job": job})
    assert len(parse(page).select("tr[data-testid=run-row]")) == 1


async def test_the_application_role_sees_and_writes_only_its_tenants_runs(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef], pool: None
) -> None:
    job = f"tests.sql-{secrets.token_hex(3)}"
    await _record(tenants["alpha"], job)
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["beta"].id)
        )
        assert await app_conn.fetchval("SELECT count(*) FROM job_runs WHERE job = $1", job) == 0
        changed = await app_conn.execute(
            "UPDATE job_runs SET status = 'failed' WHERE job = $1", job
        )
        assert changed == "UPDATE 0"
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["beta"].id)
        )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await app_conn.execute(
                "INSERT INTO job_runs (id, tenant_id, job, period_start, status, started_at,"
                " finished_at, duration_ms, attempts, counts, failure, task_id) VALUES"
                " (gen_random_uuid(), $1, $2, now(), 'succeeded', now(), now(), 0, 1, '{}', '',"
                " 'x')",
                tenants["alpha"].id,
                job,
            )
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["alpha"].id)
        )
        assert await app_conn.fetchval("SELECT count(*) FROM job_runs WHERE job = $1", job) == 1


async def test_only_the_tenant_admin_reads_runs(
    fiona: httpx.AsyncClient, aisha: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    for http in (fiona, aisha):
        assert (await http.get(API.format("northmoor"))).status_code == 403
        assert (await http.get("/t/northmoor/admin/jobs/")).status_code == 403
    assert (await client.get(API.format("northmoor"))).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "running"}, "status"),
        ({"job": "x" * 65}, "job"),
        ({"job": "Jamie Smith"}, "job"),
        ({"limit": 0}, "limit"),
    ],
)
async def test_a_bad_filter_is_a_400_naming_it(
    gareth: httpx.AsyncClient, params: dict[str, object], field: str
) -> None:
    response = await gareth.get(API.format("northmoor"), params=params)
    assert response.status_code == 400
    assert [e["key"] for e in response.json()["errors"]] == [field]
    page = await gareth.get("/t/northmoor/admin/jobs/", params=params | {"limit": None})
    assert page.status_code == (200 if field == "limit" else 400)


async def test_the_runs_page_shows_counts_failures_and_filters_a_page_at_a_time(
    gareth: httpx.AsyncClient, tenants: dict[str, TenantRef], pool: None
) -> None:
    northmoor = tenants["northmoor"]
    job = f"tests.page-{secrets.token_hex(3)}"
    await _record(northmoor, job, counts={"tasks_made": 7})
    await _record(northmoor, job, "failed", failure="LookupError")
    for _ in range(20):
        await _record(northmoor, job, "retrying", failure="ConnectionRefusedError")
    first = await gareth.get("/t/northmoor/admin/jobs/", params={"job": job})
    assert first.status_code == 200
    html = parse(first)
    assert html.one("[data-testid=run-count]").text == "22 runs"
    assert len(html.select("tr[data-testid=run-row]")) == 20
    hrefs = [a.get("href") for a in html.select("[data-testid=pagination] a")]
    assert f"?job={job}&page=2" in hrefs
    second = parse(await gareth.get("/t/northmoor/admin/jobs/", params={"job": job, "page": 2}))
    assert len(second.select("tr[data-testid=run-row]")) == 2
    failed = await gareth.get("/t/northmoor/admin/jobs/", params={"job": job, "status": "failed"})
    rows = table_rows(failed, "table[data-testid=run-table]")
    assert len(rows) == 1
    assert "Failed" in rows[0][2]
    assert rows[0][5] == "LookupError"
    done = await gareth.get("/t/northmoor/admin/jobs/", params={"job": job, "status": "succeeded"})
    assert table_rows(done, "table[data-testid=run-table]")[0][5] == "tasks made: 7"
    # "All" in the filter form sends empty values.
    every = parse(await gareth.get("/t/northmoor/admin/jobs/", params={"job": "", "status": ""}))
    assert every.one("[data-testid=run-count]").text != "0 runs"


@pytest.mark.parametrize(
    ("counts", "ok"),
    [
        ({}, True),
        ({"tasks_made": 3, "notified": 0}, True),
        ({"name": "Jamie Smith"}, False),  # text: could be personal data
        ({"Jamie Smith": 1}, False),  # a name that is not a count's
        ({"flag": True}, False),
        ({"ratio": 0.5}, False),
        ({f"c{i}": i for i in range(21)}, False),  # not a small dict
    ],
)
def test_a_runs_counts_are_a_few_named_whole_numbers(counts: dict[str, object], ok: bool) -> None:
    from confide.platform.housekeeping.services import check_counts

    if ok:
        assert check_counts(counts) == counts  # type: ignore[arg-type]
    else:
        with pytest.raises(ValueError, match="count"):
            check_counts(counts)  # type: ignore[arg-type]


async def test_a_later_failure_never_replaces_a_success(
    tenants: dict[str, TenantRef], pool: None
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.housekeeping.schemas import RunStatus
    from confide.platform.housekeeping.services import claim_run, record_run

    beta = tenants["beta"]
    period = await _record(beta, "tests.later")
    async with tenant_transaction(beta.id):
        assert not await claim_run("tests.later", period)
        assert not await record_run(
            "tests.later",
            period,
            status=RunStatus.FAILED,
            started_at=datetime.now(UTC),
            attempts=2,
            task_id="x",
            failure="LookupError",
        )


async def test_two_runs_of_one_period_at_once_do_its_work_once(
    tenants: dict[str, TenantRef], pool: None
) -> None:
    """A duplicate delivery running beside the first waits on the run key, then finds the
    period done."""
    import asyncio

    from confide.platform.core.db import tenant_transaction
    from confide.platform.housekeeping.schemas import RunStatus
    from confide.platform.housekeeping.services import claim_run, record_run

    beta = tenants["beta"]
    job = f"tests.twice-{secrets.token_hex(3)}"
    period = datetime(2002, 2, 2, tzinfo=UTC)
    done: list[str] = []

    async def deliver(name: str) -> None:
        async with tenant_transaction(beta.id):
            if not await claim_run(job, period):
                return
            started = datetime.now(UTC)
            await asyncio.sleep(0.3)  # the work, while the other delivery arrives
            done.append(name)
            await record_run(
                job,
                period,
                status=RunStatus.SUCCEEDED,
                started_at=started,
                attempts=1,
                task_id=name,
                counts={"done": 1},
            )

    await asyncio.gather(deliver("first"), deliver("second"))
    assert len(done) == 1, done
