"""The subject access workflow (issue 17, rule 30): routing by the young person's age and
capacity, then the bundle built by the export engine in the route's view.

Every step is a manager's named action on an open subject access request, audited as a
request step with its code (ids and codes only). Reading where a request stands reads the
young person's capacity, a case read: audited as one.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework.access import open_case
from confide.platform.consent.capacity import current_capacity, record_capacity
from confide.platform.consent.schemas import NewCapacityDecision
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.exports import services as exports
from confide.platform.exports.schemas import NewCaseBundle
from confide.platform.identity.schemas import StaffView
from confide.platform.requests import queries
from confide.platform.requests.routing import route
from confide.platform.requests.schemas import RequestKind, RequestStatus, RequestView, Stage
from confide.platform.requests.services import RequestNotFound, _managers_only
from confide.platform.requests.subject_access_schemas import (
    Agreement,
    LacksCapacity,
    SubjectAccessView,
)
from confide.tenants.policy.services import get_policy


async def _request(request_id: UUID, staff: StaffView) -> RequestView:
    """The subject access request, for a manager (anything else: not found)."""
    _managers_only(staff)
    found = await queries.request(current_tenant_id(), request_id, service_today())
    if found is None or found.kind is not RequestKind.SUBJECT_ACCESS or found.case_id is None:
        raise RequestNotFound()
    return found


async def _standing(found: RequestView, staff: StaffView, purpose: str) -> SubjectAccessView:
    assert found.case_id is not None
    await open_case(found.case_id, staff, purpose=purpose)  # the capacity is the case's
    capacity = await current_capacity(found.case_id)
    capacity_age = capacity.capacity_age if capacity else (await get_policy()).capacity_age
    has = capacity.has_capacity if capacity else None
    row = await queries.subject_access(current_tenant_id(), found.id) or {}
    routing = route(found.relation, has, row.get("agreed_on") is not None)
    export_id = row.get("export_id")
    export = await exports.find_export(export_id) if export_id else None
    identity = found.stage is not Stage.AWAITING_IDENTITY
    return SubjectAccessView(
        request_id=found.id,
        route=routing.route,
        waits_for=routing.waits_for,
        proceeds=routing.proceeds,
        view=routing.view,
        age=capacity.age if capacity else None,
        capacity_age=capacity_age,
        has_capacity=has,
        agreed_on=row.get("agreed_on"),
        agreement_evidence=row.get("agreement_evidence") or "",
        identity_confirmed=identity,
        export_id=export_id,
        export_status=export.status if export else None,
        can_build=routing.proceeds and identity and found.status is RequestStatus.OPEN,
    )


async def subject_access(request_id: UUID, staff: StaffView) -> SubjectAccessView:
    """Where a subject access request stands (an audited read of the case's capacity)."""
    found = await _request(request_id, staff)
    return await _standing(found, staff, "subject_access")


async def _audit_step(staff: StaffView, found: RequestView, code: str, **ids: Any) -> None:
    await audit.record(
        Action.REQUEST_STEP,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="information_request",
        subject_id=found.id,
        reason_code=code,
        detail={"request_id": found.id, "case_id": found.case_id, **ids},
    )


async def _open(request_id: UUID, staff: StaffView) -> RequestView:
    """The request for a step: open, its row locked (two steps apply one after another)."""
    found = await _request(request_id, staff)
    await queries.lock_request(current_tenant_id(), request_id)
    if found.status is not RequestStatus.OPEN:
        raise Invalid({"request": "This request is closed"})
    return found


async def record_agreement(
    request_id: UUID, staff: StaffView, data: Agreement
) -> SubjectAccessView:
    """The young person's agreement to a request made about them by someone else."""
    found = await _open(request_id, staff)
    data.validate(service_today())
    if found.relation.value == "self":
        raise Invalid({"agreed_on": "This is the young person's own request"})
    await queries.set_subject_access(
        current_tenant_id(),
        request_id,
        {"agreed_on": data.agreed_on, "agreement_evidence": data.evidence.strip(),
         "agreed_by": staff.id},
    )  # fmt: skip
    await _audit_step(staff, found, "sar_agreement")
    return await _standing(found, staff, "subject_access")


async def record_lacks_capacity(
    request_id: UUID, staff: StaffView, data: LacksCapacity
) -> SubjectAccessView:
    """A manager's judgement that the young person cannot decide for themselves, kept on
    the case's one capacity record (``consent/capacity``): a request made for them then
    proceeds with the parent's view."""
    found = await _open(request_id, staff)
    data.validate(service_today())
    assert found.case_id is not None
    decision = NewCapacityDecision(has_capacity=False, judged_on=data.judged_on, note=data.note)
    await record_capacity(found.case_id, staff, decision)
    await _audit_step(staff, found, "sar_no_capacity")
    return await _standing(found, staff, "subject_access")


async def build_bundle(request_id: UUID, staff: StaffView) -> SubjectAccessView:
    """The bundle for the request, built by the export engine's worker in the route's view
    (a parent's view for anyone but the young person themselves, rule 15) and linked to
    the request. Only once the request proceeds and the requester's identity is confirmed."""
    found = await _open(request_id, staff)
    standing = await _standing(found, staff, "subject_access")
    if not standing.proceeds:
        raise Invalid({"bundle": "The request waits: record what it waits for first"})
    if not standing.identity_confirmed:
        raise Invalid({"bundle": "Confirm the requester's identity first"})
    assert found.case_id is not None
    export = await exports.request_case_bundle(
        found.case_id, staff, NewCaseBundle(view=standing.view, include_documents=True)
    )
    await queries.set_subject_access(current_tenant_id(), request_id, {"export_id": export.id})
    await _audit_step(staff, found, "sar_bundle", export_id=export.id)
    return await _standing(found, staff, "subject_access")
