"""A manager's decision on a request to share beyond consent: authorise it on a legal basis,
or decline it; and the requests awaiting a decision."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.sharing.forms import DecisionForm
from confide.frontend.sharing.presenters import LEGAL_BASES
from confide.frontend.sharing.record import to_record
from confide.frontend.templating import form_page
from confide.platform.consent import disclosures
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager


async def decision_page(
    request: Request[Any, Any, Any],
    case_id: UUID,
    disclosure_id: UUID,
    staff: StaffView,
    form: DecisionForm,
) -> Template:
    disclosure = await disclosures.get_disclosure(
        case_id, disclosure_id, staff, purpose="disclosure_authorise"
    )
    return form_page(
        request,
        "disclosures/authorise.html",
        form,
        disclosure=disclosure,
        labels=LABELS,
        legal_bases=LEGAL_BASES,
    )


class AuthorisePages(Controller):
    path = "/"
    include_in_schema = False
    guards = [manager]

    @get("/disclosures/awaiting", name="disclosures-awaiting")
    async def awaiting(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Requests to share beyond consent, oldest first, for a manager to decide."""
        waiting = await disclosures.awaiting_authorisation(staff, page_request(page))
        return paged_template(request, "disclosures/awaiting.html", waiting, page, labels=LABELS)

    @get(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/authorise",
        name="case-disclosure-authorise",
    )
    async def decision_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await decision_page(request, case_id, disclosure_id, staff, DecisionForm())

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/authorise",
        name="case-disclosure-authorise-post",
    )
    async def authorise(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = DecisionForm.posted(await request.form())
        authorisation = form.authorisation()
        if authorisation is not None:
            await form.save(
                lambda: disclosures.authorise(case_id, disclosure_id, staff, authorisation)
            )
        if form.ok:
            return to_record(request, case_id, disclosure_id)
        return await decision_page(request, case_id, disclosure_id, staff, form)

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/decline",
        name="case-disclosure-decline",
    )
    async def decline(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = DecisionForm.posted(await request.form())
        await form.save(lambda: disclosures.decline(case_id, disclosure_id, staff, form.decline()))
        if form.ok:
            return to_record(request, case_id, disclosure_id)
        return await decision_page(request, case_id, disclosure_id, staff, form)
