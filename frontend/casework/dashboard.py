"""Where staff land after signing in: their lists (``presenters.dashboard``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from confide.frontend.casework import presenters
from confide.frontend.paging import PageNumber
from confide.frontend.templating import page_context
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import signed_in
from confide.platform.requests.services import due_count as requests_due
from confide.tenants.policy.document import current_review_status
from confide.tenants.resolution import request_tenant
from confide.tenants.roles import StaffRole


class DashboardPage(Controller):
    path = "/"
    include_in_schema = False
    guards = [signed_in]

    @get("/dashboard", name="dashboard")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Their open cases and what is waiting for them; managers' alerts and requests."""
        lists = await presenters.dashboard(staff, page)
        tenant = request_tenant(request)
        # Rule 13: managers see when the confidentiality policy's review is overdue.
        review = (
            await current_review_status(tenant)
            if tenant is not None and staff.has(StaffRole.MANAGER)
            else None
        )
        # Rule 27: managers see how many information requests are due within the week.
        due_requests = await requests_due(staff) if staff.has(StaffRole.MANAGER) else None
        return Template(
            "dashboard.html",
            context=page_context(request, policy_review=review, requests_due=due_requests, **lists),
        )
