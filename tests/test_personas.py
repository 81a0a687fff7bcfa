"""Personas sign in as the real sign-in does, without the provider's round trip."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx

from tests.helpers.http import http_client
from tests.helpers.signin import sign_in
from tests.helpers.tenants import TenantRef


async def _staff_rows(owner: asyncpg.Connection, tenant: TenantRef, subject: str) -> int:
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        return int(
            await owner.fetchval("SELECT count(*) FROM staff_users WHERE subject = $1", subject)
        )


async def test_a_persona_is_the_member_of_staff_a_real_sign_in_finds(
    app: Any,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    dashboard = await fiona.get("/t/northmoor/dashboard")
    assert "Fiona MacLeod" in dashboard.text
    async with http_client(app) as browser:
        await sign_in(browser, "northmoor", "northmoor-manager")
        assert "Fiona MacLeod" in (await browser.get("/t/northmoor/dashboard")).text
    assert await _staff_rows(owner_conn, tenants["northmoor"], "northmoor-manager") == 1


async def test_a_personas_session_is_its_tenants_only(
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    aisha = await sign_in_as("aisha")
    assert (await aisha.get("/t/northmoor/dashboard")).status_code == 200
    elsewhere = await aisha.get("/t/eastdale/dashboard")
    assert elsewhere.status_code == 303
    assert elsewhere.headers["location"].startswith("/t/eastdale/login")
