"""Links are built from route names (frontend/templating.page_url, ``url()`` in templates),
so they follow the tenant's address: /t/<slug>/... or the tenant's own host."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from litestar import Request

from confide.frontend.templating import page_url
from confide.platform.core.db import tenant_transaction
from confide.tenants.resolution import VIA_HOST
from conftest import TenantRef


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
