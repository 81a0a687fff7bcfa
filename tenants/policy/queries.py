"""The tenant policy's SQL: its one row, read and changed (made on first change)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from confide.platform.core.sql import literal, raw
from confide.tenants.policy.tables import TenantPolicy


async def policy_row() -> dict[str, Any] | None:
    """The tenant's policy row, None while it has set nothing (row-level security picks the
    tenant's row), with its ``version__``: a digest of the whole row (``policy_unchanged``)."""
    rows = await raw("SELECT p.*, md5(p::text) AS version__ FROM tenant_policies p LIMIT 1")
    return rows[0] if rows else None


def policy_unchanged(tenant_id: UUID, version: str | None) -> str:
    """A condition (for the request's BEGIN, see ``tenant_transaction``'s check): the
    tenant's policy row is still at ``version`` (None: there is still no row)."""
    if version is None:
        return f"NOT EXISTS (SELECT 1 FROM tenant_policies WHERE tenant_id = {literal(tenant_id)})"  # noqa: S608
    return (
        "EXISTS (SELECT 1 FROM tenant_policies p"  # noqa: S608 - literals only
        f" WHERE p.tenant_id = {literal(tenant_id)} AND md5(p::text) = {literal(version)})"
    )


async def save_policy(tenant_id: UUID, values: Mapping[str, Any]) -> None:
    """Change the named columns of the tenant's one policy row (made on first change)."""
    if await TenantPolicy.exists():
        await TenantPolicy.update(
            {getattr(TenantPolicy, name): value for name, value in values.items()}, force=True
        )
    else:
        await TenantPolicy.insert(TenantPolicy(tenant_id=tenant_id, **values))
