"""Every statement of the exports domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import paged, raw
from confide.platform.exports.schemas import BundleView, ExportKind, ExportStatus, ExportView

_SELECT = (
    "SELECT e.id, e.kind, e.case_id, coalesce(c.reference, '') AS case_reference, e.view,"
    " e.include_documents, e.status, e.progress_done, e.progress_total, e.failure,"
    " e.size_bytes, e.sha256, e.requested_by, e.requested_at, e.finished_at, e.expires_at,"
    " e.started_at, e.progressed_at, e.period_kind, e.period_start"
    " FROM exports e LEFT JOIN cases c ON c.tenant_id = e.tenant_id AND c.id = e.case_id"
    " WHERE e.tenant_id = {}"
)


def _view(row: dict[str, Any]) -> ExportView:
    return ExportView(
        id=row["id"],
        kind=ExportKind(row["kind"]),
        case_id=row["case_id"],
        case_reference=row["case_reference"],
        view=BundleView(row["view"]),
        include_documents=row["include_documents"],
        status=ExportStatus(row["status"]),
        progress_done=row["progress_done"],
        progress_total=row["progress_total"],
        failure=row["failure"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
        requested_by=row["requested_by"],
        requested_at=row["requested_at"],
        finished_at=row["finished_at"],
        expires_at=row["expires_at"],
        started_at=row["started_at"],
        progressed_at=row["progressed_at"],
        period_kind=row["period_kind"],
        period_start=row["period_start"],
    )


async def insert_export(
    tenant_id: UUID,
    export_id: UUID,
    kind: ExportKind,
    case_id: UUID | None,
    view: BundleView,
    include_documents: bool,
    requested_by: UUID,
) -> None:
    await raw(
        "INSERT INTO exports (id, tenant_id, kind, case_id, view, include_documents, status,"
        " requested_by) VALUES ({}, {}, {}, {}, {}, {}, 'queued', {})",
        export_id,
        tenant_id,
        kind.value,
        case_id,
        view.value,
        include_documents,
        requested_by,
    )


async def insert_annual_return(
    tenant_id: UUID, export_id: UUID, period_kind: str, period_start: date, requested_by: UUID
) -> bool:
    """A queued annual return of the period; False when one is queued or running already
    (the partial unique index ``exports_annual_return_building``: two requests at once
    make one)."""
    rows = await raw(
        "INSERT INTO exports (id, tenant_id, kind, case_id, status, requested_by, period_kind,"
        " period_start) VALUES ({}, {}, 'annual_return', NULL, 'queued', {}, {}, {})"
        " ON CONFLICT (tenant_id, period_kind, period_start)"
        " WHERE kind = 'annual_return' AND status IN ('queued', 'running') DO NOTHING"
        " RETURNING id",
        export_id, tenant_id, requested_by, period_kind, period_start,
    )  # fmt: skip
    return bool(rows)


async def building_annual_return(
    tenant_id: UUID, period_kind: str, period_start: date
) -> ExportView | None:
    """The period's annual return queued or running, if any (at most one: the index)."""
    rows = await raw(
        _SELECT + " AND e.kind = 'annual_return' AND e.period_kind = {}"
        " AND e.period_start = {} AND e.status IN ('queued', 'running')",
        tenant_id, period_kind, period_start,
    )  # fmt: skip
    return _view(rows[0]) if rows else None


async def export(tenant_id: UUID, export_id: UUID) -> ExportView | None:
    rows = await raw(_SELECT + " AND e.id = {}", tenant_id, export_id)
    return _view(rows[0]) if rows else None


async def exports(
    tenant_id: UUID,
    requested_by: UUID | None,
    case_id: UUID | None,
    page: PageRequest,
    without: tuple[ExportKind, ...] = (),
) -> Page[ExportView]:
    """Exports newest first: one person's (or everyone's: None), of one case or all, and
    of every kind but those ``without``."""
    where = ""
    args: list[Any] = [tenant_id]
    if without:
        where += " AND e.kind <> ALL({}::text[])"
        args.append([kind.value for kind in without])
    if requested_by is not None:
        where += " AND e.requested_by = {}"
        args.append(requested_by)
    if case_id is not None:
        where += " AND e.case_id = {}"
        args.append(case_id)
    result = await paged(
        _SELECT + where + " ORDER BY e.requested_at DESC, e.id DESC", *args, page=page
    )
    return Page([_view(r) for r in result.items], result.total, page.limit, page.offset)


