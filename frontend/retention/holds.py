"""Legal holds on the pages (rule 14): on a case, a manager places a hold with a reason
and lifts it, and reads the case's holds a page at a time; the list of the cases on hold
now. Each page reads the case (need-to-know, audited) and posts to ``retention.services``;
the API is ``platform/api/retention.py``."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.casework.restricted import restricted_page
from confide.frontend.forms import Form
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import records
from confide.platform.casework.access import CaseRestricted
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager
from confide.platform.retention import services
from confide.platform.retention.schemas import NewHold

#: Holds of one case shown a page at a time (a case rarely has more than a few).
HOLDS_PAGE = 10


class LegalHoldForm(Form):
    order = ("reason",)

    def hold(self) -> NewHold:
        return NewHold(reason=self.text("reason"))


async def _case_page(
    request: Request[Any, Any, Any],
    case_id: UUID,
    staff: StaffView,
    form: LegalHoldForm,
    page: int,
    done: str = "",
) -> Template:
    """The case's hold now (and the lift button) or the form to place one, and its holds
    a page at a time; a restricted case offers break-glass."""
    try:
        case = await records.get_case(case_id, staff, purpose="record")
    except CaseRestricted:
        return await restricted_page(request, case_id)
    current = await services.current_hold(case_id, staff)
    found = await services.list_holds(case_id, staff, page_request(page, HOLDS_PAGE))
    return form_page(
        request, "retention/legal_hold.html", form, case=case, current=current,
        entries=found.items, total=found.total, page=page, pages=found.page_count, done=done,
    )  # fmt: skip


class LegalHoldPages(Controller):
    include_in_schema = False
    guards = [manager]

    @get("/cases/{case_id:uuid}/legal-hold", name="case-legal-hold")
    async def case_holds(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
        done: Annotated[str, QueryParameter(max_length=20)] = "",
    ) -> Template:
        """The case's legal hold: place one, or see and lift the one it has."""
        return await _case_page(request, case_id, staff, LegalHoldForm(), page, done)

    @post("/cases/{case_id:uuid}/legal-hold", name="case-legal-hold-place")
    async def place(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Place the hold (a reason); the form again, naming the field, when it is wrong."""
        form = LegalHoldForm.posted(await request.form())
        await form.save(lambda: services.place_hold(case_id, form.hold(), staff))
        if form.ok:
            return redirect_to(request, "case-legal-hold", case_id=case_id,
                               query={"done": "placed"})  # fmt: skip
        return await _case_page(request, case_id, staff, form, 1)

    @post("/cases/{case_id:uuid}/legal-hold/lift", name="case-legal-hold-lift")
    async def lift(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Redirect:
        """Lift the case's hold: it is erased when next due."""
        await services.lift_hold(case_id, staff)
        return redirect_to(request, "case-legal-hold", case_id=case_id, query={"done": "lifted"})

    @get("/legal-holds", name="legal-holds")
    async def held(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Every case on legal hold now, the longest held first."""
        found = await services.held_cases(staff, page_request(page))
        return paged_template(request, "retention/legal_holds.html", found, page, query="")
