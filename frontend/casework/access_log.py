"""Who opened a case and on what grounds, and the service's break-glass log (managers)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.platform.casework import access
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager


class AccessLogPages(Controller):
    path = "/"
    include_in_schema = False
    guards = [manager]

    @get("/cases/{case_id:uuid}/access-history", name="case-access-history")
    async def access_history(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Who opened the case, when, on what grounds (reading it is audited too)."""
        history = await access.access_history(case_id, staff, page_request(page))
        return paged_template(
            request, "cases/access_history.html", history, page, case_id=case_id, labels=LABELS
        )

    @get("/break-glass", name="break-glass-log")
    async def break_glass_log(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """The service's whole break-glass log, a page at a time."""
        log = await access.break_glass_alerts(staff, page_request(page))
        return paged_template(request, "cases/break_glass_log.html", log, page)
