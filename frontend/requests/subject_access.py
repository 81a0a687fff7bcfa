"""A subject access request's own steps on its page (rule 30): the route by age and
capacity and what it waits for, as a GOV.UK task list; the young person's agreement, a
manager's judgement that they lack capacity, and building the bundle. Each form posts,
then goes back to the request (or shows it again with its problems)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.forms import Form
from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber
from confide.frontend.templating import form_page, redirect_to
from confide.platform.core.clock import service_today
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager
from confide.platform.requests import services as requests
from confide.platform.requests import subject_access as services
from confide.platform.requests.redaction import ItemKind
from confide.platform.requests.schemas import RequestKind, RequestView
from confide.platform.requests.subject_access_schemas import (
    Agreement,
    LacksCapacity,
    NewMark,
    Release,
    ReleaseMethod,
    ReviewView,
    SubjectAccessView,
)

ONE = "requests/request.html"
REVIEW = "requests/review.html"


async def standing_of(found: RequestView, staff: StaffView) -> SubjectAccessView | None:
    """The subject access section's view for the request page (None for other kinds)."""
    if found.kind is not RequestKind.SUBJECT_ACCESS or found.case_id is None:
        return None
    return await services.subject_access(found.id, staff)


class AgreementForm(Form):
    order = ("agreed_on", "agreement_evidence")
    dates = ("agreed_on",)

    def agreement(self, today: date) -> Agreement | None:
        agreed = self.date(
            "agreed_on", "The date they agreed", required="Enter the date they agreed"
        )
        if not self.text("agreement_evidence"):
            self.fail("agreement_evidence", "Enter what shows they agreed")
        if agreed is None or not self.ok:
            return None
        data = Agreement(agreed_on=agreed, evidence=self.text("agreement_evidence"))
        self.check(lambda: data.validate(today))
        return data if self.ok else None

    def field_of(self, key: str) -> str:
        return "agreement_evidence" if key == "evidence" else key


class LacksCapacityForm(Form):
    order = ("judged_on", "capacity_note")
    dates = ("judged_on",)

    def judgement(self, today: date) -> LacksCapacity | None:
        judged = self.date(
            "judged_on", "The date it was judged", required="Enter the date it was judged"
        )
        if not self.text("capacity_note"):
            self.fail("capacity_note", "Enter how it was judged")
        if judged is None or not self.ok:
            return None
        data = LacksCapacity(judged_on=judged, note=self.text("capacity_note"))
        self.check(lambda: data.validate(today))
        return data if self.ok else None

    def field_of(self, key: str) -> str:
        return "capacity_note" if key == "note" else key


class BundleForm(Form):
    order = ("bundle",)


