"""Pages of a tenant's staff UI."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from confide.frontend.templating import page_context
from confide.tenants.schemas import TenantView


class StartController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", name="start")
    async def start(self, tenant: NamedDependency[TenantView]) -> Template:
        """The tenant's start page, showing its service name."""
        return Template(
            "start.html",
            context=page_context(tenant, sign_in_url=f"/t/{tenant.slug}/login"),
        )
