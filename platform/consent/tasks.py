"""Tell the service user (rule 7, "we will always tell you").

A disclosure made without consent opens a task due within the tenant's number of
days. It stays open until someone records when and how the person was told. A
manager may delay it with a reason and a later date (kept, never replaced); the task
can never be deleted by the application, and overdue tasks are flagged for managers.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework import safe_contact
from confide.platform.casework.access import (
    CaseAccess,
    check_access,
    is_manager,
    open_case,
    record_act,
    works_cases,
)
from confide.platform.consent import queries
from confide.platform.consent.errors import NotPermitted
from confide.platform.consent.schemas import (
    DelayTelling,
    TaskStatus,
    TellTaskView,
    ToldClient,
)
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid, NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.notifications import services as notifications
from confide.platform.notifications.schemas import NotificationKind
from confide.platform.tasks import services as task_model
from confide.platform.tasks.schemas import TaskKind
from confide.tenants.roles import StaffRole


class TaskNotFound(NotFound):
    """No such task here (never existed, or another tenant's: the same to the caller)."""


async def open_task(case_id: UUID, disclosure_id: UUID, days: int) -> UUID:
    """Called by ``disclosures`` when something shared without consent has been sent."""
    task_id = uuid4()
    due = service_today() + timedelta(days=days)
    await queries.insert_task(current_tenant_id(), task_id, case_id, disclosure_id, due)
    # One kind of the one task model (rule 24): its list, the dashboard, next actions.
    await task_model.open_for_case_worker(
        task_id, TaskKind.TELL_CLIENT, case_id, due, str(disclosure_id)
    )
    await audit.record(
        Action.TELL_CLIENT_TASK_OPENED,
        actor_kind="system",
        subject_kind="case",
        subject_id=case_id,
        detail={"task_id": task_id, "disclosure_id": disclosure_id, "days": days},
    )
    return task_id


async def task_for_disclosure(disclosure_id: UUID) -> TellTaskView | None:
    """For a caller that has already opened the disclosure's case."""
    return await queries.task_for_disclosure(current_tenant_id(), disclosure_id, service_today())


async def _case_of(task_id: UUID) -> UUID:
    case_id = await queries.task_case(current_tenant_id(), task_id)
    if case_id is None:
        raise TaskNotFound()
    return case_id


async def _load(task_id: UUID) -> TellTaskView:
    return await queries.task(current_tenant_id(), task_id, service_today())


async def get_task(task_id: UUID, staff: StaffView) -> TellTaskView:
    """One task, behind its case's need-to-know check (an audited read)."""
    await open_case(await _case_of(task_id), staff, purpose="tell_client_task")
    return await _load(task_id)


async def open_tasks(staff: StaffView, page: PageRequest) -> Page[TellTaskView]:
    """Open tasks, overdue first then by due date: a manager sees the whole service's,
    a caseworker those on cases they are assigned to."""
    if not works_cases(staff):
        return Page([], total=0, limit=page.limit, offset=page.offset)
    assigned_to = None if staff.has(StaffRole.MANAGER) else staff.id
    return await queries.open_tasks(current_tenant_id(), assigned_to, service_today(), page)


async def _open_task_for_change(
    task_id: UUID, staff: StaffView
) -> tuple[CaseAccess, queries.LockedTask]:
    """Need-to-know on the task's case and the task, locked; the act is audited
    (``record_act``) once it has happened. Break-glass opens a case to read, not to close
    its tasks."""
    access = await check_access(
        await _case_of(task_id), staff, purpose="tell_client_task", allow_break_glass=False
    )
    row = await queries.lock_task(current_tenant_id(), task_id)
    if row.status != TaskStatus.OPEN:
        raise Invalid({"task": "This task is already done"})
    return access, row


async def record_told(task_id: UUID, staff: StaffView, data: ToldClient) -> TellTaskView:
    """When and how the service user was told: the task is done."""
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    access, row = await _open_task_for_change(task_id, staff)
    data.validate(shared_on=row.sent_on)
    # rule 8: telling them must not reveal the service to anyone else.
    excepted = await safe_contact.check_route(
        access.case_id,
        staff,
        data.told_how.value,
        data.told_person_id,
        data.safe_contact_exception,
        route_field="told_how",
        person_field="told_person_id",
    )
    await queries.mark_told(current_tenant_id(), task_id, data, staff.id)
    await task_model.close_for(task_id, staff.id)
    late = (data.told_on - row.due_on).days
    await record_act(
        access,
        staff,
        Action.TELL_CLIENT_DONE,
        reason_code=data.told_how.value,
        task_id=task_id,
        days_late=late,
    )
    if excepted:
        await record_act(
            access, staff, Action.SAFE_CONTACT_EXCEPTION, reason_code=data.told_how.value,
            task_id=task_id,
        )  # fmt: skip
    return await _load(task_id)


async def delay(task_id: UUID, staff: StaffView, data: DelayTelling) -> TellTaskView:
    """A manager puts telling off, with a reason and a new date; the task stays open."""
    if not is_manager(staff):
        raise NotPermitted("managers only")
    access, row = await _open_task_for_change(task_id, staff)
    data.validate(row.due_on)
    tenant_id = current_tenant_id()
    await queries.insert_delay(tenant_id, row, data, staff.id)
    await queries.set_task_due(tenant_id, task_id, data.new_due_on)
    await task_model.move_due(task_id, data.new_due_on)
    days = (data.new_due_on - row.due_on).days
    await record_act(access, staff, Action.TELL_CLIENT_DELAYED, task_id=task_id, days=days)
    return await _load(task_id)


async def tell_managers_of_overdue(today: date) -> int:
    """The ``notifications.tell_client_overdue`` job's work: every manager told once of each
    open task past its due date (once per due date: a delayed task that goes overdue again
    is told again). How many notifications were made; run again, none."""
    overdue = await task_model.overdue(TaskKind.TELL_CLIENT, today)  # the one task model
    return await notifications.notify_managers_of_cases(
        NotificationKind.TELL_CLIENT_OVERDUE,
        [
            (case_id, task_id, f"{task_id}:{due_on.isoformat()}")
            for task_id, case_id, due_on in overdue
        ],
    )
