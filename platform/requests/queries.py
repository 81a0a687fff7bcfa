"""Every SQL statement of the information request register."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import paged, raw
from confide.platform.requests.clock import Steps, standing
from confide.platform.requests.schemas import (
    DUE_SOON_DAYS,
    Channel,
    Relation,
    RequestFilter,
    RequestKind,
    RequestStatus,
    RequestView,
)

_COLUMNS = (
    "r.id, r.kind, r.requester_name, r.relation, r.case_id, c.reference, r.received_on,"
    " r.channel, r.summary, r.identity_confirmed_on, r.identity_evidence,"
    " r.clarification_asked_on, r.clarification_received_on, r.extension_months,"
    " r.extension_days, r.extension_reason, r.foi_applies, r.status, r.outcome, r.released,"
    " r.logged_by, r.created_at, r.closed_at, r.task_id"
)
_FROM = (
    " FROM information_requests r LEFT JOIN cases c ON c.tenant_id = r.tenant_id"
    " AND c.id = r.case_id"
)


def steps_of(r: dict[str, Any]) -> Steps:
    return Steps(
        kind=RequestKind(r["kind"]),
        received_on=r["received_on"],
        identity_confirmed_on=r["identity_confirmed_on"],
        clarification_asked_on=r["clarification_asked_on"],
        clarification_received_on=r["clarification_received_on"],
        extension_months=r["extension_months"],
        extension_days=r["extension_days"],
        foi_applies=r["foi_applies"],
        closed=r["status"] == RequestStatus.CLOSED,
    )


def _view(r: dict[str, Any], on: date) -> RequestView:
    status = RequestStatus(r["status"])
    found = standing(steps_of(r))
    due = found.due_on
    live = status is RequestStatus.OPEN and due is not None
    return RequestView(
        id=r["id"],
        kind=RequestKind(r["kind"]),
        requester_name=r["requester_name"],
        relation=Relation(r["relation"]),
        case_id=r["case_id"],
        case_reference=None if r["reference"] is None else str(r["reference"]),
        received_on=r["received_on"],
        channel=Channel(r["channel"]),
        summary=r["summary"],
        identity_confirmed_on=r["identity_confirmed_on"],
        identity_evidence=r["identity_evidence"],
        clarification_asked_on=r["clarification_asked_on"],
        clarification_received_on=r["clarification_received_on"],
        extension_months=r["extension_months"],
        extension_days=r["extension_days"],
        extension_reason=r["extension_reason"],
        stage=found.stage,
        due_on=due,
        tell_extension_by=found.tell_extension_by,
        due_soon=live and on <= due <= on + timedelta(days=DUE_SOON_DAYS),  # type: ignore[operator]
        overdue=live and due < on,  # type: ignore[operator]
        status=status,
        outcome=r["outcome"],
        released=r["released"],
        logged_by=r["logged_by"],
        created_at=r["created_at"],
        closed_at=r["closed_at"],
    )


async def insert_request(
    tenant_id: UUID,
    request_id: UUID,
    *,
    kind: RequestKind,
    requester_name: str,
    relation: Relation,
    case_id: UUID | None,
    received_on: date,
    channel: Channel,
    summary: str,
    foi_applies: bool,
    logged_by: UUID,
) -> None:
    await raw(
        "INSERT INTO information_requests (id, tenant_id, kind, requester_name, relation,"
        " case_id, received_on, channel, summary, foi_applies, logged_by)"
        " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        request_id,
        tenant_id,
        kind.value,
        requester_name,
        relation.value,
        case_id,
        received_on,
        channel.value,
        summary,
        foi_applies,
        logged_by,
    )


async def request(tenant_id: UUID, request_id: UUID, on: date) -> RequestView | None:
    rows = await raw(
        f"SELECT {_COLUMNS}{_FROM} WHERE r.tenant_id = {{}} AND r.id = {{}}",
        tenant_id,
        request_id,
    )
    return _view(rows[0], on) if rows else None


async def lock_request(tenant_id: UUID, request_id: UUID) -> dict[str, Any] | None:
    """The request's row, locked for a step (two steps at once apply one after the other)."""
    rows = await raw(
        "SELECT r.*, NULL AS reference FROM information_requests r"
        " WHERE r.tenant_id = {} AND r.id = {} FOR UPDATE",
        tenant_id,
        request_id,
    )
    return rows[0] if rows else None


# The columns a step may write, each named once here (never from input).
STEP_COLUMNS = frozenset(
    {
        "identity_confirmed_on",
        "identity_evidence",
        "identity_checked_by",
        "clarification_asked_on",
        "clarification_received_on",
        "extension_months",
        "extension_days",
        "extension_reason",
        "due_on",
        "task_id",
    }
)


async def set_steps(tenant_id: UUID, request_id: UUID, values: dict[str, Any]) -> None:
    """Write a step's columns (``STEP_COLUMNS`` only) on an open request."""
    if not values or set(values) - STEP_COLUMNS:
        raise ValueError("a step writes only the step columns")
    names = sorted(values)
    assignments = ", ".join(f"{name} = {{}}" for name in names)
    await raw(
        f"UPDATE information_requests SET {assignments}"  # noqa: S608
        " WHERE tenant_id = {} AND id = {} AND status = 'open'",
        *(values[name] for name in names),
        tenant_id,
        request_id,
    )


