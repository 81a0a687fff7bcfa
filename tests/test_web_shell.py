"""The staff web shell: tenant start pages, error pages, security headers, health."""

from __future__ import annotations

import re

import httpx

from tests.helpers.html import page_text, parse
from tests.helpers.http import http_client
from tests.helpers.tenants import TenantRef


async def test_each_tenant_start_page_shows_its_own_service_name(
    client: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    for mine, theirs in (("alpha", "beta"), ("beta", "alpha")):
        response = await client.get(f"/t/{mine}/")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert parse(response).one("[data-testid=service-name]").text == tenants[mine].name
        assert tenants[theirs].name not in page_text(response)


async def test_pages_use_our_assets_and_no_crown_or_inline_code(client: httpx.AsyncClient) -> None:
    page = (await client.get("/t/alpha/")).text
    document = parse(page)
    sheets = [link.get("href") or "" for link in document.select("link[rel=stylesheet]")]
    assert any(re.fullmatch(r"/assets/confide\.[0-9a-f]{12}\.css", href) for href in sheets)
    assert not [s for s in document.select("script") if not s.get("src")]  # no inline code
    assert not document.select("style, [style]")
    assert "crown" not in page.lower()
    css = await client.get("/assets/confide.css")
    assert css.status_code == 200
    assert "GDS Transport" not in css.text
    assert "arial" in css.text.lower()


async def test_error_pages_follow_govuk_patterns(client: httpx.AsyncClient) -> None:
    missing = await client.get("/t/alpha/no-such-page")
    assert missing.status_code == 404
    assert parse(missing).one("h1").text == "Page not found"
    api_missing = await client.get("/t/alpha/api/nothing-here")
    assert api_missing.status_code == 404
    assert api_missing.json()["status_code"] == 404


async def test_every_response_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    for path in ("/t/alpha/", "/no/route/at/all", "/assets/confide.css", "/healthz"):
        headers = (await client.get(path)).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers
        assert headers["x-request-id"]


async def test_hsts_only_over_https(pool: None) -> None:
    from confide.platform.app import create_app

    async with http_client(create_app(), "https://testserver") as http:
        response = await http.get("/t/alpha/")
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert {k: body[k] for k in ("status", "database", "broker")} == {
        "status": "ok",
        "database": True,
        "broker": True,
    }
    assert body["pool"]["max"] == 10


async def test_readiness_fails_when_redis_is_unreachable(
    client: httpx.AsyncClient, monkeypatch: object
) -> None:
    from confide.platform.core.settings import get_settings

    settings = get_settings()
    real = settings.redis.redis_url
    settings.redis.redis_url = "redis://127.0.0.1:1/0"
    try:
        ready = await client.get("/readyz")
    finally:
        settings.redis.redis_url = real
    assert ready.status_code == 503
    assert ready.json()["broker"] is False
    assert ready.json()["database"] is True


async def test_openapi_document_is_served(client: httpx.AsyncClient) -> None:
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/t/{tenant_slug}/api/housekeeping/heartbeats" in paths
    for path in (
        "/t/{tenant_slug}/api/cases/{case_id}",
        "/t/{tenant_slug}/api/cases/{case_id}/consents",
        "/t/{tenant_slug}/api/cases/{case_id}/disclosure-checks",
        "/t/{tenant_slug}/api/cases/{case_id}/disclosures/{disclosure_id}/authorisation",
        "/t/{tenant_slug}/api/tell-client-tasks/{task_id}/delay",
    ):
        assert path in paths, path


def test_the_started_app_leaves_its_start_up_objects_out_of_full_collections(
    pool: None,
) -> None:
    """A full garbage collection over everything start-up made cost the case page a 70 ms
    pause in one request of a hundred (``bash bench/run --only case-page``: p99 one at a
    time 74 ms, 6 ms after); the app's start-up freezes those objects (``gc.freeze``)."""
    import gc

    from confide.platform.app import create_litestar, freeze_startup_objects

    assert freeze_startup_objects in create_litestar().on_startup
    gc.unfreeze()
    freeze_startup_objects()
    try:
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
