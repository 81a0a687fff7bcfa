"""The tenant policy's SQL: its one row, read and changed (made on first change)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from confide.tenants.policy.tables import TenantPolicy


async def policy_row() -> dict[str, Any] | None:
    """The tenant's policy row, None while it has set nothing (row-level security picks the
    tenant's row)."""
    row = await TenantPolicy.select().first()
    return dict(row) if row is not None else None


async def save_policy(tenant_id: UUID, values: Mapping[str, Any]) -> None:
    """Change the named columns of the tenant's one policy row (made on first change)."""
    if await TenantPolicy.exists():
        await TenantPolicy.update(
            {getattr(TenantPolicy, name): value for name, value in values.items()}, force=True
        )
    else:
        await TenantPolicy.insert(TenantPolicy(tenant_id=tenant_id, **values))
