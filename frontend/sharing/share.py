"""The share journey: the form (nothing ticked for you), the consent check explained on its
own page, then *Record that it may be shared*, *Ask a manager to authorise*, or for a
manager a legal basis (rules 6 and 7). The service decides and audits every
outcome, refusals included; these pages only show them."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_409_CONFLICT

from confide.frontend.labels import LABELS
from confide.frontend.sharing import presenters
from confide.frontend.sharing.forms import CHECK, ShareForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import records
from confide.platform.casework.access import is_manager
from confide.platform.casework.schemas import CaseView
from confide.platform.consent import disclosures
from confide.platform.consent.consents import current_consent
from confide.platform.consent.disclosures import DisclosureRefused, recipient_roles
from confide.platform.consent.schemas import DisclosureCheck, NewDisclosure
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.documents import services as documents
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.platform.schools import directory
from confide.platform.schools.schemas import SchoolFilter, SchoolView
from confide.tenants.policy.services import get_policy

PURPOSE = "disclosure_check"
SENCO_CHOICES = 10  # schools found for the SENCO search: refine the search past them


async def share_page(
    request: Request[Any, Any, Any],
    case_id: UUID,
    staff: StaffView,
    form: ShareForm,
    case: CaseView | None = None,
    *,
    senco_q: str = "",
    sencos: Page[SchoolView] | None = None,
) -> Template:
    """The share form. ``case``: when the caller has already read it (one audited read a
    page); the consent is shown only after that need-to-know read."""
    if case is None:
        case = await records.get_case(case_id, staff, purpose=PURPOSE)
    return form_page(
        request,
        "disclosures/share.html",
        form,
        case=case,
        consent=await current_consent(case_id),
        roles=recipient_roles(await get_policy()),
        groups=presenters.item_choices(case, await documents.of_opened_case(case)),
        labels=LABELS,
        senco_q=senco_q,
        sencos=sencos,
    )


async def check_page(
    request: Request[Any, Any, Any],
    case_id: UUID,
    staff: StaffView,
    form: ShareForm,
    data: NewDisclosure,
    result: DisclosureCheck | None = None,
) -> Template:
    """The check's result with what was chosen (409 when it refused a share). ``result``
    None: the check runs here, on the one audited read of the case the page needs anyway."""
    case = await records.get_case(case_id, staff, purpose=PURPOSE)
    refused = result is not None
    if result is None:
        try:  # also when only the legal basis has problems: the page explains the check
            result = await disclosures.check_case(case, staff, data.recipient_role, data.items)
        except Invalid as invalid:
            form.absorb(invalid)
            return await share_page(request, case_id, staff, form, case)
    return form_page(
        request,
        "disclosures/check.html",
        form,
        status_code=HTTP_409_CONFLICT if refused else None,
        case=case,
        result=result,
        hidden=form.carried(),
        chosen=presenters.chosen(case, form.getall("items"), await documents.of_opened_case(case)),
        is_manager=is_manager(staff),
        legal_bases=presenters.LEGAL_BASES,
    )


class SharePages(Controller):
    path = "/cases/{case_id:uuid}/share"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="case-share")
    async def share_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        senco: Annotated[UUID | None, QueryParameter()] = None,
        senco_q: Annotated[str, QueryParameter(max_length=100)] = "",
    ) -> Template:
        """What to share, with whom and why: nothing is chosen for you. ``senco_q`` finds a
        school in the directory; ``senco`` addresses the form to that school's SENCO."""
        form = ShareForm()
        if senco is not None:
            school = await directory.get_school(senco)
            form = ShareForm.for_senco(school, recipient_roles(await get_policy()))
        found = None
        if senco_q.strip():
            found = await directory.list_schools(
                SchoolFilter(text=senco_q), PageRequest(limit=SENCO_CHOICES)
            )
        return await share_page(request, case_id, staff, form, senco_q=senco_q, sencos=found)

    @post("/", name="case-share-post", middleware=[idempotent()])
    async def share(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """``check`` explains the consent check; ``share`` records it; ``ask`` asks a manager."""
        form = ShareForm.posted(await request.form())
        data = form.disclosure()
        roles = recipient_roles(await get_policy())
        if form.ok:
            form.check(lambda: data.validate(roles))
        if form.action == CHECK and form.ok:
            return await check_page(request, case_id, staff, form, data)
        try:
            made = await form.save(lambda: disclosures.share(case_id, staff, data))
        except DisclosureRefused as refused:
            return await check_page(request, case_id, staff, form, data, refused.check)
        if made is not None:
            return redirect_to(request, "case-disclosure", case_id=case_id, disclosure_id=made.id)
        if form.only_legal_problems:
            return await check_page(request, case_id, staff, form, data)
        return await share_page(request, case_id, staff, form)
