"""Every statement of the storage domain."""

from __future__ import annotations

from uuid import UUID

from confide.platform.core.sql import raw


async def data_key(tenant_id: UUID) -> str | None:
    """The tenant's wrapped data key, if it has one."""
    rows = await raw("SELECT wrapped_key FROM storage_data_keys WHERE tenant_id = {}", tenant_id)
    return str(rows[0]["wrapped_key"]) if rows else None


async def add_data_key(tenant_id: UUID, wrapped_key: str) -> str:
    """Store ``wrapped_key`` as the tenant's data key unless another transaction stored one
    first: the one that stands."""
    rows = await raw(
        "WITH added AS (INSERT INTO storage_data_keys (id, tenant_id, wrapped_key)"
        " VALUES (gen_random_uuid(), {}, {}) ON CONFLICT (tenant_id) DO NOTHING"
        " RETURNING wrapped_key) SELECT wrapped_key FROM added",
        tenant_id,
        wrapped_key,
    )
    if rows:
        return str(rows[0]["wrapped_key"])
    # The other transaction committed first; this statement's snapshot sees its row.
    stored = await data_key(tenant_id)
    assert stored is not None
    return stored


async def rewrap_data_key(tenant_id: UUID, old: str, new: str) -> int:
    """Replace the wrapping ``old`` by ``new`` (the same key): rows changed (0 or 1)."""
    rows = await raw(
        "UPDATE storage_data_keys SET wrapped_key = {}, rewrapped_at = now()"
        " WHERE tenant_id = {} AND wrapped_key = {} RETURNING id",
        new,
        tenant_id,
        old,
    )
    return len(rows)
