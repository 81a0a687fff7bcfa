"""Retention's SQL. What is due and the erasure itself run inside the database
(``app_retention_due``, ``app_retention_erase``: the raw migration), which decides from the
tenant's policy and its own date; the services hold the audit entries and the batches."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import paged, raw
from confide.platform.retention.schemas import DueCase, HeldCase, HoldView, RetentionRule
from confide.platform.retention.tables import LegalHold


def _due(row: dict[str, Any]) -> DueCase:
    return DueCase(
        case_id=row["case_id"],
        reference=str(row["reference"]),
        rule=RetentionRule(row["rule"]),
        keep_until=row["keep_until"],
    )


async def due_batch(after: UUID | None, limit: int) -> list[DueCase]:
    """The next ``limit`` due cases after ``after`` (by id): the sweep's batches."""
    rows = await raw("SELECT * FROM app_retention_due({}::uuid, {}, 0, NULL)", after, limit)
    return [_due(r) for r in rows]


async def due_page(page: PageRequest) -> Page[DueCase]:
    found = await paged(
        "SELECT * FROM app_retention_due(NULL, NULL, 0, NULL) ORDER BY case_id", page=page
    )
    return Page([_due(r) for r in found.items], found.total, found.limit, found.offset)


async def due_by_rule() -> dict[RetentionRule, int]:
    rows = await raw(
        "SELECT rule, count(*) AS n FROM app_retention_due(NULL, NULL, 0, NULL) GROUP BY rule"
    )
    return {RetentionRule(r["rule"]): int(r["n"]) for r in rows}


async def request_document_objects(tenant_id: UUID, case_ids: list[UUID]) -> list[UUID]:
    """The stored objects of files recorded on these cases' information requests (letters,
    signed consent forms: ``request_documents``, issue 17), erased with the cases."""
    rows = await raw(
        "SELECT object_id FROM request_documents WHERE tenant_id = {}"
        " AND case_id = ANY ({}::uuid[])",
        tenant_id,
        case_ids,
    )
    return [r["object_id"] for r in rows]


async def erase(case_ids: list[UUID]) -> int:
    """Erase those of ``case_ids`` the database finds due; how many it erased."""
    [row] = await raw("SELECT app_retention_erase({}::uuid[]) AS n", case_ids)
    return int(row["n"])


async def case_exists(tenant_id: UUID, case_id: UUID) -> bool:
    rows = await raw(
        "SELECT 1 AS found FROM cases WHERE tenant_id = {} AND id = {}", tenant_id, case_id
    )
    return bool(rows)


def _hold(row: dict[str, Any]) -> HoldView:
    return HoldView(
        id=row["id"],
        case_id=row["case_id"],
        reason=str(row["reason"]),
        placed_by=row["placed_by"],
        placed_at=row["placed_at"],
        lifted_by=row["lifted_by"],
        lifted_at=row["lifted_at"],
        placed_by_name=str(row["placed_by_name"] or ""),
        lifted_by_name=row["lifted_by_name"],
    )


# A hold with the display names of who placed and lifted it.
_HOLDS = (
    "SELECT h.*, p.display_name AS placed_by_name, l.display_name AS lifted_by_name"
    " FROM case_legal_holds h"
    " LEFT JOIN staff_users p ON p.tenant_id = h.tenant_id AND p.id = h.placed_by"
    " LEFT JOIN staff_users l ON l.tenant_id = h.tenant_id AND l.id = h.lifted_by"
)


async def open_hold(tenant_id: UUID, case_id: UUID) -> HoldView | None:
    rows = await raw(
        _HOLDS + " WHERE h.tenant_id = {} AND h.case_id = {} AND h.lifted_at IS NULL",
        tenant_id,
        case_id,
    )
    return _hold(rows[0]) if rows else None


async def insert_hold(tenant_id: UUID, hold_id: UUID, case_id: UUID, reason: str, by: UUID) -> None:
    await LegalHold.insert(
        LegalHold(id=hold_id, tenant_id=tenant_id, case_id=case_id, reason=reason, placed_by=by)
    )


async def lift_hold(tenant_id: UUID, hold_id: UUID, by: UUID) -> None:
    await raw(
        "UPDATE case_legal_holds SET lifted_by = {}, lifted_at = now()"
        " WHERE tenant_id = {} AND id = {} AND lifted_at IS NULL",
        by,
        tenant_id,
        hold_id,
    )


async def holds_of(tenant_id: UUID, case_id: UUID, page: PageRequest) -> Page[HoldView]:
    found = await paged(
        _HOLDS + " WHERE h.tenant_id = {} AND h.case_id = {} ORDER BY h.placed_at DESC, h.id",
        tenant_id,
        case_id,
        page=page,
    )
    return Page([_hold(r) for r in found.items], found.total, found.limit, found.offset)


async def open_holds(tenant_id: UUID, page: PageRequest) -> Page[HeldCase]:
    """The cases on hold now, the longest held first."""
    found = await paged(
        "SELECT h.id, h.case_id, c.reference, h.reason, h.placed_at,"
        " coalesce(s.display_name, '') AS placed_by_name FROM case_legal_holds h"
        " JOIN cases c ON c.tenant_id = h.tenant_id AND c.id = h.case_id"
        " LEFT JOIN staff_users s ON s.tenant_id = h.tenant_id AND s.id = h.placed_by"
        " WHERE h.tenant_id = {} AND h.lifted_at IS NULL ORDER BY h.placed_at, h.id",
        tenant_id,
        page=page,
    )
    return Page(
        [
            HeldCase(
                hold_id=r["id"],
                case_id=r["case_id"],
                reference=str(r["reference"]),
                reason=str(r["reason"]),
                placed_by_name=str(r["placed_by_name"]),
                placed_at=r["placed_at"],
            )
            for r in found.items
        ],
        found.total,
        found.limit,
        found.offset,
    )


async def confirmation() -> tuple[datetime | None, datetime | None]:
    """When the sweep was confirmed under the retention settings now in force (None: it was
    not), and when it was last confirmed at all (under other settings, if they differ)."""
    [row] = await raw(
        "SELECT app_retention_confirmed() AS current,"
        " (SELECT max(confirmed_at) FROM retention_confirmations) AS latest"
    )
    return row["current"], row["latest"]


async def insert_confirmation(by: UUID, due: int) -> None:
    """Through ``app_retention_confirm``: it checks ``by`` is an active admin of the tenant
    and records the settings in force itself."""
    await raw("SELECT app_retention_confirm({}, {})", by, due)


async def request_objects(tenant_id: UUID, case_ids: list[UUID]) -> list[UUID]:
    """The files kept with these cases' subject access requests (the unredacted original
    and the released bundle, rule 30): their rows go with the requests the erasure deletes,
    and their files with them."""
    rows = await raw(
        "SELECT s.original_id, s.released_id FROM subject_access_requests s"
        " JOIN information_requests r ON r.tenant_id = s.tenant_id AND r.id = s.request_id"
        " WHERE r.tenant_id = {} AND r.case_id = ANY({}::uuid[])",
        tenant_id,
        case_ids,
    )
    return [row[k] for row in rows for k in ("original_id", "released_id") if row[k] is not None]
