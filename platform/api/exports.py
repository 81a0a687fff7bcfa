"""Exports API (issue 16, rule 29): ask for a case's bundle, follow its progress, download
it. Errors as in the case work API: 400 field-named, 404 the same for another tenant's and
another person's export, 403 a case without need-to-know, 409 not ready."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.documents.web import download_response
from confide.platform.exports import package
from confide.platform.exports import services as exports
from confide.platform.exports.schemas import MEDIA_TYPE, ExportView, NewCaseBundle
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker


class ExportsController(Controller):
    """Caseworkers and managers; each export its asker's and the managers'."""

    path = "/"
    tags = ["exports"]
    guards = [case_worker]

    @post(
        "/cases/{case_id:uuid}/exports/bundle",
        status_code=HTTP_202_ACCEPTED,
        name="api-export-case-bundle",
    )
    async def request_bundle(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[NewCaseBundle],
        staff: NamedDependency[StaffView],
    ) -> ExportView:
        """Ask for the case bundle (``view``: ``full`` or ``parent``; ``include_documents``);
        a worker builds it: follow ``GET /exports/{id}`` until ``status`` is ``ready``."""
        return await exports.request_case_bundle(case_id, staff, data)

    @get("/exports", name="api-exports")
    async def list_exports(
        self,
        staff: NamedDependency[StaffView],
        case_id: Annotated[UUID | None, QueryParameter()] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[ExportView]:
        """Your exports, newest first (a manager's: everyone's); ``case_id=`` one case's."""
        found = await exports.list_exports(staff, PageRequest(limit, offset), case_id=case_id)
        return PageOut.of(found)

    @get("/exports/{export_id:uuid}", name="api-export")
    async def get_export(
        self, export_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> ExportView:
        """One export: its status and progress (``progress_done`` of ``progress_total``)."""
        return await exports.get_export(staff, export_id)

    @get("/exports/{export_id:uuid}/download", name="api-export-download")
    async def download(
        self, export_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> Response[bytes]:
        """The export's ZIP (audited); 409 until it is ready."""
        found = await exports.download(staff, export_id)
        return Response(found.content, media_type=MEDIA_TYPE, headers=found.headers)

    @get(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/package",
        name="api-disclosure-package",
        media_type=package.MEDIA_TYPE,
    )
    async def disclosure_package(
        self,
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Response[bytes]:
        """A disclosure's package: exactly what it recorded, as a ZIP of the printable record
        (a PDF, the record on its first page), the exact files shared (checked against the
        SHA-256 recorded) and a manifest (audited; never under break-glass)."""
        name, made = await package.disclosure_package(case_id, disclosure_id, staff)
        return download_response(name, package.MEDIA_TYPE, made)
