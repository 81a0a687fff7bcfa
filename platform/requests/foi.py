"""FOI responses and the FOI log (issue 17; rule 11, policy 5.2). A manager records an open
FOI request's response: free text and only what holds no personal data, the service's
statistics releases and its policy documents; a case document, a case bundle or a file on
a request is refused by name (``foi_schemas.check_response``). Once per request; audited
with ids and codes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.requests import queries
from confide.platform.requests.foi_schemas import (
    FoiLogEntry,
    FoiResponseIn,
    FoiResponseView,
    check_response,
)
from confide.platform.requests.schemas import RequestKind, RequestStatus
from confide.platform.requests.services import RequestNotFound, managers_only
from confide.tenants.policy.document import get_policy_text

#: The service's kept statistics releases, id to label (``statistics.services.
#: attachable_releases``): the statistics domain is a peer of this one under the import
#: contract, so the app's composition (``platform/app.py``) hands its function over once.
Releases = Callable[[], Awaitable[dict[str, str]]]
_releases: list[Releases] = []


def set_releases(source: Releases) -> None:
    _releases[:] = [source]


async def _kept_releases() -> dict[str, str]:
    if not _releases:
        raise RuntimeError("no statistics releases: the app's composition sets them")
    return await _releases[0]()


async def policy_version() -> int:
    """The service's policy document's latest version (0: none written)."""
    return (await get_policy_text()).version


async def respond(request_id: UUID, staff: StaffView, data: FoiResponseIn) -> FoiResponseView:
    """Record an open FOI request's response: text, and statistics releases and policy
    documents only."""
    managers_only(staff)
    tenant_id = current_tenant_id()
    row = await queries.lock_request(tenant_id, request_id)
    if row is None:
        raise RequestNotFound()
    if row["kind"] != RequestKind.FOI:
        raise Invalid({"request": "Only an FOI request has an FOI response"})
    if row["status"] != RequestStatus.OPEN:
        raise Invalid({"request": "This request is closed"})
    version = await policy_version()
    releases = await _kept_releases()
    try:
        attached = check_response(data, releases=releases, policy_version=version)
    except Invalid:
        await audit.record(
            Action.REQUEST_STEP,
            actor_kind="staff",
            actor_id=staff.id,
            subject_kind="information_request",
            subject_id=request_id,
            reason_code="foi_response_refused",
            detail={"request_id": request_id},
        )
        raise
    if await queries.foi_response(tenant_id, request_id) is not None:
        raise Invalid({"request": "This request's response is already recorded"})
    await queries.insert_foi_response(
        tenant_id, uuid4(), request_id, data.text.strip(), attached, staff.id
    )
    await audit.record(
        Action.REQUEST_STEP,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="information_request",
        subject_id=request_id,
        reason_code="foi_response",
        detail={"request_id": request_id, "attachment_count": len(attached)},
    )
    found = await queries.foi_response(tenant_id, request_id)
    assert found is not None
    return found


async def releases_to_attach(staff: StaffView) -> dict[str, str]:
    """The statistics releases an FOI response may attach, id to label (managers)."""
    managers_only(staff)
    return await _kept_releases()


async def response_of(request_id: UUID, staff: StaffView) -> FoiResponseView | None:
    managers_only(staff)
    return await queries.foi_response(current_tenant_id(), request_id)


async def foi_log(staff: StaffView, page: PageRequest) -> Page[FoiLogEntry]:
    """Every FOI request, newest first, answered or not: managers only."""
    managers_only(staff)
    return await queries.foi_log(current_tenant_id(), page)
