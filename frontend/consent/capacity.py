"""Whether the young person can decide for themselves, and recording a decision either way."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.casework.restricted import restricted_page
from confide.frontend.consent.forms import CapacityForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import records
from confide.platform.casework.access import CaseRestricted
from confide.platform.consent import capacity
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker


async def capacity_page(
    request: Request[Any, Any, Any], case_id: UUID, staff: StaffView, form: CapacityForm
) -> Template:
    try:
        case = await records.get_case(case_id, staff, purpose="capacity")
    except CaseRestricted:
        return await restricted_page(request, case_id)
    return form_page(
        request,
        "consent/capacity.html",
        form,
        case=case,
        capacity=await capacity.current_capacity(case_id),
        answers=CapacityForm.ANSWERS,
    )


class CapacityPages(Controller):
    path = "/cases/{case_id:uuid}/capacity"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="case-capacity")
    async def capacity_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """Whether the young person can decide for themselves, and a decision to record."""
        return await capacity_page(request, case_id, staff, CapacityForm.blank())

    @post("/", name="case-capacity-save")
    async def record_capacity(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = CapacityForm.posted(await request.form())
        decision = form.decision()
        form.check(decision.validate)
        try:
            await form.save(lambda: capacity.record_capacity(case_id, staff, decision))
        except CaseRestricted:
            return await restricted_page(request, case_id)
        if form.ok:
            return redirect_to(request, "case-consent", case_id=case_id)
        return await capacity_page(request, case_id, staff, form)
