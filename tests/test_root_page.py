"""The site's root page says what the site is; only a demo instance links its services."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.html import links, page_text
from tests.helpers.tenants import TenantRef


async def test_the_root_page_says_what_the_site_is_and_lists_no_tenant(
    client: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert "Confide is the case work system" in page.text
    assert "contact" not in page.text.lower()
    assert "/t/" not in page.text
    for tenant in tenants.values():
        assert tenant.name not in page.text


async def test_a_demo_instance_links_its_demo_services_only(
    client: httpx.AsyncClient, tenants: dict[str, TenantRef], monkeypatch: pytest.MonkeyPatch
) -> None:
    from confide.platform.core.settings import get_settings

    monkeypatch.setattr(get_settings().web, "demo", True)
    page = await client.get("/")
    assert links(page, 'a[href^="/t/"]') == [
        (tenants["northmoor"].name, "/t/northmoor/"),
        (tenants["eastdale"].name, "/t/eastdale/"),
    ]
    for slug in ("alpha", "beta", "gamma"):
        assert tenants[slug].name not in page_text(page)
