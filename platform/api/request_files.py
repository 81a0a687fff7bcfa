"""Information requests API, continued (issue 17): documents on a request (managers only,
through the case documents' checks and storage) and the release of a case file on a
council's or another party's request (rule 10). 400 names the field or what is missing;
404 is the same for a missing request or document and another tenant's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.consent.schemas import DisclosureView
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.documents.web import (
    INSPECTED_MANAGERS_UPLOAD,
    UPLOAD_MAX_BODY,
    download_response,
    form_text,
    read_form,
    uploaded_files,
)
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.platform.requests import attachments, foi, third_party
from confide.platform.requests.foi_schemas import FoiLogEntry, FoiResponseIn, FoiResponseView
from confide.platform.requests.services import managers_only
from confide.platform.requests.third_party_schemas import CaseFileRelease, RequestDocumentView


class RequestFilesController(Controller):
    """Managers only (the services say so: a caseworker is refused with 403)."""

    path = "/requests/{request_id:uuid}"
    tags = ["requests"]
    guards = [case_worker]

    @get("/documents", name="api-request-documents")
    async def list_documents(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> list[RequestDocumentView]:
        return await attachments.request_documents(request_id, staff)

    @post(
        "/documents",
        status_code=HTTP_201_CREATED,
        name="api-request-upload",
        request_max_body_size=UPLOAD_MAX_BODY,
        opt=INSPECTED_MANAGERS_UPLOAD,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> list[RequestDocumentView]:
        """Record one or more files (multipart/form-data, each as ``file``) with ``kind``
        (letter_sent, signed_consent, correspondence, other) and ``title`` (optional).
        Types are judged from the bytes, as for a case document. Managers only, checked
        before the body is read."""
        managers_only(staff)
        posted = await read_form(request)
        data = attachments.NewRequestDocuments(
            files=await uploaded_files(request, posted),
            kind=form_text(posted, "kind"),
            title=form_text(posted, "title"),
        )
        return await attachments.attach(request_id, staff, data)

    @get("/documents/{document_id:uuid}/file", name="api-request-download")
    async def download(
        self,
        request_id: FromPath[UUID],
        document_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Response[bytes]:
        """The file, as an attachment; audited."""
        found, data = await attachments.open_download(request_id, document_id, staff)
        return download_response(found.filename, found.content_type, data)

    @post("/release", status_code=HTTP_201_CREATED, name="api-request-release")
    async def release(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[CaseFileRelease],
        staff: NamedDependency[StaffView],
    ) -> DisclosureView:
        """Release a case file on an open case-file request: ``ground`` signed_consent
        (with ``consent_document_id``, the signed form on the request), user_asked (to the
        service user or their solicitor, ``justification`` saying how they asked; the
        request's identity confirmed) or legal_basis (with ``legal_basis`` and
        ``justification``; the service user will be told). On either of the service user's
        grounds ``given_by`` says whose word it is (young_person, parent or carer). The
        disclosure recorded, sent, with exactly the ``items`` (each once, 50 at most)."""
        return await third_party.release_case_file(request_id, staff, data)

    @post("/foi-response", status_code=HTTP_201_CREATED, name="api-foi-respond")
    async def foi_respond(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[FoiResponseIn],
        staff: NamedDependency[StaffView],
    ) -> FoiResponseView:
        """An open FOI request's response (rule 11): ``text`` and ``attachments``, each
        ``{"kind", "ref"}``: ``statistics_release`` (a kept release's id) or
        ``policy_document`` (a version).
        A case document, a case bundle or any other personal data is refused (400)."""
        return await foi.respond(request_id, staff, data)


class FoiLogController(Controller):
    """The FOI log (managers)."""

    path = "/foi-log"
    tags = ["requests"]
    guards = [case_worker]

    @get("/", name="api-foi-log")
    async def foi_log(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[FoiLogEntry]:
        """Every FOI request, newest first, with whether it was answered."""
        return PageOut.of(await foi.foi_log(staff, PageRequest(limit, offset)))
