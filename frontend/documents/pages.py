"""A case's documents (rule 28): the list with the upload form (the GOV.UK file upload,
one or more files, no JavaScript needed), one document with its versions and a new
version, and the download of any version (audited; an attachment, never cached)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.casework.case import case_form_page
from confide.frontend.forms import Form
from confide.frontend.labels import DOCUMENT_KIND_LABELS
from confide.frontend.templating import redirect_to
from confide.platform.casework.schemas import Side
from confide.platform.documents import services
from confide.platform.documents.schemas import MAX_FILES, NewDocuments
from confide.platform.documents.sniff import PREVIEWABLE
from confide.platform.documents.web import (
    INSPECTED_PAGE_UPLOAD,
    INSPECTED_PAGE_VERSION,
    UPLOAD_MAX_BODY,
    VERSION_MAX_BODY,
    carry_csrf_token,
    check_csrf,
    declared_length,
    download_response,
    uploaded_files,
)
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker

LIST = "documents/list.html"
DOCUMENT = "documents/document.html"


class UploadForm(Form):
    order = ("file", "title", "kind", "document_date", "side")
    dates = ("document_date",)


async def _documents_page(
    request: Request[Any, Any, Any], case_id: UUID, staff: StaffView, form: Form, **extra: Any
) -> Template:
    documents = await services.list_documents(case_id, staff)
    return await case_form_page(
        request,
        LIST,
        case_id,
        staff,
        form,
        documents=documents,
        kinds=[(kind.value, DOCUMENT_KIND_LABELS[kind]) for kind in await services.kinds()],
        max_mb=(await services.max_bytes()) // (1024 * 1024),
        previewable=PREVIEWABLE,
        **extra,
    )


class DocumentPages(Controller):
    """Caseworkers and managers; each case behind need-to-know."""

    path = "/cases/{case_id:uuid}/documents"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="case-documents")
    async def documents(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        uploaded: Annotated[int, QueryParameter(ge=0, le=100)] = 0,
    ) -> Template:
        """The case's documents and the form to upload more."""
        form = UploadForm({"kind": "", "side": ""})
        return await _documents_page(request, case_id, staff, form, uploaded=uploaded)

    @post(
        "/",
        name="case-documents-upload",
        request_max_body_size=UPLOAD_MAX_BODY,
        opt=INSPECTED_PAGE_UPLOAD,  # CSRF checked below, once the session and the size are
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        carry_csrf_token(request)
        early = Form()
        await early.save(
            lambda: services.check_declared_size(
                case_id, staff, declared_length(request), MAX_FILES
            )
        )
        if not early.ok:
            form = UploadForm({"kind": "", "side": ""})
            form.absorb(early.errors)
            return await _documents_page(request, case_id, staff, form, uploaded=0)
        posted = await request.form()
        check_csrf(request, posted)
        form = UploadForm.posted(posted)
        form.values.pop("file", None)
        when = form.date("document_date", "The document's date")
        data = NewDocuments(
            files=await uploaded_files(request, posted),
            title=form.text("title"),
            kind=form.text("kind"),
            document_date=when,
            side=Side.YOUNG_PERSON_ONLY.value
            if form.text("side") == Side.YOUNG_PERSON_ONLY.value
            else Side.SHARED.value,
            problems=dict(form.errors),
        )
        form = UploadForm(form.values)
        saved = await form.save(lambda: services.upload(case_id, staff, data))
        if saved is not None:
            return redirect_to(
                request, "case-documents", case_id=case_id, query={"uploaded": str(len(saved))}
            )
        return await _documents_page(request, case_id, staff, form, uploaded=0)

    @get("/{document_id:uuid}", name="case-document")
    async def document(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        document_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        added: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        found = await services.get_document(case_id, document_id, staff)
        return await case_form_page(
            request, DOCUMENT, case_id, staff, Form(), document=found, added=added
        )

    @post(
        "/{document_id:uuid}/versions",
        name="case-document-version",
        request_max_body_size=VERSION_MAX_BODY,
        opt=INSPECTED_PAGE_VERSION,  # CSRF checked below, once the session and the size are
    )
    async def add_version(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        document_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        carry_csrf_token(request)
        form = Form()
        await form.save(
            lambda: services.check_declared_size(case_id, staff, declared_length(request), 1)
        )
        if form.ok:
            posted = await request.form()
            check_csrf(request, posted)
            files = await uploaded_files(request, posted)
            await form.save(
                lambda: services.add_version(
                    case_id, document_id, staff, files[0] if files else None
                )
            )
        if form.ok:
            return redirect_to(
                request,
                "case-document",
                case_id=case_id,
                document_id=document_id,
                query={"added": "true"},
            )
        found = await services.get_document(case_id, document_id, staff)
        return await case_form_page(
            request, DOCUMENT, case_id, staff, form, document=found, added=False
        )

    @get("/{document_id:uuid}/file", name="case-document-file")
    async def download(
        self,
        case_id: FromPath[UUID],
        document_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        version: Annotated[int | None, QueryParameter(ge=1, le=100_000)] = None,
    ) -> Response[bytes]:
        """The file, as an attachment (audited)."""
        found, data = await services.open_download(case_id, document_id, staff, version)
        return download_response(found.filename, found.content_type, data)
