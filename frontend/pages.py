"""The site's root page, and a tenant's start page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from confide.frontend.templating import page_context, page_url
from confide.platform.core.settings import get_settings
from confide.platform.identity.web import current_staff
from confide.tenants.demo import demo_services


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
    async def start(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The tenant's start page, showing its service name; staff go on to the dashboard."""
        if current_staff(request) is not None:
            return Redirect(page_url(request, "dashboard"))
        return Template(
            "start.html", context=page_context(request, sign_in_url=page_url(request, "login"))
        )