async def close_request(
    tenant_id: UUID, request_id: UUID, outcome: str, released: str, closed_by: UUID
) -> None:
    await raw(
        "UPDATE information_requests SET status = 'closed', outcome = {}, released = {},"
        " closed_by = {}, closed_at = now() WHERE tenant_id = {} AND id = {}"
        " AND status = 'open'",
        outcome,
        released,
        closed_by,
        tenant_id,
        request_id,
    )


async def requests(
    tenant_id: UUID, filters: RequestFilter, on: date, page: PageRequest
) -> Page[RequestView]:
    """Requests, those with the soonest deadline first (a waiting clock's last), then the
    oldest received."""
    result = await paged(
        f"SELECT {_COLUMNS}{_FROM} WHERE r.tenant_id = {{}}"
        " AND (NOT {} OR r.status = 'open') AND ({}::text IS NULL OR r.kind = {})"
        " ORDER BY r.status DESC, r.due_on NULLS LAST, r.received_on, r.id",
        tenant_id,
        filters.open_only,
        filters.kind.value if filters.kind else None,
        filters.kind.value if filters.kind else None,
        page=page,
    )
    return Page([_view(r, on) for r in result.items], result.total, page.limit, page.offset)


async def due_requests(tenant_id: UUID, until: date) -> list[dict[str, Any]]:
    """Open requests due by ``until`` (overdue included), with their case's reference."""
    return await raw(
        "SELECT r.id, r.case_id, c.reference, r.due_on FROM information_requests r"
        " LEFT JOIN cases c ON c.tenant_id = r.tenant_id AND c.id = r.case_id"
        " WHERE r.tenant_id = {} AND r.status = 'open' AND r.due_on <= {}"
        " ORDER BY r.due_on, r.id",
        tenant_id,
        until,
    )


async def count_due(tenant_id: UUID, until: date) -> int:
    """Open requests due by ``until`` (overdue included): the dashboard's count."""
    [row] = await raw(
        "SELECT count(*) AS n FROM information_requests WHERE tenant_id = {}"
        " AND status = 'open' AND due_on <= {}",
        tenant_id,
        until,
    )
    return int(row["n"])


# Subject access's own steps (rule 30): one row per request, made at its first step.


async def subject_access(tenant_id: UUID, request_id: UUID) -> dict[str, Any] | None:
    rows = await raw(
        "SELECT * FROM subject_access_requests WHERE tenant_id = {} AND request_id = {}",
        tenant_id,
        request_id,
    )
    return rows[0] if rows else None


# The columns a subject access step may write, each named once here (never from input).
SUBJECT_ACCESS_COLUMNS = frozenset(
    {
        "agreed_on",
        "agreement_evidence",
        "agreed_by",
        "export_id",
        "subject_person_id",
        "capacity_decision_id",
        "original_id",
        "released_id",
        "released_sha256",
        "approved_by",
        "approved_at",
        "released_by",
        "released_at",
        "release_method",
    }
)


async def set_subject_access(tenant_id: UUID, request_id: UUID, values: dict[str, Any]) -> None:
    """Write a subject access step's columns, making the request's row at its first (a
    change first: an insert's row is checked whole, before any conflict)."""
    if not values or set(values) - SUBJECT_ACCESS_COLUMNS:
        raise ValueError("a step writes only the subject access columns")
    names = sorted(values)
    assignments = ", ".join(f"{name} = {{}}" for name in names)
    changed = await raw(
        f"UPDATE subject_access_requests SET {assignments}"  # noqa: S608
        " WHERE tenant_id = {} AND request_id = {} RETURNING id",
        *(values[name] for name in names),
        tenant_id,
        request_id,
    )
    if changed:
        return
    columns = ", ".join(names)
    places = ", ".join("{}" for _ in names)
    await raw(
        f"INSERT INTO subject_access_requests (id, tenant_id, request_id, {columns})"  # noqa: S608
        f" VALUES (gen_random_uuid(), {{}}, {{}}, {places})",
        tenant_id,
        request_id,
        *(values[name] for name in names),
    )


async def insert_redaction(
    tenant_id: UUID,
    mark_id: UUID,
    request_id: UUID,
    kind: str,
    item: str,
    start: int | None,
    end: int | None,
    marked_by: UUID,
) -> None:
    await raw(
        "INSERT INTO subject_access_redactions (id, tenant_id, request_id, kind, item,"
        " range_start, range_end, marked_by) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        mark_id,
        tenant_id,
        request_id,
        kind,
        item,
        start,
        end,
        marked_by,
    )


async def redactions(tenant_id: UUID, request_id: UUID) -> list[dict[str, Any]]:
    """A request's marks still standing, in the order they were made."""
    return await raw(
        "SELECT id, kind, item, range_start, range_end, marked_by, marked_at"
        " FROM subject_access_redactions WHERE tenant_id = {} AND request_id = {}"
        " AND removed_at IS NULL ORDER BY marked_at, id",
        tenant_id,
        request_id,
    )


async def remove_redaction(
    tenant_id: UUID, request_id: UUID, mark_id: UUID, removed_by: UUID
) -> bool:
    rows = await raw(
        "UPDATE subject_access_redactions SET removed_at = now(), removed_by = {}"
        " WHERE tenant_id = {} AND request_id = {} AND id = {} AND removed_at IS NULL"
        " RETURNING id",
        removed_by,
        tenant_id,
        request_id,
        mark_id,
    )
    return bool(rows)
