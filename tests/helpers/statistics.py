"""The statistics' test set-up: the kind of year a service reports on (rule 12)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from tests.helpers.casework import as_tenant
from tests.helpers.tenants import TenantRef


@contextlib.asynccontextmanager
async def year_kind(owner: asyncpg.Connection, tenant: TenantRef, kind: str) -> AsyncIterator[None]:
    """The service reports on ``kind`` years for a while, then on calendar years again.
    Set in the database, as set-up: the policy service refuses a change once a return is
    released, and the tests' services have released some already."""

    async def put(value: str) -> None:
        # Past the database's own refusal too (the table's owner sets its trigger aside
        # for this transaction only).
        async with owner.transaction():
            await owner.execute(
                "ALTER TABLE tenant_policies DISABLE TRIGGER tenant_policies_one_kind_of_year"
            )
            await as_tenant(
                owner, tenant,
                "INSERT INTO tenant_policies (id, tenant_id, stats_year_kind)"
                " VALUES (gen_random_uuid(), $1, $2) ON CONFLICT (tenant_id)"
                " DO UPDATE SET stats_year_kind = excluded.stats_year_kind",
                tenant.id, value,
            )  # fmt: skip
            await owner.execute(
                "ALTER TABLE tenant_policies ENABLE TRIGGER tenant_policies_one_kind_of_year"
            )

    await put(kind)
    try:
        yield
    finally:
        await put("calendar")
