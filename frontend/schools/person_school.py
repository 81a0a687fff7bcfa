"""A person's school or setting chosen from the directory (issue 14): the case's person,
their school now, a search of the directory, and the choice (or none). The free-text
school on the person stays for a setting not listed; editing it is the person's edit
page's (caselife)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.casework import presenters
from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber
from confide.frontend.schools.forms import SchoolChoiceForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import records, school_choice
from confide.platform.core.pagination import PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.platform.schools import directory
from confide.platform.schools.schemas import SchoolFilter

TEMPLATE = "schools/person_school.html"
CHOICES = 10
Text = Annotated[str, QueryParameter(max_length=100)]


async def choice_page(
    request: Request[Any, Any, Any],
    case_id: UUID,
    person_id: UUID,
    staff: StaffView,
    form: SchoolChoiceForm,
    q: str = "",
    page: int = 1,
) -> Template:
    case = await records.get_case(case_id, staff, purpose="person_school")
    now = await school_choice.school_on(case, person_id)
    found = await directory.list_schools(
        SchoolFilter(text=q), PageRequest(limit=CHOICES, offset=(page - 1) * CHOICES)
    )
    return form_page(
        request,
        TEMPLATE,
        form,
        case=case,
        labels=LABELS,
        **presenters.safe_contact(case),
        person_id=person_id,
        current=now.school,
        entries=found.items,
        total=found.total,
        page=page,
        pages=found.page_count,
        q=q,
    )


class PersonSchoolPages(Controller):
    path = "/cases/{case_id:uuid}/people/{person_id:uuid}/school"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="person-school")
    async def choose(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        person_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        q: Text = "",
        page: PageNumber = 1,
    ) -> Template:
        return await choice_page(request, case_id, person_id, staff, SchoolChoiceForm(), q, page)

    @post("/", name="person-school-post")
    async def save(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        person_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = SchoolChoiceForm.posted(await request.form())
        choice = form.choice_of()
        if choice is not None:
            await form.save(lambda: school_choice.choose_school(case_id, person_id, choice, staff))
        if form.ok:
            return redirect_to(request, "case", case_id=case_id, query={"done": "school"})
        return await choice_page(request, case_id, person_id, staff, form, form.text("q"))
