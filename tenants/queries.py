"""The tenant registry's SQL: reads of ``tenants``, and its writes through the
``app_tenant_*`` functions (the only writes the application role may make to it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from confide.platform.core.sql import raw
from confide.tenants.schemas import ControllerKind, TenantStatus, TenantView
from confide.tenants.tables import Tenant


def _view(row: dict[str, Any]) -> TenantView:
    return TenantView(
        id=row["id"],
        slug=row["slug"],
        display_name=row["display_name"],
        status=TenantStatus(row["status"]),
        controller_kind=ControllerKind(row["controller_kind"]),
        created_at=row["created_at"],
    )


async def slug_taken(slug: str) -> bool:
    return bool(await Tenant.exists().where(Tenant.slug == slug))


async def create(
    tenant_id: UUID, slug: str, display_name: str, controller_kind: ControllerKind
) -> TenantView:
    rows = await raw(
        "SELECT * FROM app_tenant_create({}, {}, {}, {})",
        tenant_id,
        slug,
        display_name,
        controller_kind.value,
    )
    return _view(rows[0])


async def tenants(limit: int, offset: int) -> list[TenantView]:
    rows = await Tenant.select().order_by(Tenant.slug).limit(limit).offset(offset)
    return [_view(row) for row in rows]


async def tenant_count() -> int:
    return int(await Tenant.count())


async def tenant_by_slug(slug: str) -> TenantView | None:
    row = await Tenant.select().where(Tenant.slug == slug).first()
    return _view(row) if row else None


async def tenant_ids(*, active_only: bool = False) -> list[UUID]:
    query = Tenant.select(Tenant.id)
    if active_only:
        query = query.where(Tenant.status == TenantStatus.ACTIVE)
    rows = await query
    return [row["id"] for row in rows]


async def set_status(slug: str, status: TenantStatus) -> TenantView | None:
    rows = await raw("SELECT * FROM app_tenant_set_status({}, {})", slug, status.value)
    return _view(rows[0]) if rows else None


async def active_tenant_by_slug(slug: str) -> TenantView | None:
    row = (
        await Tenant.select()
        .where((Tenant.slug == slug) & (Tenant.status == TenantStatus.ACTIVE))
        .first()
    )
    return _view(row) if row else None


async def active_tenant_by_id(tenant_id: UUID) -> TenantView | None:
    row = (
        await Tenant.select()
        .where((Tenant.id == tenant_id) & (Tenant.status == TenantStatus.ACTIVE))
        .first()
    )
    return _view(row) if row else None


def still_active(also: Sequence[str] = (), tally: str | None = None) -> str:
    """The check a request's transaction sends with its ``BEGIN`` (``tenant_transaction``'s
    ``check``): one row while the transaction's tenant is active and each condition in
    ``also`` holds (what the request's hooks kept, still current), none otherwise. With
    ``tally`` (a bounded ``SELECT`` of plain literals), one row more for each row it finds:
    the status "SELECT n" then says n - 1 (the header's unread notifications).

    Each condition is a call of an ``app_`` function (``app_tenant_active`` here): plpgsql,
    whose statements the session plans once, where subqueries written here were parsed and
    planned at every request. They read the tenant from the transaction's setting. The
    conditions are one scalar subquery, evaluated once: as a bare ``WHERE`` PostgreSQL
    copies them into both arms of the tally's ``UNION ALL`` and calls each function twice."""
    rows = "" if tally is None else f" FROM (SELECT 1 UNION ALL ({tally})) AS tally"
    conditions = " AND ".join(["app_tenant_active()", *also])
    return f"SELECT 1{rows} WHERE (SELECT {conditions})"
