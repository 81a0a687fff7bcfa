"""Retention (rule 14), the tenant admin's page: the dry run (how many cases a sweep would
erase today, by rule, and the list, a page at a time) and the confirmation that lets the
daily sweep run, under the retention settings in force (a change of them asks again)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.templating import redirect_to
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import tenant_admin
from confide.platform.retention import services
from confide.platform.retention.schemas import RetentionRule

RULE_LABELS = {
    RetentionRule.YEARS_AFTER: "Years after the last contact or closure",
    RetentionRule.BIRTHDAY: "The child's birthday",
}


class RetentionPages(Controller):
    path = "/admin/retention"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/", name="admin-retention")
    async def dry_run(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """The dry run and, until confirmed, the button that confirms it."""
        summary = await services.dry_run(staff)
        found = await services.due_cases(staff, page_request(page))
        return paged_template(
            request,
            "admin/retention.html",
            found,
            page,
            summary=summary,
            rules=RULE_LABELS,
            query="",
        )

    @post("/confirm", name="admin-retention-confirm")
    async def confirm(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Redirect:
        """Confirm: from now on the sweep runs on schedule, until the settings change."""
        await services.confirm(staff)
        return redirect_to(request, "admin-retention")
