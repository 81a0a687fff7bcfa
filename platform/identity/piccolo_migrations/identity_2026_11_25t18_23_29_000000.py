"""A staff user is (tenant, issuer, subject); ids are unique with their tenant for composite keys."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T18:23:29:000000"
VERSION = "1.38.0"
DESCRIPTION = "staff user identity key"


class _Raw(Table, tablename="staff_users"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="identity", description=DESCRIPTION)

    async def keys() -> None:
        await _Raw.raw(
            "ALTER TABLE staff_users ADD CONSTRAINT staff_users_identity_key"
            " UNIQUE (tenant_id, issuer, subject)"
        )
        await _Raw.raw(
            "ALTER TABLE staff_users ADD CONSTRAINT staff_users_tenant_id_id_key UNIQUE (tenant_id, id)"
        )

    async def drop() -> None:
        await _Raw.raw("ALTER TABLE staff_users DROP CONSTRAINT staff_users_identity_key")
        await _Raw.raw("ALTER TABLE staff_users DROP CONSTRAINT staff_users_tenant_id_id_key")

    manager.add_raw(keys)
    manager.add_raw_backwards(drop)
    return manager
