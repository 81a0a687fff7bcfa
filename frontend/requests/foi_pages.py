"""FOI (rule 11): logging an FOI request (a page of its own: it is about no case), the
FOI log (managers, paged) and an FOI request's response, free text with
only statistics releases and policy documents attached. What holds personal data is
refused by the service, with the form again naming the field."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.forms import Form
from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.requests.forms import FoiRequestForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.core.clock import service_today
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager
from confide.platform.requests import foi, services
from confide.platform.requests.foi_schemas import (
    FoiAttachment,
    FoiAttachmentKind,
    FoiResponseIn,
)
from confide.platform.requests.schemas import Channel

RESPOND = "requests/foi_response.html"
NEW = "requests/foi_new.html"


def _channels() -> list[tuple[str, str]]:
    return [(c.value, LABELS["channel"][c]) for c in Channel]  # type: ignore[index]


class FoiResponseForm(Form):
    """The response's text and its attachments (``kind:ref`` checkboxes)."""

    order: ClassVar[tuple[str, ...]] = ("text", "attachments")
    lists: ClassVar[tuple[str, ...]] = ("attachments",)
    page_wide: ClassVar[tuple[str, ...]] = ("request",)

    def response(self) -> FoiResponseIn | None:
        if not self.text("text"):
            self.fail("text", "Enter the response")
        attached = []
        for value in self.getall("attachments"):
            kind, _, ref = value.partition(":")
            attached.append(FoiAttachment(kind=kind, ref=ref))
        return FoiResponseIn(text=self.text("text"), attachments=attached) if self.ok else None


async def _choices(staff: StaffView) -> list[tuple[str, str]]:
    """What may be attached: the service's kept statistics releases, the policy document."""
    offered = [
        (f"{FoiAttachmentKind.STATISTICS_RELEASE.value}:{release_id}", f"Statistics: {label}")
        for release_id, label in (await foi.releases_to_attach(staff)).items()
    ]
    version = await foi.policy_version()
    if version:
        offered.append(
            (
                f"{FoiAttachmentKind.POLICY_DOCUMENT.value}:{version}",
                f"Confidentiality policy, version {version}",
            )
        )
    return offered


class FoiPages(Controller):
    """Managers only."""

    path = "/requests"
    include_in_schema = False
    guards = [manager]

    @get("/foi", name="foi-log")
    async def log(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        found = await foi.foi_log(staff, page_request(page))
        return paged_template(
            request, "requests/foi_log.html", found, page, labels=LABELS, query=""
        )

    async def _page(
        self, request: Request[Any, Any, Any], request_id: UUID, staff: StaffView, form: Form
    ) -> Template:
        entry = await services.get_request(request_id, staff)
        return form_page(
            request,
            RESPOND,
            form,
            entry=entry,
            labels=LABELS,
            choices=await _choices(staff),
            response=await foi.response_of(request_id, staff),
        )

    @get("/foi/new", name="foi-new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        """The form to log an FOI request (the API's ``POST /api/requests``, kind ``foi``)."""
        return form_page(request, NEW, FoiRequestForm(), channels=_channels())

    @post("/foi/new", name="foi-log-request", middleware=[idempotent()])
    async def log_request(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Template | Redirect:
        form = FoiRequestForm.posted(await request.form())
        data = form.request(service_today())
        logged = None
        if data is not None:
            logged = await form.save(lambda: services.log_request(staff, data))
        if form.ok and logged is not None:
            return redirect_to(request, "request", request_id=logged.id, query={"done": "logged"})
        return form_page(request, NEW, form, channels=_channels())

    @get("/{request_id:uuid}/foi-response", name="foi-response")
    async def form(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await self._page(request, request_id, staff, FoiResponseForm())

    @post("/{request_id:uuid}/foi-response", name="foi-respond")
    async def respond(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = FoiResponseForm.posted(await request.form())
        data = form.response()
        if data is not None:
            await form.save(lambda: foi.respond(request_id, staff, data))
        if form.ok:
            return redirect_to(request, "foi-response", request_id=request_id)
        return await self._page(request, request_id, staff, form)
