"""Information requests API (issue 17): thin handlers over ``requests.services``. Managers
handle requests; a caseworker may log one on a case they work on. 400 names the field,
404 is the same for a missing request and another tenant's."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.platform.requests import services
from confide.platform.requests.schemas import (
    Clarification,
    Closing,
    Extension,
    IdentityCheck,
    NewRequest,
    RequestFilter,
    RequestKind,
    RequestSummary,
    RequestView,
)


class RequestsController(Controller):
    """Open to caseworkers (logging only) and managers."""

    path = "/requests"
    tags = ["requests"]
    guards = [case_worker]

    @get("/", name="api-list-requests")
    async def list_requests(
        self,
        staff: NamedDependency[StaffView],
        kind: Annotated[RequestKind | None, QueryParameter()] = None,
        closed: Annotated[bool, QueryParameter()] = False,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[RequestSummary]:
        """The register, soonest deadline first (managers): open requests, or
        ``closed=true`` for all; ``kind=`` one kind."""
        filters = RequestFilter(open_only=not closed, kind=kind)
        return PageOut.of(await services.list_requests(staff, filters, PageRequest(limit, offset)))

    @post("/", status_code=HTTP_201_CREATED, name="api-log-request")
    async def log_request(
        self, data: JSONBody[NewRequest], staff: NamedDependency[StaffView]
    ) -> RequestView:
        """Log a request as it arrived (a caseworker's goes to the managers' queue)."""
        return await services.log_request(staff, data)

    @get("/{request_id:uuid}", name="api-get-request")
    async def get_request(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> RequestView:
        return await services.get_request(request_id, staff)

    @post("/{request_id:uuid}/identity", status_code=HTTP_200_OK, name="api-request-identity")
    async def confirm_identity(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[IdentityCheck],
        staff: NamedDependency[StaffView],
    ) -> RequestView:
        """Identity confirmed: the clock starts."""
        return await services.confirm_identity(request_id, staff, data)

    @post(
        "/{request_id:uuid}/clarification",
        status_code=HTTP_200_OK,
        name="api-request-clarification",
    )
    async def record_clarification(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[Clarification],
        staff: NamedDependency[StaffView],
    ) -> RequestView:
        """Clarification asked (the clock stops) or received (it restarts)."""
        return await services.record_clarification(request_id, staff, data)

    @post("/{request_id:uuid}/extension", status_code=HTTP_200_OK, name="api-request-extension")
    async def extend(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[Extension],
        staff: NamedDependency[StaffView],
    ) -> RequestView:
        return await services.extend(request_id, staff, data)

    @post("/{request_id:uuid}/close", status_code=HTTP_200_OK, name="api-request-close")
    async def close_request(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[Closing],
        staff: NamedDependency[StaffView],
    ) -> RequestView:
        return await services.close_request(request_id, staff, data)
