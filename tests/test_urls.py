"""Links are built from route names (frontend/templating.page_url, ``url()`` in templates),
so they follow the tenant's address: /t/<slug>/... or the tenant's own host."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from uuid import uuid4

from litestar import Request

from confide.frontend.templating import page_context, page_url
from confide.platform.core.db import tenant_transaction
from confide.tenants.resolution import VIA_HOST
from tests.helpers.tenants import TenantRef


def _request(app: Any, tenant: Any, *, via_host: bool) -> Request[Any, Any, Any]:
    scope: dict[str, Any] = {
        "type": "http",
        "litestar_app": app,
        "path": "/",
        "headers": [],
        "state": {"confide_tenant": tenant},
    }
    if via_host:
        scope[VIA_HOST] = True
    return Request(scope)  # type: ignore[arg-type]


async def test_a_link_is_the_named_routes_path_on_either_address(
    pool: None, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.app import create_litestar
    from confide.tenants.services import get_active_tenant

    app = create_litestar()
    async with tenant_transaction(tenants["northmoor"].id):
        northmoor = await get_active_tenant("northmoor")
    case_id = uuid4()
    by_path = _request(app, northmoor, via_host=False)
    assert page_url(by_path, "case", case_id=case_id) == f"/t/northmoor/cases/{case_id}"
    by_host = _request(app, northmoor, via_host=True)
    assert page_url(by_host, "case", case_id=case_id) == f"/cases/{case_id}"
    assert page_url(by_host, "dashboard") == "/dashboard"
    # A page's own url() (page_context), which templates call without Jinja's context.
    for request in (by_path, by_host):
        url = page_context(request)["url"]
        assert url("case", case_id=case_id) == page_url(request, "case", case_id=case_id)
        assert url("start") == page_url(request, "start")


def test_every_route_has_a_name(pool: None) -> None:
    """So every link and redirect can be built from one (Litestar's own OPTIONS answers
    and the OpenAPI document's pages aside)."""
    from confide.platform.app import create_litestar

    unnamed = [
        (route.path, sorted(handler.http_methods))
        for route in create_litestar().routes
        for handler in getattr(route, "route_handlers", [])
        if handler.http_methods != {"OPTIONS"}
        and not route.path.startswith("/schema")
        and not handler.name
    ]
    assert unnamed == []


def test_no_template_writes_a_path_by_hand() -> None:
    """Templates link with ``url(...)`` (or ``asset_url``, ``start_url``): never a path
    spelt out or joined onto the tenant's prefix, which breaks on the tenant's own host."""
    templates = Path(__file__).parent.parent / "frontend" / "templates"
    by_hand = re.compile(r'(?:href|action)="/|base_path|/t/\{\{')
    found = [
        f"{path.relative_to(templates)}:{number}"
        for path in sorted(templates.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if by_hand.search(line)
    ]
    assert found == []


def test_a_remembered_path_is_the_one_litestar_builds_for_every_route(pool: None) -> None:
    """``resolution.reverse`` cuts each route's path once and fills it after: for every
    named route and values of the parameters' own types (and a second set, so a value
    kept from the first call would show), the same path as ``route_reverse``."""
    from confide.platform.app import create_litestar
    from confide.tenants.resolution import reverse

    app = create_litestar()
    samples: dict[Any, list[Any]] = {
        str: ["northmoor", "eastdale"],
        int: [3, 41],
        Path: [Path("a.css"), Path("b/c.js")],
    }
    checked = 0
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.name:
                continue
            for turn in range(2):
                params = {
                    p.name: samples.get(p.type, [uuid4(), uuid4()])[turn]
                    for p in route.path_parameters.values()
                }
                assert reverse(app, handler.name, **params) == app.route_reverse(
                    handler.name, **params
                ), handler.name
                checked += 1
    assert checked > 100
