"""Tell the service user (rule 7, "we will always tell you").

A disclosure made without consent opens a task due within the tenant's number of
days. It stays open until someone records when and how the person was told. A
manager may delay it with a reason and a later date (kept, never replaced); the task
can never be deleted by the application, and overdue tasks are flagged for managers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework.access import (
    CaseAccess,
    NotPermitted,
    check_access,
    is_manager,
    open_case,
    record_act,
    works_cases,
)
from confide.platform.consent.schemas import (
    DelayTelling,
    LegalBasis,
    TaskDelayView,
    TaskStatus,
    TellMethod,
    TellTaskView,
    ToldClient,
)
from confide.platform.consent.tables import TaskDelay, TellClientTask
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id, raw
from confide.platform.core.errors import Invalid, NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.tenants.roles import StaffRole


class TaskNotFound(NotFound):
    """No such task here (never existed, or another tenant's: the same to the caller)."""


async def open_task(case_id: UUID, disclosure_id: UUID, days: int) -> UUID:
    """Called by ``disclosures`` when something shared without consent has been sent."""
    task_id = uuid4()
    due = service_today() + timedelta(days=days)
    await TellClientTask.insert(
        TellClientTask(
            id=task_id,
            tenant_id=current_tenant_id(),
            case_id=case_id,
            disclosure_id=disclosure_id,
            due_on=due,
        )
    )
    await audit.record(
        Action.TELL_CLIENT_TASK_OPENED,
        actor_kind="system",
        subject_kind="case",
        subject_id=case_id,
        detail={"task_id": task_id, "disclosure_id": disclosure_id, "days": days},
    )
    return task_id


_SELECT = (
    "SELECT t.*, c.reference, d.recipient_org, d.recipient_role, d.legal_basis,"
    " s.display_name AS told_by_name, EXISTS (SELECT 1 FROM jsonb_array_elements(d.items) i"
    " WHERE (i->>'young_person_only')::boolean) AS young_person_items"
    " FROM tell_client_tasks t"
    " JOIN cases c ON c.tenant_id = t.tenant_id AND c.id = t.case_id"
    " JOIN disclosures d ON d.tenant_id = t.tenant_id AND d.id = t.disclosure_id"
    " LEFT JOIN staff_users s ON s.tenant_id = t.tenant_id AND s.id = t.told_by"
)


async def _delays(task_ids: list[UUID]) -> dict[UUID, list[TaskDelayView]]:
    if not task_ids:
        return {}
    rows = await raw(
        "SELECT x.*, s.display_name FROM tell_client_delays x"
        " LEFT JOIN staff_users s ON s.tenant_id = x.tenant_id AND s.id = x.delayed_by"
        " WHERE x.tenant_id = {} AND x.task_id = ANY({}::uuid[]) ORDER BY x.delayed_at, x.id",
        current_tenant_id(),
        [str(t) for t in task_ids],
    )
    delays: dict[UUID, list[TaskDelayView]] = {}
    for r in rows:
        delays.setdefault(r["task_id"], []).append(
            TaskDelayView(
                id=r["id"],
                reason=r["reason"],
                previous_due_on=r["previous_due_on"],
                new_due_on=r["new_due_on"],
                delayed_by=r["delayed_by"],
                delayed_by_name=r["display_name"] or "",
                delayed_at=r["delayed_at"],
            )
        )
    return delays


async def _views(rows: list[dict[str, Any]]) -> list[TellTaskView]:
    delays = await _delays([r["id"] for r in rows])
    on = service_today()
    return [
        TellTaskView(
            id=r["id"],
            case_id=r["case_id"],
            case_reference=r["reference"],
            disclosure_id=r["disclosure_id"],
            recipient_org=r["recipient_org"],
            recipient_role=r["recipient_role"],
            legal_basis=LegalBasis(r["legal_basis"]) if r["legal_basis"] else None,
            due_on=r["due_on"],
            status=TaskStatus(r["status"]),
            overdue=r["status"] == TaskStatus.OPEN and r["due_on"] < on,
            told_on=r["told_on"],
            told_how=TellMethod(r["told_how"]) if r["told_how"] else None,
            told_note=r["told_note"],
            told_by_name=r["told_by_name"],
            created_at=r["created_at"],
            done_at=r["done_at"],
            delays=delays.get(r["id"], []),
            young_person_items=r["young_person_items"],
        )
        for r in rows
    ]


async def task_for_disclosure(disclosure_id: UUID) -> TellTaskView | None:
    """For a caller that has already opened the disclosure's case."""
    rows = await raw(
        _SELECT + " WHERE t.tenant_id = {} AND t.disclosure_id = {}",
        current_tenant_id(),
        disclosure_id,
    )
    views = await _views(rows)
    return views[0] if views else None


async def _case_of(task_id: UUID) -> UUID:
    rows = await raw(
        "SELECT case_id FROM tell_client_tasks WHERE tenant_id = {} AND id = {}",
        current_tenant_id(),
        task_id,
    )
    if not rows:
        raise TaskNotFound()
    return UUID(str(rows[0]["case_id"]))


async def _load(task_id: UUID) -> TellTaskView:
    rows = await raw(
        _SELECT + " WHERE t.tenant_id = {} AND t.id = {}", current_tenant_id(), task_id
    )
    [view] = await _views(rows)
    return view


async def get_task(task_id: UUID, staff: StaffView) -> TellTaskView:
    """One task, behind its case's need-to-know check (an audited read)."""
    await open_case(await _case_of(task_id), staff, purpose="tell_client_task")
    return await _load(task_id)


async def open_tasks(staff: StaffView, page: PageRequest) -> Page[TellTaskView]:
    """Open tasks, overdue first then by due date: a manager sees the whole service's,
    a caseworker those on cases they are assigned to."""
    if not works_cases(staff):
        return Page([], total=0, limit=page.limit, offset=page.offset)
    tenant_id = current_tenant_id()
    if staff.has(StaffRole.MANAGER):
        where, args = " WHERE t.tenant_id = {} AND t.status = 'open'", [tenant_id]
    else:
        where = (
            " WHERE t.tenant_id = {} AND t.status = 'open' AND EXISTS (SELECT 1 FROM"
            " case_assignments a WHERE a.tenant_id = t.tenant_id AND a.case_id = t.case_id"
            " AND a.staff_id = {} AND a.ended_at IS NULL)"
        )
        args = [tenant_id, staff.id]
    rows = await raw(
        _SELECT + where + " ORDER BY t.due_on, t.created_at, t.id LIMIT {} OFFSET {}",
        *args,
        page.limit,
        page.offset,
    )
    # ``where`` is one of two fixed strings above; every value is a bound argument.
    count_sql = "SELECT count(*) AS n FROM tell_client_tasks t" + where  # noqa: S608
    [count] = await raw(count_sql, *args)
    return Page(await _views(rows), int(count["n"]), page.limit, page.offset)


async def _open_task_for_change(task_id: UUID, staff: StaffView) -> tuple[CaseAccess, Any]:
    """Need-to-know on the task's case and the task, locked; the act is audited
    (``record_act``) once it has happened. Break-glass opens a case to read, not to close
    its tasks."""
    access = await check_access(
        await _case_of(task_id), staff, purpose="tell_client_task", allow_break_glass=False
    )
    [row] = await raw(
        "SELECT t.id, t.case_id, t.status, t.due_on, d.sent_on FROM tell_client_tasks t"
        " JOIN disclosures d ON d.tenant_id = t.tenant_id AND d.id = t.disclosure_id"
        " WHERE t.tenant_id = {} AND t.id = {} FOR UPDATE OF t",
        current_tenant_id(),
        task_id,
    )
    if row["status"] != TaskStatus.OPEN:
        raise Invalid({"task": "This task is already done"})
    return access, row


async def record_told(task_id: UUID, staff: StaffView, data: ToldClient) -> TellTaskView:
    """When and how the service user was told: the task is done."""
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    access, row = await _open_task_for_change(task_id, staff)
    data.validate(shared_on=row["sent_on"])
    await raw(
        "UPDATE tell_client_tasks SET status = 'done', told_on = {}, told_how = {},"
        " told_note = {}, told_by = {}, done_at = now() WHERE tenant_id = {} AND id = {}",
        data.told_on,
        data.told_how.value,
        data.note.strip(),
        staff.id,
        current_tenant_id(),
        task_id,
    )
    late = (data.told_on - row["due_on"]).days
    await record_act(
        access,
        staff,
        Action.TELL_CLIENT_DONE,
        reason_code=data.told_how.value,
        task_id=task_id,
        days_late=late,
    )
    return await _load(task_id)


async def delay(task_id: UUID, staff: StaffView, data: DelayTelling) -> TellTaskView:
    """A manager puts telling off, with a reason and a new date; the task stays open."""
    if not is_manager(staff):
        raise NotPermitted("managers only")
    access, row = await _open_task_for_change(task_id, staff)
    data.validate(row["due_on"])
    tenant_id = current_tenant_id()
    await TaskDelay.insert(
        TaskDelay(
            id=uuid4(),
            tenant_id=tenant_id,
            task_id=task_id,
            case_id=row["case_id"],
            reason=data.reason.strip(),
            previous_due_on=row["due_on"],
            new_due_on=data.new_due_on,
            delayed_by=staff.id,
        )
    )
    await raw(
        "UPDATE tell_client_tasks SET due_on = {} WHERE tenant_id = {} AND id = {}",
        data.new_due_on,
        tenant_id,
        task_id,
    )
    days = (data.new_due_on - row["due_on"]).days
    await record_act(access, staff, Action.TELL_CLIENT_DELAYED, task_id=task_id, days=days)
    return await _load(task_id)
