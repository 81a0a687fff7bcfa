"""The information request register (issue 17; rules 9, 10, 11 and 26).

Requests for personal information go to the service's managers (policy 3.3, 5.1, 5.2): a
manager logs, reads, moves on and closes them; a caseworker may log one they received, on
a case they work on, and it goes to the managers' queue as a task. Each step records its
dates and the one engine (``core/deadlines``) works the deadline out again; FOI applies
only where the service's data controller is a public body (the policy's setting, rule 16):
a charity's FOI request is recorded as not subject to FOI, with the reply sent.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.audit.services import MAX_DETAIL_INT
from confide.platform.casework.access import check_access, is_manager, record_act, works_cases
from confide.platform.casework.queries import case_people_of
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Forbidden, Invalid, NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.notifications import services as notifications
from confide.platform.notifications.schemas import NotificationKind
from confide.platform.requests import queries
from confide.platform.requests.clock import standing
from confide.platform.requests.schemas import (
    DUE_SOON_DAYS,
    IDENTITY_REMINDER_DAYS,
    Clarification,
    Closing,
    Extension,
    IdentityCheck,
    NewRequest,
    RequestFilter,
    RequestKind,
    RequestStatus,
    RequestSummary,
    RequestView,
)
from confide.platform.tasks import services as tasks
from confide.platform.tasks.schemas import TaskKind
from confide.tenants.policy.services import get_policy
from confide.tenants.schemas import ControllerKind
from confide.tenants.services import get_active_tenant_by_id


class RequestNotFound(NotFound):
    """No such request here (never existed, or another tenant's: the same to the caller)."""


class RequestNotPermitted(Forbidden):
    """Requests are the managers' (a caseworker only logs one, on their case)."""


def _audit_detail(view: RequestView) -> dict[str, str | int | bool | UUID | None]:
    """Ids and codes only: never the requester's name or what they asked."""
    return {"request_id": view.id, "kind": view.kind.value, "case_id": view.case_id}


async def _data_subject(tenant_id: UUID, data: NewRequest) -> UUID | None:
    """Whom a subject access request is about (rule 30): the person chosen from the
    case's people, or else the case's young person."""
    if data.kind is not RequestKind.SUBJECT_ACCESS or data.case_id is None:
        return None
    young_person, people = await case_people_of(tenant_id, data.case_id)
    if data.subject_person_id is None:
        return young_person
    if data.subject_person_id not in {young_person, *(p for p, _ in people)}:
        raise Invalid({"subject_person_id": "Choose someone on the case"})
    return data.subject_person_id


async def log_request(staff: StaffView, data: NewRequest) -> RequestView:
    """Record a request as it arrived. A manager logs any; a caseworker logs one about a
    case they work on, and it goes to the managers' queue as a task."""
    if not works_cases(staff):
        raise RequestNotPermitted("requests are logged by caseworkers and managers")
    manager = is_manager(staff)
    today = service_today()
    data.validate(today)
    if data.kind is RequestKind.FOI and not manager:
        raise Invalid({"kind": "Pass an FOI request to a manager to log"})
    access = None
    if data.case_id is not None:
        access = await check_access(
            data.case_id, staff, purpose="information_request", allow_break_glass=False
        )
    tenant_id, request_id = current_tenant_id(), uuid4()
    subject_person_id = await _data_subject(tenant_id, data)
    foi_applies = await _public_body(tenant_id)
    await queries.insert_request(
        tenant_id,
        request_id,
        kind=data.kind,
        requester_name=data.requester_name.strip(),
        relation=data.relation,
        case_id=data.case_id,
        received_on=data.received_on,
        channel=data.channel,
        summary=data.summary.strip(),
        foi_applies=foi_applies,
        logged_by=staff.id,
    )
    if subject_person_id is not None:
        await queries.set_subject_access(
            tenant_id, request_id, {"subject_person_id": subject_person_id}
        )
    view = await _settle(tenant_id, request_id, today)
    if not manager and data.case_id is not None:
        task_id = uuid4()
        await tasks.open_for_managers(
            task_id,
            TaskKind.INFORMATION_REQUEST,
            data.case_id,
            view.due_on or today,
            str(request_id),
        )
        await queries.set_steps(tenant_id, request_id, {"task_id": task_id})
    if access is not None:
        await record_act(
            access, staff, Action.REQUEST_LOGGED, reason_code=data.kind.value,
            request_id=request_id,
        )  # fmt: skip
    else:
        await _record(Action.REQUEST_LOGGED, staff, view)
    return view


async def _public_body(tenant_id: UUID) -> bool:
    """Whether FOI reaches the service: its data controller, the policy's setting or the
    kind it was registered with, is not a charity (rule 16)."""
    tenant = await get_active_tenant_by_id(tenant_id)
    registered = tenant.controller_kind if tenant else ControllerKind.COUNCIL
    return (await get_policy()).controller(registered) is not ControllerKind.CHARITY


async def _settle(tenant_id: UUID, request_id: UUID, today: date) -> RequestView:
    """Work the deadline out again from the recorded steps and keep it for the lists."""
    row = await queries.lock_request(tenant_id, request_id)
    assert row is not None
    due_on = standing(queries.steps_of(row)).due_on
    if row["status"] == RequestStatus.OPEN and row["due_on"] != due_on:
        await queries.set_steps(tenant_id, request_id, {"due_on": due_on})
        if row["task_id"] is not None:
            # Review finding: the managers' queue task is due when the request is, and has
            # no due date while the clock is stopped for clarification (never overdue then).
            # A request logged waiting for identity keeps its task due the day it was logged.
            await tasks.move_due(row["task_id"], due_on)
    view = await queries.request(tenant_id, request_id, today)
    assert view is not None
    return view


async def _record(action: Action, staff: StaffView, view: RequestView, code: str = "") -> None:
    await audit.record(
        action,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="information_request",
        subject_id=view.id,
        reason_code=code or view.kind.value,
        detail=_audit_detail(view),
    )


def _managers_only(staff: StaffView) -> None:
    if not is_manager(staff):
        raise RequestNotPermitted("information requests are handled by managers")


def managers_only(staff: StaffView) -> None:
    """For the register's other modules: ``RequestNotPermitted`` unless a manager."""
    _managers_only(staff)


async def get_request(request_id: UUID, staff: StaffView) -> RequestView:
    """One request, for a manager (an audited read)."""
    _managers_only(staff)
    view = await queries.request(current_tenant_id(), request_id, service_today())
    if view is None:
        raise RequestNotFound()
    await _record(Action.REQUEST_READ, staff, view)
    return view


async def list_requests(
    staff: StaffView, filters: RequestFilter, page: PageRequest
) -> Page[RequestSummary]:
    """The register, soonest deadline first, for managers: due soon and overdue flagged."""
    _managers_only(staff)
    found = await queries.requests(current_tenant_id(), filters, service_today(), page)
    # Review finding: the register names requesters and cases; reading it is audited.
    await audit.record(
        Action.REQUEST_READ,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="request_register",
        reason_code="list",
        # The page's place, not the bare offset: any offset is a valid request (past the
        # end: an empty page), and an audit detail holds counts exact in JSON only.
        detail={"count": len(found.items), "page_from": min(page.offset, MAX_DETAIL_INT - 1)},
    )
    return found


async def due_count(staff: StaffView) -> int:
    """The dashboard's count for a manager: open requests due within the week, or overdue."""
    if not is_manager(staff):
        return 0
    until = service_today() + timedelta(days=DUE_SOON_DAYS)
    return await queries.count_due(current_tenant_id(), until)


async def tell_managers_of_due(today: date) -> int:
    """The ``requests.deadlines`` job's work: every manager told once when an open
    request's deadline comes within the week, and once more when it has passed (each
    keyed by the request and its due date: an extension that moves the date tells again).
    How many notifications were made; run again, none."""
    until = today + timedelta(days=DUE_SOON_DAYS)
    made = 0
    with_case: list[tuple[UUID, UUID, str]] = []
    for row in await queries.due_requests(current_tenant_id(), until):
        when = "overdue" if row["due_on"] < today else "soon"
        key = f"{row['id']}:{row['due_on'].isoformat()}:{when}"
        if row["case_id"] is not None:
            with_case.append((row["case_id"], row["id"], key))
        else:
            made += await notifications.notify_managers(
                NotificationKind.REQUEST_DUE, subject_key=key, subject_id=row["id"]
            )
    made += await notifications.notify_managers_of_cases(NotificationKind.REQUEST_DUE, with_case)
    # Review finding: a request waiting for identity has no deadline, so it was never
    # reminded; managers are told once when it has waited a week.
    waiting = [
        (row["case_id"], row["id"], f"{row['id']}:identity")
        for row in await queries.awaiting_identity(
            current_tenant_id(), today - timedelta(days=IDENTITY_REMINDER_DAYS)
        )
    ]
    return made + await notifications.notify_managers_of_cases(
        NotificationKind.REQUEST_IDENTITY, waiting
    )


async def _step(
    request_id: UUID, staff: StaffView, code: str, values: Any
) -> tuple[RequestView, dict[str, Any]]:
    """A manager's step on an open request: its row locked; ``values`` a function of the
    row giving the columns to write."""
    _managers_only(staff)
    tenant_id, today = current_tenant_id(), service_today()
    row = await queries.lock_request(tenant_id, request_id)
    if row is None:
        raise RequestNotFound()
    if row["status"] != RequestStatus.OPEN:
        raise Invalid({"request": "This request is closed"})
    await queries.set_steps(tenant_id, request_id, values(row, today))
    view = await _settle(tenant_id, request_id, today)
    await _record(Action.REQUEST_STEP, staff, view, code)
    return view, row


async def confirm_identity(request_id: UUID, staff: StaffView, data: IdentityCheck) -> RequestView:
    """Identity confirmed, with what was seen and by whom: the clock starts (rule 26)."""

    def values(row: dict[str, Any], today: date) -> dict[str, Any]:
        if row["kind"] == RequestKind.FOI:
            raise Invalid({"confirmed_on": "An FOI request needs no proof of identity"})
        if row["identity_confirmed_on"] is not None:
            # Review finding: a second confirmation restarted the clock (rule 26).
            raise Invalid(
                {"confirmed_on": "Identity is already confirmed: the clock runs from that day"}
            )
        data.validate(today, row["received_on"])
        return {
            "identity_confirmed_on": data.confirmed_on,
            "identity_evidence": data.evidence.strip(),
            "identity_checked_by": staff.id,
        }

    view, _ = await _step(request_id, staff, "identity", values)
    return view


async def record_clarification(
    request_id: UUID, staff: StaffView, data: Clarification
) -> RequestView:
    """Clarification asked for (the clock stops) or, with ``received_on``, received (it
    restarts where it stopped)."""

    def values(row: dict[str, Any], today: date) -> dict[str, Any]:
        data.validate(today, row["received_on"])
        if row["clarification_received_on"] is not None:
            raise Invalid({"asked_on": "Clarification has already been received"})
        asked = row["clarification_asked_on"]
        if asked is not None and data.asked_on != asked:
            # Review finding: rewriting the date asked moved the stopped clock (rule 26).
            raise Invalid({"asked_on": "The date asked is already recorded: it cannot be changed"})
        return {
            "clarification_asked_on": data.asked_on,
            "clarification_received_on": data.received_on,
        }

    view, _ = await _step(request_id, staff, "clarification", values)
    return view


async def extend(request_id: UUID, staff: StaffView, data: Extension) -> RequestView:
    """An extension with its reason: one or two further months (subject access and case
    files, told by the one-month date), or FOI's public-interest working days."""

    def values(row: dict[str, Any], today: date) -> dict[str, Any]:
        kind = RequestKind(row["kind"])
        data.validate(kind)
        field = "working_days" if kind is RequestKind.FOI else "months"
        steps = queries.steps_of(row)
        if steps.extension_months or steps.extension_days:
            # Review finding: an extension re-recorded later moved the deadline again.
            raise Invalid({field: "An extension is already recorded: it cannot be changed"})
        # Review finding: an extension is decided within the time, never after it; the time
        # is the deadline before any extension (not the extended one kept on the row).
        due_on = standing(steps).due_on
        if due_on is not None and due_on < today:
            raise Invalid({field: "The deadline has passed: the request can no longer be extended"})
        if kind is RequestKind.FOI and not row["foi_applies"]:
            raise Invalid({"working_days": "This request is not subject to FOI"})
        return {
            "extension_months": 0 if kind is RequestKind.FOI else data.months,
            "extension_days": data.working_days if kind is RequestKind.FOI else 0,
            "extension_reason": data.reason.strip(),
        }

    view, _ = await _step(request_id, staff, "extension", values)
    return view


async def close_request(request_id: UUID, staff: StaffView, data: Closing) -> RequestView:
    """The outcome and what was released; its managers' queue task is done with it. A
    charity's FOI request closes with the reply sent saying it is not subject to FOI."""
    _managers_only(staff)
    data.validate()
    tenant_id, today = current_tenant_id(), service_today()
    row = await queries.lock_request(tenant_id, request_id)
    if row is None:
        raise RequestNotFound()
    if row["status"] != RequestStatus.OPEN:
        raise Invalid({"outcome": "This request is already closed"})
    if row["kind"] == RequestKind.SUBJECT_ACCESS:
        sar = await queries.subject_access(tenant_id, request_id) or {}
        if sar.get("approved_at") is not None and sar.get("released_at") is None:
            raise Invalid({"outcome": "Record how the approved bundle was released first"})
    released = data.released.strip()
    if not released and row["kind"] == RequestKind.CASE_FILE:
        # The case file's release on this request is what was released (ids, no content).
        release = await queries.release_of(tenant_id, request_id)
        if release is not None:
            released = (
                f"The case file, released on {release.released_at.date().isoformat()}"
                f" (disclosure {release.disclosure_id} in the case's disclosure log)"
            )
    await queries.close_request(tenant_id, request_id, data.outcome.strip(), released, staff.id)
    if row["task_id"] is not None:
        await tasks.close_for(row["task_id"], staff.id)
    view = await queries.request(tenant_id, request_id, today)
    assert view is not None
    await _record(Action.REQUEST_CLOSED, staff, view)
    return view
