"""Recording consent again: the answer becomes the next version (never an edit)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.casework.case import back_to_case
from confide.frontend.casework.restricted import restricted_page
from confide.frontend.consent.forms import ConsentForm
from confide.frontend.labels import LABELS
from confide.frontend.templating import form_page
from confide.platform.casework import records
from confide.platform.casework.access import CaseRestricted
from confide.platform.consent import capacity, consents
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.tenants.policy.services import get_policy


async def consent_page(
    request: Request[Any, Any, Any], case_id: UUID, staff: StaffView, form: ConsentForm
) -> Template:
    """The consent questions with the current answer and capacity (an audited read)."""
    try:
        case = await records.get_case(case_id, staff, purpose="record")
    except CaseRestricted:
        return await restricted_page(request, case_id)
    return form_page(
        request,
        "consent/new.html",
        form,
        case=case,
        current=None if case.anonymous else await consents.current_consent(case_id),
        capacity=await capacity.current_capacity(case_id),
        roles=(await get_policy()).professional_roles,
        labels=LABELS,
    )


class ConsentPages(Controller):
    path = "/cases/{case_id:uuid}/consent/new"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="case-consent-new")
    async def new_consent(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """The consent questions again: the answer becomes the next version."""
        return await consent_page(request, case_id, staff, ConsentForm.blank())

    @post("/", name="case-consent-add", middleware=[idempotent()])
    async def add_consent(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Checked as a whole first (the service also checks who may answer for the young
        person), then recorded."""
        form = ConsentForm.posted(await request.form())
        consent = form.consent()
        roles = (await get_policy()).professional_roles
        form.check(lambda: consent.validate(roles))
        try:
            await form.save(lambda: consents.record_consent(case_id, staff, consent))
        except CaseRestricted:
            return await restricted_page(request, case_id)
        if form.ok:
            return back_to_case(request, case_id, "consent")
        return await consent_page(request, case_id, staff, form)
