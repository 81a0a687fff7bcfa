"""The disclosure log and the printable record: exactly what was (or is to be) shared, as it
was then; a share allowed or authorised but not sent has the forms to record it sent (now
it is shared) or not sent (why)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_409_CONFLICT

from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.sharing.forms import RecordForm
from confide.frontend.sharing.presenters import SEND_METHODS
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework.access import is_manager
from confide.platform.consent import disclosures
from confide.platform.consent.disclosures import DisclosureRefused
from confide.platform.consent.schemas import DisclosureCheck
from confide.platform.documents.web import download_response
from confide.platform.exports import package
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker


async def record_page(
    request: Request[Any, Any, Any],
    case_id: UUID,
    disclosure_id: UUID,
    staff: StaffView,
    form: RecordForm | None = None,
    *,
    refused: DisclosureCheck | None = None,
) -> Template:
    """The record; ``refused``: sending it was refused by the check run again (409)."""
    disclosure = await disclosures.get_disclosure(case_id, disclosure_id, staff)
    if form is None:
        form = RecordForm.blank() if disclosure.status in disclosures.DECIDED else RecordForm()
    return form_page(
        request,
        "disclosures/record.html",
        form,
        status_code=HTTP_409_CONFLICT if refused else None,
        disclosure=disclosure,
        is_manager=is_manager(staff),
        refused=refused,
        methods=SEND_METHODS,
        labels=LABELS,
    )


def to_record(request: Request[Any, Any, Any], case_id: UUID, disclosure_id: UUID) -> Redirect:
    return redirect_to(request, "case-disclosure", case_id=case_id, disclosure_id=disclosure_id)


class DisclosureRecordPages(Controller):
    path = "/cases/{case_id:uuid}/disclosures"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="case-disclosures")
    async def disclosure_log(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """What went to whom, when and on what basis, newest first."""
        log = await disclosures.disclosure_log(case_id, staff, page_request(page))
        return paged_template(
            request, "disclosures/log.html", log, page, case_id=case_id, labels=LABELS
        )

    @get("/{disclosure_id:uuid}/package", name="case-disclosure-package")
    async def disclosure_package(
        self,
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Response[bytes]:
        """The package as a ZIP (the printable record and the files shared; audited)."""
        name, made = await package.disclosure_package(case_id, disclosure_id, staff)
        return download_response(name, package.MEDIA_TYPE, made)

    @get("/{disclosure_id:uuid}", name="case-disclosure")
    async def disclosure_record(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """The printable record, with the forms to record it sent, or not, while it is not."""
        return await record_page(request, case_id, disclosure_id, staff)

    @post("/{disclosure_id:uuid}/sent", name="case-disclosure-sent")
    async def sent(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """The person who sent it records when, how and to whom exactly: now it is shared."""
        form = RecordForm.posted(await request.form())
        sent = form.sent()
        try:
            if sent is not None:
                await form.save(lambda: disclosures.send(case_id, disclosure_id, staff, sent))
        except DisclosureRefused as refused:
            return await record_page(
                request, case_id, disclosure_id, staff, form, refused=refused.check
            )
        if form.ok:
            return to_record(request, case_id, disclosure_id)
        return await record_page(request, case_id, disclosure_id, staff, form)

    @post("/{disclosure_id:uuid}/cancel", name="case-disclosure-cancel")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """It will not be sent: the reason is kept, and it leaves the unsent list."""
        form = RecordForm.posted(await request.form())
        await form.save(lambda: disclosures.cancel(case_id, disclosure_id, staff, form.cancel()))
        if form.ok:
            return to_record(request, case_id, disclosure_id)
        return await record_page(request, case_id, disclosure_id, staff, form)
