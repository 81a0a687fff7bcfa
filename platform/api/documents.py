"""Documents API (rule 28): upload (multipart), new versions, the list, one document and
its download, each behind the case's need-to-know. Errors as in the case work API: 400
naming the field, 404 the same for a missing document and another tenant's, 403 a case
without need-to-know."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from confide.platform.documents import services
from confide.platform.documents.schemas import MAX_FILES, DocumentView, NewDocuments
from confide.platform.documents.web import (
    INSPECTED_UPLOAD,
    INSPECTED_VERSION,
    UPLOAD_MAX_BODY,
    VERSION_MAX_BODY,
    declared_length,
    download_response,
    form_text,
    form_uuid,
    read_form,
    uploaded_files,
)
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker


class DocumentsController(Controller):
    """Open to caseworkers and managers; each case behind need-to-know."""

    path = "/cases/{case_id:uuid}/documents"
    tags = ["documents"]
    guards = [case_worker]

    @get("/", name="api-list-documents")
    async def list_documents(
        self, case_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> list[DocumentView]:
        """The case's documents, each with its versions, newest first."""
        return await services.list_documents(case_id, staff)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        name="api-upload-documents",
        request_max_body_size=UPLOAD_MAX_BODY,
        opt=INSPECTED_UPLOAD,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> list[DocumentView]:
        """Upload one or more files (multipart/form-data, each as ``file``) with
        ``title`` (optional: each file's name), ``kind`` (ehc_plan, decision_letter,
        report, consent_form, correspondence, other), ``document_date`` (YYYY-MM-DD,
        optional), ``side`` (shared or young_person_only), and optionally ``note_id`` or
        ``contact_id``. Types are judged from the bytes: PDF, Office documents, images,
        plain text."""
        await services.check_declared_size(case_id, staff, declared_length(request), MAX_FILES)
        posted = await read_form(request)
        errors: dict[str, str] = {}
        given = form_text(posted, "document_date").strip()
        when: date | None = None
        if given:
            try:
                when = date.fromisoformat(given)
            except ValueError:
                when = None
        data = NewDocuments(
            files=await uploaded_files(request, posted),
            title=form_text(posted, "title"),
            kind=form_text(posted, "kind"),
            document_date=when,
            date_given=bool(given),
            side=form_text(posted, "side") or "shared",
            note_id=form_uuid(posted, "note_id", errors, "Choose a note of this case"),
            contact_id=form_uuid(posted, "contact_id", errors, "Choose a contact of this case"),
            problems=errors,
        )
        return await services.upload(case_id, staff, data)

    @get("/{document_id:uuid}", name="api-get-document")
    async def get_document(
        self,
        case_id: FromPath[UUID],
        document_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> DocumentView:
        return await services.get_document(case_id, document_id, staff)

    @post(
        "/{document_id:uuid}/versions",
        status_code=HTTP_201_CREATED,
        name="api-add-document-version",
        request_max_body_size=VERSION_MAX_BODY,
        opt=INSPECTED_VERSION,
    )
    async def add_version(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        document_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> DocumentView:
        """A new version (multipart, ``file``); the earlier versions are kept."""
        await services.check_declared_size(case_id, staff, declared_length(request), 1)
        files = await uploaded_files(request, await read_form(request))
        return await services.add_version(case_id, document_id, staff, files[0] if files else None)

    @get("/{document_id:uuid}/file", name="api-download-document")
    async def download(
        self,
        case_id: FromPath[UUID],
        document_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        version: Annotated[int | None, QueryParameter(ge=1, le=100_000)] = None,
    ) -> Response[bytes]:
        """The file of the latest version (or ``?version=N``), as an attachment; audited."""
        found, data = await services.open_download(case_id, document_id, staff, version)
        return download_response(found.filename, found.content_type, data)
