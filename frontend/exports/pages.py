"""Exports (issue 16, rule 29): the case bundle asked for from the case page, the list of
one's exports with their progress, one export's page (a link refreshes it: no JavaScript
needed), and the download, only for whoever asked and the managers, audited."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.casework.case import case_form_page
from confide.frontend.forms import Form
from confide.frontend.labels import EXPORT_STATUS_LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.templating import form_page, redirect_to
from confide.platform.exports import services as exports
from confide.platform.exports.schemas import (
    FAILURE_TEXT,
    MEDIA_TYPE,
    BundleView,
    ExportFailure,
    ExportStatus,
    NewCaseBundle,
)
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import BACKGROUND_POLL, case_worker

NEW = "exports/new.html"
VIEWS = [
    (BundleView.FULL.value, "The full case file"),
    (
        BundleView.PARENT.value,
        "The parent's view: without what the young person told us in confidence",
    ),
]
STATUS_TEXT = EXPORT_STATUS_LABELS


class BundleForm(Form):
    order = ("view", "include_documents")

    def bundle(self) -> NewCaseBundle | None:
        view = self.choice(BundleView, "view", "Choose whose view of the case to export")
        if view is None or not self.ok:
            return None
        return NewCaseBundle(view=view, include_documents=self.ticked("include_documents"))


def failure_text(value: str | None) -> str:
    """Why an export failed, in words (never an error's message)."""
    try:
        return FAILURE_TEXT[ExportFailure(value or "")]
    except ValueError:
        return FAILURE_TEXT[ExportFailure.ERROR]


class ExportPages(Controller):
    """Caseworkers and managers; an export its asker's and the managers'."""

    path = "/"
    include_in_schema = False
    guards = [case_worker]

    @get("/cases/{case_id:uuid}/bundle", name="case-bundle-form")
    async def bundle_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        form = BundleForm({"view": BundleView.FULL.value, "include_documents": "yes"})
        return await case_form_page(request, NEW, case_id, staff, form, views=VIEWS)

    @post("/cases/{case_id:uuid}/bundle", name="case-bundle", middleware=[idempotent()])
    async def request_bundle(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = BundleForm.posted(await request.form())
        data = form.bundle()
        made = None
        if data is not None:
            made = await form.save(lambda: exports.request_case_bundle(case_id, staff, data))
        if made is not None and form.ok:
            return redirect_to(request, "export", export_id=made.id)
        return await case_form_page(request, NEW, case_id, staff, form, views=VIEWS)

    @get("/exports", name="exports")
    async def export_list(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """One's exports (a manager's: everyone's), newest first, with their progress."""
        found = await exports.list_exports(staff, page_request(page))
        return paged_template(request, "exports/list.html", found, page, status_text=STATUS_TEXT)

    @get("/exports/{export_id:uuid}", name="export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        export_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """One export: its progress (a link to look again) and, once ready, the download."""
        found = await exports.get_export(staff, export_id)
        return form_page(
            request,
            "exports/export.html",
            Form(),
            export=found,
            status_text=STATUS_TEXT,
            failure=failure_text(found.failure) if found.status is ExportStatus.FAILED else None,
        )

    @get("/exports/{export_id:uuid}/progress", name="export-progress", opt=BACKGROUND_POLL)
    async def progress(
        self,
        request: Request[Any, Any, Any],
        export_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """The export's live part alone, for the page's script: asked for again and again
        by no one's hand, so it leaves the session's idle timer as it is."""
        found = await exports.get_export(staff, export_id)
        failed = found.status is ExportStatus.FAILED
        return Template(
            "exports/progress.html",
            context={
                "export": found,
                "status_text": STATUS_TEXT,
                "failure": failure_text(found.failure) if failed else None,
            },
            headers={"Cache-Control": "no-store"},
        )

    @get("/exports/{export_id:uuid}/download", name="export-download")
    async def download(
        self, export_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> Response[bytes]:
        """The ZIP (audited), for whoever asked and the managers."""
        found = await exports.download(staff, export_id)
        return Response(found.content, media_type=MEDIA_TYPE, headers=found.headers)
