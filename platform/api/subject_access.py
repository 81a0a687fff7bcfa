"""Subject access API (issue 17, rule 30): where a subject access request stands (its
route by age and capacity, what it waits for), its steps (the young person's agreement, a
judgement that they lack capacity) and its bundle. Managers only; 400 names the field,
404 is the same for a missing request, another kind and another tenant's."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.platform.requests import subject_access as services
from confide.platform.requests.subject_access_schemas import (
    Agreement,
    LacksCapacity,
    SubjectAccessView,
)


class SubjectAccessController(Controller):
    path = "/requests/{request_id:uuid}/subject-access"
    tags = ["requests"]
    guards = [case_worker]

    @get("/", name="api-subject-access")
    async def standing(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> SubjectAccessView:
        """The route, what it waits for, whose view the bundle holds, and the bundle."""
        return await services.subject_access(request_id, staff)

    @post("/agreement", status_code=HTTP_200_OK, name="api-subject-access-agreement")
    async def agreement(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[Agreement],
        staff: NamedDependency[StaffView],
    ) -> SubjectAccessView:
        """The young person agreed to a request made about them."""
        return await services.record_agreement(request_id, staff, data)

    @post("/no-capacity", status_code=HTTP_200_OK, name="api-subject-access-no-capacity")
    async def no_capacity(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[LacksCapacity],
        staff: NamedDependency[StaffView],
    ) -> SubjectAccessView:
        """A manager's judgement that the young person cannot decide for themselves."""
        return await services.record_lacks_capacity(request_id, staff, data)

    @post("/bundle", status_code=HTTP_202_ACCEPTED, name="api-subject-access-bundle")
    async def bundle(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> SubjectAccessView:
        """Queue the bundle for a worker, in the route's view, linked to the request."""
        return await services.build_bundle(request_id, staff)
