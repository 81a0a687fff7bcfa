"""The information request register (rule 27): the managers' list, soonest deadline first
with due soon and overdue marked; one request with its clock and the identity step; and
logging a request on a case (a caseworker's goes to the managers' queue)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.casework.case import back_to_case, case_form_page
from confide.frontend.forms import Form
from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.requests import subject_access
from confide.frontend.requests.forms import (
    CASE_KINDS,
    ClarificationForm,
    ClosingForm,
    ExtensionForm,
    IdentityForm,
    LogRequestForm,
)
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework.access import is_manager
from confide.platform.core.clock import service_today
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker, manager
from confide.platform.requests import services
from confide.platform.requests.schemas import Channel, Relation, RequestFilter, RequestView

NEW = "requests/new.html"
ONE = "requests/request.html"


def _choices() -> dict[str, Any]:
    return {
        "kinds": [(k.value, LABELS["request_kind"][k]) for k in CASE_KINDS],  # type: ignore[index]
        "relations": [(r.value, LABELS["relation"][r]) for r in Relation],  # type: ignore[index]
        "channels": [(c.value, LABELS["channel"][c]) for c in Channel],  # type: ignore[index]
    }


class RequestPages(Controller):
    """The register: managers only."""

    path = "/requests"
    include_in_schema = False
    guards = [manager]

    @get("/", name="requests")
    async def register(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        found = await services.list_requests(staff, RequestFilter(), page_request(page))
        return paged_template(request, "requests/list.html", found, page, labels=LABELS, query="")

    async def _page(
        self, request: Request[Any, Any, Any], found: RequestView, form: IdentityForm, **extra: Any
    ) -> Template:
        return form_page(request, ONE, form, entry=found, labels=LABELS, **extra)

    @get("/{request_id:uuid}", name="request")
    async def one(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        done: Annotated[
            str,
            QueryParameter(
                pattern="^(identity|logged|clarification|extension|closed"
                "|agreement|no_capacity|bundle|approved|released)?$"
            ),
        ] = "",
    ) -> Template:
        found = await services.get_request(request_id, staff)
        sar = await subject_access.standing_of(found, staff)
        return await self._page(request, found, IdentityForm(), done=done, sar=sar)

    @post("/{request_id:uuid}/identity", name="request-identity")
    async def identity(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        found = await services.get_request(request_id, staff)
        form = IdentityForm.posted(await request.form())
        data = form.identity(service_today(), found.received_on)
        if data is not None:
            await form.save(lambda: services.confirm_identity(request_id, staff, data))
        if form.ok:
            return redirect_to(
                request, "request", request_id=request_id, query={"done": "identity"}
            )
        return await self._page(request, found, form, done="")

    async def _step(
        self,
        request: Request[Any, Any, Any],
        request_id: UUID,
        staff: StaffView,
        form: Form,
        read: Any,
        act: Any,
        done: str,
    ) -> Template | Redirect:
        """A step's form posted: ``read`` makes the service's input from the form and the
        request (None when anything is wrong), ``act`` records it."""
        found = await services.get_request(request_id, staff)
        data = read(found)
        if data is not None:
            await form.save(lambda: act(request_id, staff, data))
        if form.ok:
            return redirect_to(request, "request", request_id=request_id, query={"done": done})
        return form_page(request, ONE, form, entry=found, labels=LABELS, done="")

    @post("/{request_id:uuid}/clarification", name="request-clarification")
    async def clarification(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ClarificationForm.posted(await request.form())
        today = service_today()
        return await self._step(
            request, request_id, staff, form,
            lambda found: form.clarification(today, found.received_on),
            services.record_clarification, "clarification",
        )  # fmt: skip

    @post("/{request_id:uuid}/extension", name="request-extension")
    async def extension(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ExtensionForm.posted(await request.form())
        return await self._step(
            request, request_id, staff, form,
            lambda found: form.extension(found.kind), services.extend, "extension",
        )  # fmt: skip

    @post("/{request_id:uuid}/close", name="request-close")
    async def close(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ClosingForm.posted(await request.form())
        return await self._step(
            request, request_id, staff, form,
            lambda found: form.closing(), services.close_request, "closed",
        )  # fmt: skip


class CaseRequestPages(Controller):
    """Logging a request about a case the person works on."""

    path = "/cases/{case_id:uuid}/requests"
    include_in_schema = False
    guards = [case_worker]

    @get("/new", name="case-request-new")
    async def log_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await case_form_page(request, NEW, case_id, staff, LogRequestForm(), **_choices())

    @post("/", name="case-request-log", middleware=[idempotent()])
    async def log(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = LogRequestForm.posted(await request.form())
        data = form.request(case_id, service_today())
        logged = None
        if data is not None:
            logged = await form.save(lambda: services.log_request(staff, data))
        if form.ok and logged is not None:
            if is_manager(staff):
                return redirect_to(
                    request, "request", request_id=logged.id, query={"done": "logged"}
                )
            return back_to_case(request, case_id, "request")
        return await case_form_page(request, NEW, case_id, staff, form, **_choices())
