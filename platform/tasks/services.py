"""Tasks (rule 24): one model of what someone must do on a case and by when, whoever made
it: a caseworker's follow-up, a consent falling due for review (the scheduled job), a
share that means the service user must be told (``consent.tasks`` keeps that kind's
rules). A task is for its assignee, or for the managers' queue when nobody is assigned;
it is done once, with who and when, and never deleted.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework.access import check_access, is_manager, record_act, works_cases
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Forbidden, Invalid, NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.tasks import queries
from confide.platform.tasks.schemas import (
    NewFollowUp,
    TaskFilter,
    TaskKind,
    TaskScope,
    TaskState,
    TaskView,
)
from confide.tenants.policy.services import get_policy

#: What the dashboard counts as due: today and the week ahead.
DUE_SOON_DAYS = 7
#: Open cases the consent-review job looks at per statement (``make_review_tasks``).
REVIEW_BATCH = 10_000


class TaskNotFound(NotFound):
    """No such task here (never existed, or another tenant's: the same to the caller)."""


class TaskNotPermitted(Forbidden):
    """The person may not do this to the task."""


async def add_follow_up(case_id: UUID, staff: StaffView, data: NewFollowUp) -> TaskView:
    """A caseworker or manager adds a follow-up, for themselves, on a case they work on
    (need-to-know; break-glass reads, it does not act)."""
    if not works_cases(staff):
        raise TaskNotPermitted("case work is for caseworkers and managers")
    today = service_today()
    data.validate(today)
    access = await check_access(
        case_id, staff, purpose="task", require_open=True, allow_break_glass=False
    )
    task_id = uuid4()
    tenant_id = current_tenant_id()
    await queries.insert_task(
        tenant_id,
        task_id,
        TaskKind.FOLLOW_UP,
        case_id,
        data.due_on,
        title=data.title.strip(),
        assignee_id=staff.id,
        created_by=staff.id,
    )
    await record_act(access, staff, Action.TASK_ADDED, reason_code="follow_up", task_id=task_id)
    view = await queries.task(tenant_id, task_id, today)
    assert view is not None
    return view


async def open_for_case_worker(
    task_id: UUID, kind: TaskKind, case_id: UUID, due_on: date, source_key: str
) -> None:
    """For another domain opening a task of its kind (``consent.tasks``): for the case's
    caseworker, or the managers' queue. The caller audits it."""
    await queries.insert_for_case_worker(
        current_tenant_id(), task_id, kind, case_id, due_on, source_key
    )


async def open_for_managers(
    task_id: UUID, kind: TaskKind, case_id: UUID, due_on: date, source_key: str
) -> None:
    """For another domain opening a task of its kind in the managers' queue (an
    information request a caseworker logged). The caller audits it."""
    await queries.insert_task(
        current_tenant_id(), task_id, kind, case_id, due_on, source_key=source_key
    )


async def close_for(task_id: UUID, done_by: UUID | None) -> None:
    """For the domain that owns a kind's rules, once its task is done."""
    await queries.mark_done(current_tenant_id(), task_id, done_by)


async def close_consent_reviews(case_id: UUID, done_by: UUID) -> None:
    """For the consent domain: the case's consent was reviewed, or a new version recorded,
    so its open consent-review task is done, by whoever did it."""
    await queries.close_kind_on_case(current_tenant_id(), case_id, TaskKind.CONSENT_REVIEW, done_by)


async def move_due(task_id: UUID, due_on: date | None) -> None:
    """For the domain that owns a kind's rules (a manager's delay of telling; a request's
    deadline, None while its clock is stopped: a task with no due date is never overdue)."""
    await queries.set_due(current_tenant_id(), task_id, due_on)


async def overdue(kind: TaskKind, on: date) -> list[tuple[UUID, UUID, date]]:
    """Every open task of ``kind`` due before ``on``, oldest due first: (task, case, due
    date). For the jobs that tell someone (``consent.tasks.tell_managers_of_overdue``)."""
    return await queries.overdue(current_tenant_id(), kind, on)


async def get_task(task_id: UUID, staff: StaffView) -> TaskView:
    """One task, behind its case's need-to-know check (an audited read of the case)."""
    tenant_id = current_tenant_id()
    found = await queries.task(tenant_id, task_id, service_today())
    if found is None or not works_cases(staff):
        raise TaskNotFound()
    await check_access(found.case_id, staff, purpose="task")
    await audit.record(
        Action.CASE_READ,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="case",
        subject_id=found.case_id,
        reason_code="task",
        detail={"task_id": task_id},
    )
    return found


async def mark_done(task_id: UUID, staff: StaffView) -> TaskView:
    """A follow-up or a consent review is done: by its assignee, or a manager (the queue's
    are the managers'). A tell-the-client task is done only by recording how the person
    was told (``consent.tasks.record_told``)."""
    if not works_cases(staff):
        raise TaskNotPermitted("case work is for caseworkers and managers")
    tenant_id = current_tenant_id()
    row = await queries.lock_task(tenant_id, task_id)
    if row is None:
        raise TaskNotFound()
    access = await check_access(row["case_id"], staff, purpose="task", allow_break_glass=False)
    if row["assignee_id"] != staff.id and not is_manager(staff):
        raise TaskNotPermitted("only its assignee or a manager marks a task done")
    if row["kind"] == TaskKind.TELL_CLIENT:
        raise Invalid({"task": "Record when and how the service user was told instead"})
    if row["status"] != TaskState.OPEN:
        raise Invalid({"task": "This task is already done"})
    await queries.mark_done(tenant_id, task_id, staff.id)
    await record_act(access, staff, Action.TASK_DONE, reason_code=row["kind"], task_id=task_id)
    view = await queries.task(tenant_id, task_id, service_today())
    assert view is not None
    return view


def _empty(page: PageRequest) -> Page[TaskView]:
    return Page([], total=0, limit=page.limit, offset=page.offset)


async def list_tasks(staff: StaffView, filters: TaskFilter, page: PageRequest) -> Page[TaskView]:
    """Open tasks, soonest due first: the person's own (a manager's include the managers'
    queue), or the team's for a manager. Case references only: the list opens no case."""
    if not works_cases(staff):
        return _empty(page)
    if filters.scope is TaskScope.TEAM and not is_manager(staff):
        raise TaskNotPermitted("the team's tasks are for managers")
    return await queries.tasks(
        current_tenant_id(), staff.id, is_manager(staff), filters, service_today(), page
    )


async def case_tasks(case_id: UUID, staff: StaffView, page: PageRequest) -> Page[TaskView]:
    """A case's open tasks, for a caller that has already opened the case (its next
    actions)."""
    return await queries.tasks(
        current_tenant_id(), staff.id, is_manager(staff), TaskFilter(), service_today(), page,
        case_id=case_id,
    )  # fmt: skip


async def due_count(staff: StaffView) -> int:
    """The dashboard's count: the person's open tasks due within the week (overdue too)."""
    if not works_cases(staff):
        return 0
    until = service_today() + timedelta(days=DUE_SOON_DAYS)
    return await queries.count_due(current_tenant_id(), staff.id, is_manager(staff), until)


async def make_review_tasks() -> dict[str, int]:
    """The scheduled job's work (``workers/tasks.py``): every current consent of an open
    case due for review within the tenant's notice (policy ``consent_review_notice_days``)
    becomes a task for the case's caseworker
    (the managers' queue when nobody is assigned), once; a review task whose consent was
    since reviewed or replaced, or whose case closed, is closed. Safe to run again."""
    tenant_id = current_tenant_id()
    notice = (await get_policy()).consent_review_notice_days
    until = service_today() + timedelta(days=notice)
    closed = await queries.close_settled_reviews(tenant_id)
    made, after = 0, queries.FIRST_ID
    while True:  # a batch of open cases per statement: any number within the timeout
        upto = await queries.open_case_bound(tenant_id, after, REVIEW_BATCH)
        made += await queries.make_review_tasks(tenant_id, until, after, upto or queries.LAST_ID)
        if upto is None:
            break
        after = upto
    if made or closed:
        await audit.record(
            Action.REVIEW_TASKS_MADE,
            actor_kind="system",
            detail={"made": made, "closed": closed},
        )
    return {"tasks_made": made, "tasks_closed": closed}
