"""Through the HTTP app: a tenant's address only ever reaches that tenant's data."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from conftest import TenantRef
from tests.conftest import http_client, sign_in


@pytest.fixture
async def northmoor(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A browser signed in as northmoor's manager."""
    async with http_client(app) as browser:
        await sign_in(browser, "northmoor", "northmoor-manager")
        yield browser


@pytest.fixture
async def eastdale(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as browser:
        await sign_in(browser, "eastdale", "eastdale-manager")
        yield browser


async def _heartbeat(owner: asyncpg.Connection, tenant: TenantRef) -> uuid.UUID:
    row_id = uuid.uuid4()
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        await owner.execute(
            "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, task_id)"
            " VALUES ($1, $2, $3, 'http-test')",
            row_id,
            tenant.id,
            datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=secrets.randbelow(10**9)),
        )
    return row_id


async def test_a_tenant_sees_only_its_own_rows(
    northmoor: httpx.AsyncClient,
    eastdale: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    north_row = await _heartbeat(owner_conn, tenants["northmoor"])
    east_row = await _heartbeat(owner_conn, tenants["eastdale"])

    own = await northmoor.get(f"/t/northmoor/api/housekeeping/heartbeats/{north_row}")
    assert own.status_code == 200
    assert own.json()["id"] == str(north_row)

    other = await northmoor.get(f"/t/northmoor/api/housekeeping/heartbeats/{east_row}")
    missing = await northmoor.get(f"/t/northmoor/api/housekeeping/heartbeats/{uuid.uuid4()}")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()

    listed = (await eastdale.get("/t/eastdale/api/housekeeping/heartbeats?limit=100")).json()
    ids = {item["id"] for item in listed["items"]}
    assert str(east_row) in ids
    assert str(north_row) not in ids

    # Northmoor's session asking at eastdale's address is no one there.
    crossing = await northmoor.get(
        "/t/eastdale/api/housekeeping/heartbeats",
        cookies={"confide_session": northmoor.cookies["confide_session"]},
    )
    assert crossing.status_code == 401


async def test_the_api_needs_a_signed_in_member_of_staff(client: httpx.AsyncClient) -> None:
    response = await client.get("/t/northmoor/api/housekeeping/heartbeats")
    assert response.status_code == 401
    assert response.json()["status_code"] == 401


async def test_no_route_updates_or_deletes_another_tenants_row(
    client: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    alpha_row = await _heartbeat(owner_conn, tenants["alpha"])
    for method in ("PUT", "PATCH", "DELETE"):
        response = await client.request(method, f"/t/beta/api/housekeeping/heartbeats/{alpha_row}")
        assert response.status_code in {404, 405}
    async with owner_conn.transaction():
        await owner_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["alpha"].id)
        )
        assert (
            await owner_conn.fetchval(
                "SELECT task_id FROM housekeeping_heartbeats WHERE id = $1", alpha_row
            )
            == "http-test"
        )


async def test_unknown_and_suspended_tenants_get_the_same_not_found(
    client: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    suspended = await client.get("/t/gamma/")
    unknown = await client.get("/t/no-such-service/")
    malformed = await client.get("/t/NOT_A_SLUG/")
    assert suspended.status_code == unknown.status_code == malformed.status_code == 404
    assert suspended.text == unknown.text == malformed.text
    assert tenants["gamma"].name not in suspended.text
    api = await client.get("/t/gamma/api/housekeeping/heartbeats")
    assert api.status_code == 404


async def test_pages_are_paged_and_bad_paging_is_a_clear_error(
    northmoor: httpx.AsyncClient,
) -> None:
    response = await northmoor.get("/t/northmoor/api/housekeeping/heartbeats?limit=1")
    body = response.json()
    assert response.status_code == 200
    assert body["limit"] == 1
    assert len(body["items"]) <= 1
    bad = await northmoor.get("/t/northmoor/api/housekeeping/heartbeats?limit=100000")
    assert bad.status_code == 400
    assert "limit" in bad.text


async def test_subdomain_resolves_the_tenant_and_refuses_another(
    pool: None, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.app import create_litestar
    from confide.tenants.resolution import SubdomainTenants

    app = SubdomainTenants(create_litestar(), "example.org")
    async with http_client(app, "http://alpha.example.org") as http:
        start = await http.get("/")
        assert start.status_code == 200
        assert tenants["alpha"].name in start.text
        crossing = await http.get("/t/beta/")
        assert crossing.status_code == 404
        assert tenants["beta"].name not in crossing.text
    async with http_client(app, "http://gamma.example.org") as http:
        assert (await http.get("/")).status_code == 404
