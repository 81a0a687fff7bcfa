"""The one per-request transaction: a failed request commits nothing; every
dependency of a handler runs inside the tenant's transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from litestar import Litestar, get, post
from litestar.di import NamedDependency, Provide
from piccolo.querystring import QueryString

from tests.helpers.http import http_client
from tests.helpers.tenants import TenantRef

PERIOD = datetime(1999, 12, 31, 23, 45, tzinfo=UTC)


async def _tenant_setting() -> str:
    from confide.platform.core.db import get_engine

    rows = await get_engine().run_querystring(
        QueryString("SELECT current_setting('app.tenant_id', true) AS tenant, txid_current() AS tx")
    )
    return f"{rows[0]['tenant']}/{rows[0]['tx']}"


async def first_dep() -> str:
    await asyncio.sleep(0.01)
    return await _tenant_setting()


async def second_dep() -> str:
    return await _tenant_setting()


def third_dep() -> str:
    return "sync"


@post("/boom")
async def write_then_fail() -> None:
    from confide.platform.housekeeping.services import record_heartbeat

    assert await record_heartbeat(PERIOD, "boom")
    raise RuntimeError("handler failed after writing")


@post("/ok")
async def write_and_succeed() -> dict[str, bool]:
    from confide.platform.housekeeping.services import record_heartbeat

    return {"created": await record_heartbeat(PERIOD, "ok")}


@get(
    "/deps",
    dependencies={
        "first": Provide(first_dep),
        "second": Provide(second_dep),
        "third": Provide(third_dep, sync_to_thread=False),
    },
)
async def many_dependencies(
    first: NamedDependency[str], second: NamedDependency[str], third: NamedDependency[str]
) -> dict[str, str]:
    return {"first": first, "second": second, "handler": await _tenant_setting(), "third": third}


@pytest.fixture(scope="module")
async def probe(pool: None) -> Any:
    from confide.frontend.errors import server_error
    from confide.tenants.resolution import tenant_router

    app = Litestar(
        route_handlers=[tenant_router([write_then_fail, write_and_succeed, many_dependencies])],
        exception_handlers={Exception: server_error},
        logging_config=None,
    )
    async with http_client(app) as http:
        yield http


async def test_a_request_that_fails_commits_nothing(
    probe: httpx.AsyncClient, owner_conn: Any, tenants: dict[str, TenantRef]
) -> None:
    response = await probe.post("/t/beta/boom")
    assert response.status_code == 500
    async with owner_conn.transaction():
        await owner_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["beta"].id)
        )
        count = await owner_conn.fetchval(
            "SELECT count(*) FROM housekeeping_heartbeats WHERE period_start = $1", PERIOD
        )
    assert count == 0, "a request that ended in a 500 committed its write"

    ok = await probe.post("/t/beta/ok")
    assert ok.status_code == 201
    assert ok.json() == {"created": True}
    async with owner_conn.transaction():
        await owner_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["beta"].id)
        )
        count = await owner_conn.fetchval(
            "SELECT count(*) FROM housekeeping_heartbeats WHERE period_start = $1", PERIOD
        )
    assert count == 1, "a successful request did not commit"


async def test_every_dependency_runs_in_the_same_tenant_transaction(
    probe: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    body = (await probe.get("/t/alpha/deps")).json()
    expected_tenant = str(tenants["alpha"].id)
    assert body["first"].split("/")[0] == expected_tenant
    assert body["first"] == body["second"] == body["handler"], body
    assert body["third"] == "sync"


async def test_outside_a_tenant_transaction_the_services_refuse() -> None:
    from confide.platform.core.db import NoTenantError
    from confide.platform.housekeeping.services import record_heartbeat

    with pytest.raises(NoTenantError):
        await record_heartbeat(PERIOD, "no-tenant")