async def start(tenant_id: UUID, export_id: UUID, total: int) -> ExportView | None:
    """Queued (or running, after a worker died mid-build) to running from nought: None when
    it is already finished or not there."""
    rows = await raw(
        "UPDATE exports SET status = 'running', progress_done = 0, progress_total = {},"
        " started_at = now() WHERE tenant_id = {} AND id = {}"
        " AND status IN ('queued', 'running') RETURNING id",
        total,
        tenant_id,
        export_id,
    )
    return await export(tenant_id, export_id) if rows else None


async def progress(tenant_id: UUID, export_id: UUID, done: int) -> None:
    await raw(
        "UPDATE exports SET progress_done = least({}, progress_total), progressed_at = now()"
        " WHERE tenant_id = {} AND id = {} AND status = 'running'",
        done,
        tenant_id,
        export_id,
    )


async def hold_running(tenant_id: UUID, export_id: UUID) -> bool:
    """Lock the export's row if it is still running (being built); False otherwise."""
    rows = await raw(
        "SELECT id FROM exports WHERE tenant_id = {} AND id = {} AND status = 'running' FOR UPDATE",
        tenant_id,
        export_id,
    )
    return bool(rows)


async def finish(
    tenant_id: UUID,
    export_id: UUID,
    object_key: str,
    size_bytes: int,
    sha256: str,
    expires_at: datetime,
) -> bool:
    """Running to ready, once: False when another attempt finished it first."""
    rows = await raw(
        "UPDATE exports SET status = 'ready', progress_done = progress_total, object_key = {},"
        " size_bytes = {}, sha256 = {}, finished_at = now(), expires_at = {}"
        " WHERE tenant_id = {} AND id = {} AND status = 'running' RETURNING id",
        object_key,
        size_bytes,
        sha256,
        expires_at,
        tenant_id,
        export_id,
    )
    return bool(rows)


async def finish_kept(tenant_id: UUID, export_id: UUID) -> bool:
    """Running to ready with no file (what it built is kept elsewhere: an annual return's
    release), once: False when another attempt finished it first."""
    rows = await raw(
        "UPDATE exports SET status = 'ready', progress_done = progress_total,"
        " finished_at = now() WHERE tenant_id = {} AND id = {} AND status = 'running'"
        " RETURNING id",
        tenant_id,
        export_id,
    )
    return bool(rows)


async def fail_stalled(tenant_id: UUID, export_id: UUID, failure: str, before: datetime) -> bool:
    """Queued or running and showing no life since ``before`` (asked for, started or its
    last step) to failed: False when it is no longer so (it finished, failed or moved on
    meanwhile)."""
    rows = await raw(
        "UPDATE exports SET status = 'failed', failure = {}, finished_at = now()"
        " WHERE tenant_id = {} AND id = {} AND status IN ('queued', 'running')"
        " AND greatest(requested_at, started_at, progressed_at) <= {} RETURNING id",
        failure, tenant_id, export_id, before,
    )  # fmt: skip
    return bool(rows)


async def fail(tenant_id: UUID, export_id: UUID, failure: str) -> None:
    await raw(
        "UPDATE exports SET status = 'failed', failure = {}, finished_at = now()"
        " WHERE tenant_id = {} AND id = {} AND status IN ('queued', 'running')",
        failure,
        tenant_id,
        export_id,
    )


async def object_key(tenant_id: UUID, export_id: UUID) -> str | None:
    rows = await raw(
        "SELECT object_key FROM exports WHERE tenant_id = {} AND id = {} AND status = 'ready'",
        tenant_id,
        export_id,
    )
    return rows[0]["object_key"] if rows else None


async def objects_of_cases(tenant_id: UUID, case_ids: list[UUID]) -> list[UUID]:
    """The stored files of these cases' exports (an export's file is named by its id)."""
    rows = await raw(
        "SELECT id FROM exports WHERE tenant_id = {} AND case_id = ANY({}::uuid[])"
        " AND object_key IS NOT NULL",
        tenant_id,
        case_ids,
    )
    return [row["id"] for row in rows]


async def expired(tenant_id: UUID, now: datetime, limit: int) -> list[tuple[UUID, str]]:
    """Ready exports past their expiry (id and object key), oldest first, locked."""
    rows = await raw(
        "SELECT id, object_key FROM exports WHERE tenant_id = {} AND status = 'ready'"
        " AND expires_at <= {} ORDER BY expires_at, id LIMIT {} FOR UPDATE SKIP LOCKED",
        tenant_id,
        now,
        limit,
    )
    return [(r["id"], r["object_key"]) for r in rows]


async def mark_expired(tenant_id: UUID, export_ids: list[UUID]) -> int:
    rows = await raw(
        "UPDATE exports SET status = 'expired', object_key = NULL"
        " WHERE tenant_id = {} AND id = ANY ({}::uuid[]) AND status = 'ready' RETURNING id",
        tenant_id,
        export_ids,
    )
    return len(rows)
