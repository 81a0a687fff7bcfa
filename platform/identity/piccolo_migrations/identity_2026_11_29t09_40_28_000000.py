"""An idempotency key is one per member of staff, who must be one of the tenant's staff."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T09:40:28:000000"
VERSION = "1.38.0"
DESCRIPTION = "idempotency key rules"


class _Raw(Table, tablename="idempotency_keys"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="identity", description=DESCRIPTION)

    async def keys() -> None:
        await _Raw.raw(
            "ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_once"
            " UNIQUE (tenant_id, staff_id, key)"
        )
        await _Raw.raw(
            "ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_staff_fkey"
            " FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_users (tenant_id, id)"
        )

    async def drop() -> None:
        await _Raw.raw("ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_staff_fkey")
        await _Raw.raw("ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_once")

    manager.add_raw(keys)
    manager.add_raw_backwards(drop)
    return manager
