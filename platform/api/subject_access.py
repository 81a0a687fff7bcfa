"""Subject access API (issue 17, rule 30): where a subject access request stands (its
route by age and capacity, what it waits for), its steps (the young person's agreement, a
judgement that they lack capacity) and its bundle. Managers only; 400 names the field,
404 is the same for a missing request, another kind and another tenant's."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from confide.platform.api.schemas import PageNumber
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.platform.requests import subject_access as services
from confide.platform.requests.subject_access_schemas import (
    Agreement,
    LacksCapacity,
    MarkChange,
    NewMark,
    Release,
    ReviewPage,
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

    @post("/review", status_code=HTTP_200_OK, name="api-subject-access-start-review")
    async def start_review(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> SubjectAccessView:
        """Keep the built bundle with the request as the unredacted original."""
        return await services.start_review(request_id, staff)

    @get("/review", name="api-subject-access-review")
    async def review(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView], page: PageNumber = 1
    ) -> ReviewPage:
        """What the kept original holds, item by item, ``page`` by ``page`` as the review's
        page shows it (20 items each; past the last, the last), and the marks standing."""
        return services.review_page(await services.review(request_id, staff), page)

    @post("/redactions", status_code=HTTP_201_CREATED, name="api-subject-access-mark")
    async def mark(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[NewMark],
        staff: NamedDependency[StaffView],
    ) -> MarkChange:
        """Mark an item, or a range of a note's text, for redaction: the mark made (its
        ``id`` takes it back) and how many marks stand; the items are ``GET review``'s."""
        return await services.mark(request_id, staff, data)

    @post(
        "/redactions/{mark_id:uuid}/remove",
        status_code=HTTP_200_OK,
        name="api-subject-access-unmark",
    )
    async def unmark(
        self,
        request_id: FromPath[UUID],
        mark_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> MarkChange:
        """Take a mark back (before approval): the mark taken back and how many stand."""
        return await services.unmark(request_id, staff, mark_id)

    @post("/approve", status_code=HTTP_202_ACCEPTED, name="api-subject-access-approve")
    async def approve(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> SubjectAccessView:
        """Approve the release: the redacted bundle is queued for a worker
        (``release_export_id``: follow it as any export), then kept with the request."""
        return await services.approve(request_id, staff)

    @post("/approve/rebuild", status_code=HTTP_202_ACCEPTED, name="api-subject-access-rebuild")
    async def rebuild(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> SubjectAccessView:
        """Queue an approved release's redacted bundle again after its build failed."""
        return await services.rebuild_release(request_id, staff)

    @post("/release", status_code=HTTP_200_OK, name="api-subject-access-release")
    async def release(
        self,
        request_id: FromPath[UUID],
        data: JSONBody[Release],
        staff: NamedDependency[StaffView],
    ) -> SubjectAccessView:
        """Record how and when the approved bundle was released."""
        return await services.release(request_id, staff, data)

    @get("/original", name="api-subject-access-original")
    async def original(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> Response[bytes]:
        """The kept, unredacted original's ZIP (audited)."""
        return _zip(*await services.download(request_id, staff, "original"))

    @get("/released", name="api-subject-access-released")
    async def released(
        self, request_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> Response[bytes]:
        """The released (redacted) bundle's ZIP (audited)."""
        return _zip(*await services.download(request_id, staff, "released"))


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
