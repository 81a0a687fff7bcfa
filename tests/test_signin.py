"""Signing in through each tenant's own provider: sessions, roles, refusals, audit."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest

from tests.helpers.http import csrf_token, http_client
from tests.helpers.signin import sign_in
from tests.helpers.tenants import TenantRef


async def _audit(owner: asyncpg.Connection, tenant: TenantRef, action: str) -> list[Any]:
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        return list(
            await owner.fetch(
                "SELECT actor_id, reason_code FROM audit_entries WHERE action = $1 ORDER BY seq",
                action,
            )
        )


async def test_a_caseworker_signs_in_lands_on_the_dashboard_and_signs_out(
    browser: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    back = await sign_in(browser, "northmoor", "northmoor-cw-1")
    assert back.status_code == 303
    assert back.headers["location"] == "/t/northmoor/dashboard"
    cookie = back.headers["set-cookie"]
    assert "confide_session=" in cookie
    assert "HttpOnly" in cookie
    assert "Path=/t/northmoor" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie

    dashboard = await browser.get("/t/northmoor/dashboard")
    assert dashboard.status_code == 200
    assert "Aisha Rahman" in dashboard.text
    assert "Caseworker" in dashboard.text

    signed_in = await _audit(owner_conn, tenants["northmoor"], "sign_in")
    assert signed_in, "the sign-in was not audited"

    out = await browser.post(
        "/t/northmoor/logout", data={"_csrf_token": csrf_token(dashboard.text)}
    )
    assert out.status_code == 303
    assert out.headers["location"] == "/t/northmoor/signed-out"
    page = (await browser.get(out.headers["location"])).text
    assert "You have signed out" in page
    assert "/oauth2/end_session?client_id=confide-northmoor" in page
    after = await browser.get("/t/northmoor/dashboard")
    assert after.status_code == 303
    assert after.headers["location"].startswith("/t/northmoor/login")
    assert await _audit(owner_conn, tenants["northmoor"], "sign_out")


async def test_the_dashboard_needs_a_session(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/t/northmoor/dashboard")
    assert response.status_code == 303
    assert response.headers["location"] == "/t/northmoor/login?next=%2Ft%2Fnorthmoor%2Fdashboard"


async def test_a_user_with_no_mapped_role_gets_no_access_and_no_session(
    browser: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    back = await sign_in(browser, "northmoor", "northmoor-other")
    assert back.status_code == 403
    assert "You do not have access to this service" in back.text
    assert "confide_session=" not in back.headers.get("set-cookie", "")
    reasons = [
        r["reason_code"] for r in await _audit(owner_conn, tenants["northmoor"], "sign_in_failed")
    ]
    assert "no_role" in reasons


async def test_a_session_of_one_tenant_is_no_session_at_another(
    browser: httpx.AsyncClient,
) -> None:
    back = await sign_in(browser, "northmoor", "northmoor-manager")
    token = back.cookies["confide_session"]
    # Even presented explicitly (the browser would not send it: its path is /t/northmoor).
    other = await browser.get("/t/eastdale/dashboard", cookies={"confide_session": token})
    assert other.status_code == 303
    assert other.headers["location"].startswith("/t/eastdale/login")


async def test_a_user_of_one_tenant_cannot_sign_in_at_the_other(
    browser: httpx.AsyncClient,
) -> None:
    # An eastdale caseworker at northmoor's sign-in: a valid token, but no northmoor group.
    back = await sign_in(browser, "northmoor", "eastdale-cw-1")
    assert back.status_code == 403


async def test_a_token_minted_for_one_tenants_client_is_refused_at_another(
    browser: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """Both demo tenants use the same provider; the code for eastdale's client is
    replayed into northmoor's callback with northmoor's own state."""
    eastdale_start = await browser.get("/t/eastdale/login")
    async with httpx.AsyncClient() as provider:
        chosen = await provider.post(
            eastdale_start.headers["location"], data={"sub": "northmoor-cw-1"}
        )
    stolen_code = parse_qs(urlsplit(chosen.headers["location"]).query)["code"][0]
    northmoor_start = await browser.get("/t/northmoor/login")
    state = parse_qs(urlsplit(northmoor_start.headers["location"]).query)["state"][0]
    back = await browser.get(
        "/t/northmoor/auth/callback", params={"code": stolen_code, "state": state}
    )
    assert back.status_code == 400
    assert "confide_session=" not in back.headers.get("set-cookie", "")
    reasons = [
        r["reason_code"] for r in await _audit(owner_conn, tenants["northmoor"], "sign_in_failed")
    ]
    assert {"token_request_failed", "wrong_audience"} & set(reasons)


async def test_a_replayed_state_is_refused(browser: httpx.AsyncClient) -> None:
    start = await browser.get("/t/northmoor/login")
    async with httpx.AsyncClient() as provider:
        chosen = await provider.post(start.headers["location"], data={"sub": "northmoor-cw-2"})
    back = urlsplit(chosen.headers["location"])
    first = await browser.get(f"{back.path}?{back.query}")
    assert first.status_code == 303
    again = await browser.get(f"{back.path}?{back.query}")
    assert again.status_code == 400
    assert "expired or has already been used" in again.text


async def test_a_state_from_another_browser_is_refused(app: Any) -> None:
    async with http_client(app) as victim, http_client(app) as attacker:
        start = await attacker.get("/t/northmoor/login")
        async with httpx.AsyncClient() as provider:
            chosen = await provider.post(start.headers["location"], data={"sub": "northmoor-cw-1"})
        back = urlsplit(chosen.headers["location"])
        planted = await victim.get(f"{back.path}?{back.query}")
    assert planted.status_code == 400
    assert "different browser" in planted.text


async def test_the_session_id_changes_at_each_sign_in(app: Any) -> None:
    async with http_client(app) as browser:
        first = (await sign_in(browser, "northmoor", "northmoor-cw-1")).cookies["confide_session"]
        second = (await sign_in(browser, "northmoor", "northmoor-cw-1")).cookies["confide_session"]
    assert first != second
    async with http_client(app) as replay:
        stale = await replay.get("/t/northmoor/dashboard", cookies={"confide_session": first})
        assert stale.status_code == 303, "the old session survived a new sign-in"
        fresh = await replay.get("/t/northmoor/dashboard", cookies={"confide_session": second})
        assert fresh.status_code == 200


async def test_suspension_ends_every_session_at_once(app: Any) -> None:
    async with http_client(app) as admin, http_client(app) as laptop, http_client(app) as phone:
        await sign_in(admin, "northmoor", "northmoor-admin")
        await sign_in(laptop, "northmoor", "northmoor-cw-2")
        await sign_in(phone, "northmoor", "northmoor-cw-2")
        assert (await laptop.get("/t/northmoor/dashboard")).status_code == 200
        staff_page = await admin.get("/t/northmoor/admin/staff")
        assert staff_page.status_code == 200
        row = next(
            line
            for line in staff_page.text.split('data-testid="staff-row"')
            if "Tom Hargreaves" in line
        )
        action = row.split('action="')[1].split('"')[0]
        suspended = await admin.post(
            action, data={"status": "suspended", "_csrf_token": csrf_token(staff_page.text)}
        )
        assert suspended.status_code == 303
        for device in (laptop, phone):
            assert (await device.get("/t/northmoor/dashboard")).status_code == 303
        refused = await sign_in(phone, "northmoor", "northmoor-cw-2")
        assert refused.status_code == 400
        assert "suspended" in refused.text
        staff_page = await admin.get("/t/northmoor/admin/staff")
        await admin.post(
            action, data={"status": "active", "_csrf_token": csrf_token(staff_page.text)}
        )
        assert (await sign_in(phone, "northmoor", "northmoor-cw-2")).status_code == 303


async def test_state_changing_forms_need_the_csrf_token(browser: httpx.AsyncClient) -> None:
    await sign_in(browser, "northmoor", "northmoor-cw-1")
    refused = await browser.post("/t/northmoor/logout")
    assert refused.status_code == 403
    assert (await browser.get("/t/northmoor/dashboard")).status_code == 200, "signed out anyway"


async def test_the_admin_role_alone_does_not_open_the_admin_pages_to_others(
    browser: httpx.AsyncClient,
) -> None:
    await sign_in(browser, "northmoor", "northmoor-cw-1")
    assert (await browser.get("/t/northmoor/admin/staff")).status_code == 403
    assert (await browser.get("/t/northmoor/admin/sso")).status_code == 403


async def test_cookies_are_secure_over_https(app: Any) -> None:
    async with http_client(app, "https://testserver") as secure:
        start = await secure.get("/t/northmoor/login")
    assert "Secure" in start.headers["set-cookie"]


async def test_sign_in_attempts_are_rate_limited_per_address(
    browser: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from confide.platform.core.settings import get_settings

    monkeypatch.setattr(get_settings().web, "signin_limit_per_address", 3)
    # beta has no provider configured, so each attempt ends on the sign-in error page.
    answers = [(await browser.get("/t/beta/login")).status_code for _ in range(5)]
    assert answers == [400, 400, 400, 429, 429]


async def _rewrite_session(token: str, **changes: float) -> None:
    """Age a stored session, as time passing would (the store is the real one)."""
    import hashlib
    import json

    from confide.platform.core.stores import store

    sessions = store("sessions")
    key = hashlib.sha256(token.encode()).hexdigest()
    raw = await sessions.get(key)
    assert raw is not None
    await sessions.set(key, json.dumps({**json.loads(raw), **changes}), expires_in=3600)


@pytest.mark.parametrize(
    "aged",
    [
        {"last_seen": time.time() - 31 * 60},  # past the default 30 minutes idle
        {"expires": time.time() - 1},  # past the absolute lifetime
    ],
)
async def test_idle_and_absolute_timeouts_end_the_session(app: Any, aged: dict[str, float]) -> None:
    async with http_client(app) as browser:
        token = (await sign_in(browser, "northmoor", "northmoor-cw-1")).cookies["confide_session"]
        assert (await browser.get("/t/northmoor/dashboard")).status_code == 200
        await _rewrite_session(token, **aged)
        assert (await browser.get("/t/northmoor/dashboard")).status_code == 303


async def test_the_tenants_session_limits_apply_to_new_sessions(
    app: Any, tenants: dict[str, TenantRef]
) -> None:
    import hashlib
    import json

    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.stores import store
    from confide.tenants.policy.services import get_policy, set_session_limits

    async with tenant_transaction(tenants["eastdale"].id):
        before = await get_policy()
        await set_session_limits(idle_minutes=7, absolute_hours=2)
    try:
        async with http_client(app) as browser:
            back = await sign_in(browser, "eastdale", "eastdale-cw-1")
            token = back.cookies["confide_session"]
        key = hashlib.sha256(token.encode()).hexdigest()
        stored = json.loads(await store("sessions").get(key) or b"{}")
        assert stored["idle_seconds"] == 7 * 60
        assert round((stored["expires"] - stored["started"]) / 3600) == 2
    finally:
        async with tenant_transaction(tenants["eastdale"].id):
            await set_session_limits(before.session_idle_minutes, before.session_absolute_hours)


async def test_roles_are_recomputed_at_every_sign_in_and_changes_audited(
    app: Any, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.roles import StaffRole
    from confide.tenants.sso.schemas import SsoSettings
    from confide.tenants.sso.services import get_sso, save_sso

    async def remap(extra: dict[str, tuple[StaffRole, ...]]) -> None:
        async with tenant_transaction(tenants["eastdale"].id):
            sso = await get_sso()
            assert sso is not None
            mapping = {**sso.role_mapping, **extra}
            await save_sso(
                SsoSettings(
                    sso.issuer,
                    sso.client_id,
                    None,
                    sso.scopes,
                    sso.groups_claim,
                    mapping,
                    sso.allowed_email_domains,
                ),
                changed_by=None,
            )

    async with http_client(app) as browser:  # the person exists, as a caseworker
        await sign_in(browser, "eastdale", "eastdale-cw-2")
    await remap({"eastdale-caseworkers": (StaffRole.CASEWORKER, StaffRole.MANAGER)})
    try:
        async with http_client(app) as browser:
            await sign_in(browser, "eastdale", "eastdale-cw-2")
            page = (await browser.get("/t/eastdale/dashboard")).text
            assert "Caseworker, Manager" in page
    finally:
        await remap({"eastdale-caseworkers": (StaffRole.CASEWORKER,)})
    async with http_client(app) as browser:
        await sign_in(browser, "eastdale", "eastdale-cw-2")
        assert "(Caseworker)" in (await browser.get("/t/eastdale/dashboard")).text
    async with owner_conn.transaction():
        await owner_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["eastdale"].id)
        )
        changes = await owner_conn.fetch(
            "SELECT detail::text AS detail FROM audit_entries WHERE action = 'roles_changed'"
        )
    details = [r["detail"] for r in changes]
    assert any('"after": "caseworker.manager"' in d for d in details), details
    assert any('"before": "caseworker.manager"' in d for d in details), details


async def test_an_email_domain_outside_the_allowed_ones_is_refused(
    app: Any, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.sso.schemas import SsoSettings
    from confide.tenants.sso.services import get_sso, save_sso

    async def allow(domains: tuple[str, ...]) -> None:
        async with tenant_transaction(tenants["eastdale"].id):
            sso = await get_sso()
            assert sso is not None
            await save_sso(
                SsoSettings(
                    sso.issuer,
                    sso.client_id,
                    None,
                    sso.scopes,
                    sso.groups_claim,
                    sso.role_mapping,
                    domains,
                ),
                changed_by=None,
            )

    await allow(("eastdale.gov.uk",))  # the demo users' addresses are @eastdale.example
    try:
        async with http_client(app) as browser:
            refused = await sign_in(browser, "eastdale", "eastdale-cw-1")
        assert refused.status_code == 400
        assert "email domain is not allowed" in refused.text
    finally:
        await allow(())
    async with http_client(app) as browser:
        assert (await sign_in(browser, "eastdale", "eastdale-cw-1")).status_code == 303
