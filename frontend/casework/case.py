"""The case page (an audited read through ``records.get_case``), finding a case by its
reference, closing it, and the form pages that act on one case."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.casework import presenters
from confide.frontend.casework.forms import AssignmentForm, CloseForm
from confide.frontend.casework.restricted import restricted_page
from confide.frontend.forms import Form
from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import access, records
from confide.platform.casework.access import CaseRestricted
from confide.platform.casework.schemas import CaseView
from confide.platform.core.errors import NotFound
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker

REFERENCE_LENGTH = 20


async def case_page(
    request: Request[Any, Any, Any],
    case: CaseView,
    staff: StaffView,
    *,
    done: str = "",
    form: AssignmentForm | None = None,
    kinds: Sequence[str] = (),
    page: int = 1,
) -> Template:
    """The case file; ``form``: the assignment form come back with its problem; the
    timeline's ``kinds`` (all when none) and ``page``."""
    model = await presenters.case_page(case, staff, kinds, page)
    return form_page(request, "cases/case.html", form or AssignmentForm(), done=done, **model)


async def case_form_page(
    request: Request[Any, Any, Any],
    template: str,
    case_id: UUID,
    staff: StaffView,
    form: Form,
    **extra: Any,
) -> Template:
    """A form that acts on the case, under its header and with everyone's safe-contact
    preferences (an audited read); a restricted case offers break-glass instead."""
    try:
        case = await records.get_case(case_id, staff, purpose="record")
    except CaseRestricted:
        return await restricted_page(request, case_id)
    model = {"case": case, "labels": LABELS, **presenters.safe_contact(case), **extra}
    return form_page(request, template, form, **model)


def back_to_case(request: Request[Any, Any, Any], case_id: UUID, done: str) -> Redirect:
    """To the case page, whose banner says what was ``done``."""
    return redirect_to(request, "case", case_id=case_id, query={"done": done})


class CasePages(Controller):
    """Caseworkers and managers; each case further behind need-to-know."""

    path = "/"
    include_in_schema = False
    guards = [case_worker]

    @get("/cases/{case_id:uuid}", name="case")
    async def case(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        done: Annotated[str, QueryParameter()] = "",
        created: Annotated[bool, QueryParameter()] = False,
        kind: Annotated[list[str] | None, QueryParameter(max_items=10)] = None,
        page: PageNumber = 1,
    ) -> Template:
        """The case file (an audited read); a restricted case offers break-glass instead.
        The timeline shows the kinds of event ticked (``?kind=``), a page at a time."""
        try:
            case = await records.get_case(case_id, staff, purpose="view")
        except CaseRestricted:
            return await restricted_page(request, case_id)
        done = "created" if created else done
        return await case_page(request, case, staff, done=done, kinds=kind or [], page=page)

    @get("/cases/by-reference/{reference:str}", name="case-by-reference")
    async def by_reference(
        self, request: Request[Any, Any, Any], reference: FromPath[str]
    ) -> Redirect:
        """From a search hit's reference to the case page (restricted or not, as it is for you)."""
        if len(reference) > REFERENCE_LENGTH:
            raise NotFound()
        return redirect_to(request, "case", case_id=await access.case_id_for(reference))

    @get("/cases/{case_id:uuid}/close", name="case-close-form")
    async def close_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await case_form_page(request, "cases/close.html", case_id, staff, CloseForm())

    @post("/cases/{case_id:uuid}/close", name="case-close")
    async def close(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = CloseForm.posted(await request.form())
        await form.save(lambda: records.close_case(case_id, staff, form.close()))
        if form.ok:
            return back_to_case(request, case_id, "closed")
        return await case_form_page(request, "cases/close.html", case_id, staff, form)
