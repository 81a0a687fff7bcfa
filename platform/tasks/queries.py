"""Every SQL statement of the tasks domain."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import paged, raw
from confide.platform.tasks.schemas import TaskFilter, TaskKind, TaskScope, TaskState, TaskView

_COLUMNS = (
    "t.id, t.kind, t.case_id, c.reference, t.title, t.assignee_id, t.due_on, t.status,"
    " t.done_by, t.done_at, t.created_at"
)


def _view(r: dict[str, Any], on: date) -> TaskView:
    status = TaskState(r["status"])
    return TaskView(
        id=r["id"],
        kind=TaskKind(r["kind"]),
        case_id=r["case_id"],
        case_reference=r["reference"],
        title=r["title"],
        assignee_id=r["assignee_id"],
        due_on=r["due_on"],
        status=status,
        overdue=status is TaskState.OPEN and r["due_on"] is not None and r["due_on"] < on,
        done_by=r["done_by"],
        done_at=r["done_at"],
        created_at=r["created_at"],
    )


async def insert_task(
    tenant_id: UUID,
    task_id: UUID,
    kind: TaskKind,
    case_id: UUID,
    due_on: date,
    *,
    title: str = "",
    assignee_id: UUID | None = None,
    created_by: UUID | None = None,
    source_key: str | None = None,
) -> None:
    await raw(
        "INSERT INTO tasks (id, tenant_id, kind, case_id, title, assignee_id, due_on, status,"
        " source_key, created_by) VALUES ({}, {}, {}, {}, {}, {}, {}, 'open', {}, {})",
        task_id,
        tenant_id,
        kind.value,
        case_id,
        title,
        assignee_id,
        due_on,
        source_key,
        created_by,
    )


async def insert_for_case_worker(
    tenant_id: UUID, task_id: UUID, kind: TaskKind, case_id: UUID, due_on: date, source_key: str
) -> None:
    """A task made by the service for the case's caseworker (the managers' queue when the
    case has none)."""
    await raw(
        "INSERT INTO tasks (id, tenant_id, kind, case_id, assignee_id, due_on, status,"
        " source_key) VALUES ({}, {}, {}, {}, (SELECT a.staff_id FROM case_assignments a"
        " WHERE a.tenant_id = {} AND a.case_id = {} AND a.ended_at IS NULL"
        " ORDER BY a.assigned_at DESC LIMIT 1), {}, 'open', {})",
        task_id,
        tenant_id,
        kind.value,
        case_id,
        tenant_id,
        case_id,
        due_on,
        source_key,
    )


# The current consent of each open case and when its review is due (the latest review's
# next date, else the consent's own), as in ``consent.queries.reviews_due``.
_DUE_REVIEWS = (
    "SELECT c.id AS case_id, cur.id AS consent_id, cur.due FROM cases c"
    " JOIN LATERAL (SELECT k.id, coalesce((SELECT r.next_review_due FROM consent_reviews r"
    " WHERE r.tenant_id = k.tenant_id AND r.consent_id = k.id"
    " ORDER BY r.reviewed_at DESC, r.id LIMIT 1), k.review_due) AS due FROM consents k"
    " WHERE k.tenant_id = c.tenant_id AND k.case_id = c.id ORDER BY k.version DESC LIMIT 1)"
    " cur ON true WHERE c.tenant_id = {} AND c.status = 'open'"
)


#: The ends of the range of case ids a batch of the review job covers when it has no end.
FIRST_ID = UUID(int=0)
LAST_ID = UUID(int=(1 << 128) - 1)


async def open_case_bound(tenant_id: UUID, after: UUID, size: int) -> UUID | None:
    """The id of the ``size``-th open case after ``after`` (by id): where a batch of the
    review job ends; None when fewer are left (the batch runs to the end)."""
    rows = await raw(
        "SELECT id FROM cases WHERE tenant_id = {} AND status = 'open' AND id > {}"
        " ORDER BY id OFFSET {} LIMIT 1",
        tenant_id,
        after,
        size - 1,
    )
    return rows[0]["id"] if rows else None


async def make_review_tasks(tenant_id: UUID, until: date, after: UUID, upto: UUID) -> int:
    """A consent-review task for every current consent of an open case (its id after
    ``after``, up to ``upto``) due by ``until``, for the case's caseworker or the managers'
    queue; none twice (the source key is the consent and its due date). How many were
    made: one statement per batch of cases, each well within the statement timeout."""
    rows = await raw(
        "INSERT INTO tasks (id, tenant_id, kind, case_id, assignee_id, due_on, status,"  # noqa: S608
        " source_key) SELECT gen_random_uuid(), {}, 'consent_review', d.case_id,"
        " (SELECT a.staff_id FROM case_assignments a WHERE a.tenant_id = {}"
        " AND a.case_id = d.case_id AND a.ended_at IS NULL ORDER BY a.assigned_at DESC"
        " LIMIT 1), d.due, 'open', d.consent_id::text || ':' || d.due::text"
        " FROM (" + _DUE_REVIEWS + " AND c.id > {} AND c.id <= {}) d WHERE d.due <= {}"
        " ON CONFLICT (tenant_id, kind, source_key) DO NOTHING RETURNING id",
        tenant_id,
        tenant_id,
        tenant_id,
        after,
        upto,
        until,
    )
    return len(rows)


async def close_settled_reviews(tenant_id: UUID) -> int:
    """Open consent-review tasks whose consent was since reviewed or replaced, or whose
    case closed, are done (by the service: ``done_by`` null). How many."""
    rows = await raw(
        "UPDATE tasks t SET status = 'done', done_at = now() WHERE t.tenant_id = {}"  # noqa: S608
        " AND t.kind = 'consent_review' AND t.status = 'open' AND NOT EXISTS (SELECT 1 FROM ("
        + _DUE_REVIEWS
        + ") d WHERE d.case_id = t.case_id AND t.source_key = d.consent_id::text || ':'"
        " || d.due::text) RETURNING t.id",
        tenant_id,
        tenant_id,
    )
    return len(rows)


async def task(tenant_id: UUID, task_id: UUID, on: date) -> TaskView | None:
    rows = await raw(
        f"SELECT {_COLUMNS} FROM tasks t JOIN cases c ON c.tenant_id = t.tenant_id"  # noqa: S608
        " AND c.id = t.case_id WHERE t.tenant_id = {} AND t.id = {}",
        tenant_id,
        task_id,
    )
    return _view(rows[0], on) if rows else None


async def lock_task(tenant_id: UUID, task_id: UUID) -> dict[str, Any] | None:
    rows = await raw(
        "SELECT id, kind, case_id, status, assignee_id FROM tasks WHERE tenant_id = {}"
        " AND id = {} FOR UPDATE",
        tenant_id,
        task_id,
    )
    return rows[0] if rows else None


async def mark_done(tenant_id: UUID, task_id: UUID, done_by: UUID | None) -> None:
    await raw(
        "UPDATE tasks SET status = 'done', done_by = {}, done_at = now()"
        " WHERE tenant_id = {} AND id = {} AND status = 'open'",
        done_by,
        tenant_id,
        task_id,
    )


async def close_kind_on_case(
    tenant_id: UUID, case_id: UUID, kind: TaskKind, done_by: UUID | None
) -> None:
    await raw(
        "UPDATE tasks SET status = 'done', done_by = {}, done_at = now()"
        " WHERE tenant_id = {} AND case_id = {} AND kind = {} AND status = 'open'",
        done_by,
        tenant_id,
        case_id,
        kind.value,
    )


async def set_due(tenant_id: UUID, task_id: UUID, due_on: date | None) -> None:
    await raw(
        "UPDATE tasks SET due_on = {} WHERE tenant_id = {} AND id = {}",
        due_on,
        tenant_id,
        task_id,
    )


async def tasks(
    tenant_id: UUID,
    staff_id: UUID,
    manager: bool,
    filters: TaskFilter,
    on: date,
    page: PageRequest,
    case_id: UUID | None = None,
) -> Page[TaskView]:
    """Open tasks, overdue first then by due date: the person's own (and, for a manager,
    the managers' queue), or the whole team's (``TaskScope.TEAM``, managers only: the
    service checks); of one kind, only overdue, or of one case if asked."""
    team = filters.scope is TaskScope.TEAM
    result = await paged(
        f"SELECT {_COLUMNS} FROM tasks t JOIN cases c ON c.tenant_id = t.tenant_id"  # noqa: S608
        " AND c.id = t.case_id WHERE t.tenant_id = {} AND t.status = 'open'"
        " AND ({} OR t.assignee_id = {} OR ({} AND t.assignee_id IS NULL))"
        " AND ({}::text IS NULL OR t.kind = {}) AND (NOT {} OR t.due_on < {})"
        " AND ({}::uuid IS NULL OR t.case_id = {})"
        " ORDER BY t.due_on, c.reference, t.id",
        tenant_id,
        team or case_id is not None,
        staff_id,
        manager,
        filters.kind.value if filters.kind else None,
        filters.kind.value if filters.kind else None,
        filters.overdue,
        on,
        case_id,
        case_id,
        page=page,
    )
    return Page([_view(r, on) for r in result.items], result.total, page.limit, page.offset)


async def count_due(tenant_id: UUID, staff_id: UUID, manager: bool, until: date) -> int:
    """The person's open tasks (and for a manager the queue's) due by ``until``."""
    [row] = await raw(
        "SELECT count(*) AS n FROM tasks WHERE tenant_id = {} AND status = 'open'"
        " AND due_on <= {} AND (assignee_id = {} OR ({} AND assignee_id IS NULL))",
        tenant_id,
        until,
        staff_id,
        manager,
    )
    return int(row["n"])


async def overdue(tenant_id: UUID, kind: TaskKind, on: date) -> list[tuple[UUID, UUID, date]]:
    """Every open task of ``kind`` due before ``on``: (task, case, due date)."""
    rows = await raw(
        "SELECT id, case_id, due_on FROM tasks WHERE tenant_id = {} AND kind = {}"
        " AND status = 'open' AND due_on < {} ORDER BY due_on, id",
        tenant_id,
        kind.value,
        on,
    )
    return [(r["id"], r["case_id"], r["due_on"]) for r in rows]
