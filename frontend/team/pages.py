"""The manager's team view (managers only): each caseworker's caseload, cases nobody is
assigned to, one caseworker's open cases, and moving ticked cases to a caseworker
(without JavaScript: a checkbox list and a button; every case moved is audited)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.paging import PageNumber, page_request
from confide.frontend.team.forms import ReassignForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import allocation
from confide.platform.core.pagination import MAX_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.staff import StaffNotFound, get_staff
from confide.platform.identity.web import manager
from confide.platform.team import services as team

CASES = "team/cases.html"
Moved = Annotated[int, QueryParameter(ge=0, le=MAX_PAGE_SIZE)]


async def _caseworkers(staff: StaffView) -> list[Any]:
    """Whom cases can go to: everyone active who works cases (the first hundred by name)."""
    return (await team.caseloads(staff, PageRequest(limit=MAX_PAGE_SIZE))).items


async def cases_page(
    request: Request[Any, Any, Any],
    staff: StaffView,
    form: ReassignForm,
    page: int,
    *,
    holder: StaffView | None = None,
    moved: int = 0,
) -> Template:
    """Unassigned cases, or (``holder``) one caseworker's open cases, with the form."""
    if holder is None:
        listed: Any = await team.unassigned_cases(staff, page_request(page))
    else:
        listed = await allocation.open_cases_of(holder.id, staff, page_request(page))
    return form_page(
        request,
        CASES,
        form,
        entries=listed.items,
        total=listed.total,
        page=page,
        pages=listed.page_count,
        holder=holder,
        caseworkers=[
            c for c in await _caseworkers(staff) if holder is None or c.staff_id != holder.id
        ],
        moved=moved,
    )


class TeamPages(Controller):
    path = "/team"
    include_in_schema = False
    guards = [manager]

    @get("/", name="team")
    async def caseloads(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Each caseworker's open cases and overdue tasks; how many cases wait unassigned."""
        listed = await team.caseloads(staff, page_request(page))
        waiting = await team.unassigned_cases(staff, PageRequest(limit=1))
        return form_page(
            request,
            "team/caseloads.html",
            ReassignForm(),
            entries=listed.items,
            total=listed.total,
            page=page,
            pages=listed.page_count,
            unassigned=waiting.total,
        )

    @get("/unassigned", name="team-unassigned")
    async def unassigned(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
        moved: Moved = 0,
    ) -> Template:
        return await cases_page(request, staff, ReassignForm(), page, moved=moved)

    @get("/staff/{staff_id:uuid}", name="team-staff")
    async def staff_cases(
        self,
        request: Request[Any, Any, Any],
        staff_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
        moved: Moved = 0,
    ) -> Template:
        holder = await get_staff(staff_id)
        if holder is None:
            raise StaffNotFound()
        return await cases_page(request, staff, ReassignForm(), page, holder=holder, moved=moved)

    @post("/reassign", name="team-reassign")
    async def reassign(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Template | Redirect:
        """Move the ticked cases; a problem shows the same list again, naming the field."""
        form = ReassignForm.posted(await request.form())
        data = form.reassignment()
        done = None
        if data is not None:
            done = await form.save(lambda: allocation.reassign(data, staff))
        holder = None
        source = form.from_staff()
        if source is not None:
            holder = await get_staff(source)
        if done is not None:
            query = {"moved": str(len(done.case_ids))}
            if holder is not None:
                return redirect_to(request, "team-staff", staff_id=holder.id, query=query)
            return redirect_to(request, "team-unassigned", query=query)
        return await cases_page(request, staff, form, 1, holder=holder)