class SubjectAccessPages(Controller):
    path = "/requests/{request_id:uuid}/subject-access"
    include_in_schema = False
    guards = [manager]

    async def _after(
        self,
        request: Request[Any, Any, Any],
        request_id: UUID,
        staff: StaffView,
        form: Form,
        act: Any,
        done: str,
    ) -> Template | Redirect:
        found = await requests.get_request(request_id, staff)
        sar = await standing_of(found, staff)
        if sar is None:
            raise requests.RequestNotFound()
        await form.save(act)
        if form.ok:
            return redirect_to(request, "request", request_id=request_id, query={"done": done})
        return form_page(request, ONE, form, entry=found, labels=LABELS, done="", sar=sar)

    @post("/agreement", name="subject-access-agreement")
    async def agreement(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = AgreementForm.posted(await request.form())
        data = form.agreement(service_today())

        async def act() -> Any:
            assert data is not None
            return await services.record_agreement(request_id, staff, data)

        return await self._after(request, request_id, staff, form, act, "agreement")

    @post("/no-capacity", name="subject-access-no-capacity")
    async def no_capacity(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = LacksCapacityForm.posted(await request.form())
        data = form.judgement(service_today())

        async def act() -> Any:
            assert data is not None
            return await services.record_lacks_capacity(request_id, staff, data)

        return await self._after(request, request_id, staff, form, act, "no_capacity")

    @post("/bundle", name="subject-access-bundle")
    async def bundle(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = BundleForm.posted(await request.form())
        return await self._after(
            request, request_id, staff, form,
            lambda: services.build_bundle(request_id, staff), "bundle",
        )  # fmt: skip

    @post("/review", name="subject-access-start-review")
    async def start_review(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = BundleForm.posted(await request.form())
        found = await requests.get_request(request_id, staff)
        await form.save(lambda: services.start_review(request_id, staff))
        if form.ok:
            return redirect_to(request, "subject-access-review", request_id=request_id)
        sar = await standing_of(found, staff)
        return form_page(request, ONE, form, entry=found, labels=LABELS, done="", sar=sar)

    async def _review_page(
        self,
        request: Request[Any, Any, Any],
        request_id: UUID,
        staff: StaffView,
        form: Form,
        page: int | None = None,
    ) -> Template:
        """The review, its items a page at a time (``REVIEW_PAGE_SIZE``; a page past the last
        shows the last); the marks standing all at once, each with its text."""
        found = await requests.get_request(request_id, staff)
        review = await services.review(request_id, staff)
        shown = services.review_page(review, page or _page_of(form))
        return form_page(
            request, REVIEW, form, entry=found, review=review, texts=_texts(review),
            entries=shown.items, total=shown.total, page=shown.page, pages=shown.pages,
        )  # fmt: skip

    @get("/review", name="subject-access-review")
    async def review(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        return await self._review_page(request, request_id, staff, MarkForm(), page)

    @post("/redactions", name="subject-access-mark")
    async def mark(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = MarkForm.posted(await request.form())
        kind = form.choice(ItemKind, "kind", "Choose what to redact")
        item = form.text("item")
        if kind is not None and form.ok:
            review = await services.review(request_id, staff)
            marks = _marks_of(form, review, kind, item)
            for data in marks:
                await form.save(partial(services.mark, request_id, staff, data))
        if form.ok:
            return redirect_to(
                request, "subject-access-review", request_id=request_id,
                query={"page": str(_page_of(form))},
            )  # fmt: skip
        return await self._review_page(request, request_id, staff, form)

    @post("/redactions/{mark_id:uuid}/remove", name="subject-access-unmark")
    async def unmark(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        mark_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = MarkForm.posted(await request.form())
        await form.save(lambda: services.unmark(request_id, staff, mark_id))
        if form.ok:
            return redirect_to(
                request, "subject-access-review", request_id=request_id,
                query={"page": str(_page_of(form))},
            )  # fmt: skip
        return await self._review_page(request, request_id, staff, form)

    @post("/approve", name="subject-access-approve")
    async def approve(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = MarkForm.posted(await request.form())
        await form.save(lambda: services.approve(request_id, staff))
        if form.ok:
            return redirect_to(
                request, "request", request_id=request_id, query={"done": "approved"}
            )
        return await self._review_page(request, request_id, staff, form)

    @post("/approve/rebuild", name="subject-access-rebuild")
    async def rebuild(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """An approved release's redacted bundle asked for again after its build failed."""
        form = BundleForm.posted(await request.form())
        return await self._after(
            request, request_id, staff, form,
            lambda: services.rebuild_release(request_id, staff), "approved",
        )  # fmt: skip

    @post("/release", name="subject-access-release")
    async def release(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ReleaseForm.posted(await request.form())
        method = form.choice(ReleaseMethod, "method", "Choose how it was released")

        async def act() -> Any:
            assert method is not None
            return await services.release(request_id, staff, Release(method=method))

        return await self._after(request, request_id, staff, form, act, "released")

    @get("/original", name="subject-access-original")
    async def original(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> Response[bytes]:
        return _zip(*await services.download(request_id, staff, "original"))

    @get("/released", name="subject-access-released")
    async def released(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> Response[bytes]:
        return _zip(*await services.download(request_id, staff, "released"))


class MarkForm(Form):
    order = ("kind", "item", "phrase", "mark", "approve")


def _page_of(form: Form) -> int:
    """The review's page a form was posted from (its hidden ``page``), 1 when it is not a
    page number the lists take."""
    value = form.values.get("page", "")
    number = int(value) if value.isascii() and value.isdigit() and len(value) <= 5 else 1
    return number if 1 <= number <= 10_000 else 1


class ReleaseForm(Form):
    order = ("method",)


def _texts(review: ReviewView) -> dict[str, str]:
    return {f"{i.kind.value}:{i.item}": i.text for i in review.items}


def _marks_of(form: Form, review: ReviewView, kind: ItemKind, item: str) -> list[NewMark]:
    """The marks a posted form asks for: the whole item, or (a note's ``phrase``) each
    place the text is found in the note."""
    if kind is not ItemKind.NOTE or "phrase" not in form.values:
        return [NewMark(kind=kind, item=item)]
    phrase = form.values["phrase"]
    text = _texts(review).get(f"{kind.value}:{item}")
    if text is None:
        form.fail("item", "Choose something the bundle holds")
        return []
    if not phrase:
        form.fail("phrase", "Enter the text to redact")
        return []
    found, start = [], text.find(phrase)
    while start >= 0:
        found.append(NewMark(kind=kind, item=item, start=start, end=start + len(phrase)))
        start = text.find(phrase, start + len(phrase))
    if not found:
        form.fail("phrase", "The note does not hold that text")
    return found


def _zip(name: str, content: bytes) -> Response[bytes]:
    """Served as a download, never kept by the browser, its type never guessed."""
    return Response(
        content,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
