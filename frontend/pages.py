"""Pages of a tenant's staff UI: the start page and the dashboard."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.casework import dashboard_context
from confide.frontend.templating import page_context
from confide.platform.identity.web import current_staff, provide_staff, signed_in
from confide.tenants.resolution import tenant_base_path
from confide.tenants.schemas import TenantView


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
