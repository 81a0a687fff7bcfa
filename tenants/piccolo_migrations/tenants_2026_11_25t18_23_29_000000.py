"""One SSO configuration and one policy row per tenant."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T18:23:29:000000"
VERSION = "1.38.0"
DESCRIPTION = "one sso provider and one policy per tenant"


class _Raw(Table, tablename="sso_providers"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def one_per_tenant() -> None:
        await _Raw.raw(
            "ALTER TABLE sso_providers ADD CONSTRAINT sso_providers_tenant_key UNIQUE (tenant_id)"
        )
        await _Raw.raw(
            "ALTER TABLE tenant_policies ADD CONSTRAINT tenant_policies_tenant_key UNIQUE (tenant_id)"
        )

    async def drop() -> None:
        await _Raw.raw("ALTER TABLE sso_providers DROP CONSTRAINT sso_providers_tenant_key")
        await _Raw.raw("ALTER TABLE tenant_policies DROP CONSTRAINT tenant_policies_tenant_key")

    manager.add_raw(one_per_tenant)
    manager.add_raw_backwards(drop)
    return manager
