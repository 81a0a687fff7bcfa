"""The tenant's enquiry topics and its names for support levels 1-4."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.admin.forms import CaseListsForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import tenant_admin
from confide.tenants.policy.services import get_policy, set_case_lists

TEMPLATE = "admin/case_lists.html"


class CaseListsPages(Controller):
    path = "/admin/case-lists"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/", name="admin-case-lists")
    async def case_lists_form(
        self, request: Request[Any, Any, Any], saved: Annotated[bool, QueryParameter()] = False
    ) -> Template:
        """The enquiry topics (one a line) and the names of support levels 1-4."""
        form = CaseListsForm.of(await get_policy())
        return form_page(request, TEMPLATE, form, saved=saved)

    @post("/", name="admin-case-lists-save")
    async def case_lists_save(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Template | Redirect:
        """Save both lists; on any problem the form comes back as typed, with the errors."""
        form = CaseListsForm.posted(await request.form())
        await form.save(
            lambda: set_case_lists(form.topics(), form.support_levels(), changed_by=staff.id)
        )
        if form.ok:
            return redirect_to(request, "admin-case-lists", query={"saved": "true"})
        return form_page(request, TEMPLATE, form, saved=False)
