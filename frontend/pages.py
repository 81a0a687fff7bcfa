"""The site's root page, and a tenant's start page and dashboard."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.casework import dashboard_context
from confide.frontend.templating import page_context
from confide.platform.core.settings import get_settings
from confide.platform.identity.web import current_staff, provide_staff, signed_in
from confide.tenants.demo import demo_services
from confide.tenants.resolution import tenant_base_path
from confide.tenants.schemas import TenantView


@get("/", name="root", include_in_schema=False)
async def root(request: Request[Any, Any, Any]) -> Template:
    """What this site is. A demo instance links its demo services; a real one lists no
    tenant, so the address alone never tells anyone which services use Confide."""
    demo = await demo_services() if get_settings().web.demo else []
    return Template("root.html", context=page_context(request, demo_services=demo))


class StartController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", name="start")
    async def start(
        self, request: Request[Any, Any, Any], tenant: NamedDependency[TenantView]
    ) -> Template | Redirect:
        """The tenant's start page, showing its service name; staff go on to the dashboard."""
        base = tenant_base_path(request, tenant)
        if current_staff(request) is not None:
            return Redirect(f"{base}/dashboard")
        return Template("start.html", context=page_context(request, sign_in_url=f"{base}/login"))

    @get("/dashboard", name="dashboard", guards=[signed_in])
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
    ) -> Template:
        """Where staff land after signing in: their open cases; managers' break-glass alerts."""
        lists = await dashboard_context(provide_staff(request), page)
        return Template("dashboard.html", context=page_context(request, **lists))
