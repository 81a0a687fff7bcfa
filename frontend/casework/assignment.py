"""Assigning and unassigning caseworkers (managers); the history is kept."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.casework.case import back_to_case, case_page
from confide.frontend.casework.forms import AssignmentForm
from confide.platform.casework import records
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager


class AssignmentPages(Controller):
    path = "/"
    include_in_schema = False
    guards = [manager]

    @post("/cases/{case_id:uuid}/assignments", name="case-assign")
    async def change_assignment(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Assign or unassign a caseworker; a problem shows on the case page's form."""
        form = AssignmentForm.posted(await request.form())
        staff_id = form.staff_id()
        if staff_id is not None:
            await form.save(
                lambda: records.change_assignment(case_id, staff, staff_id, assigned=form.assigned)
            )
        if form.ok:
            return back_to_case(request, case_id, "assigned" if form.assigned else "unassigned")
        case = await records.get_case(case_id, staff, purpose="view")
        return await case_page(request, case, staff, form=form)
