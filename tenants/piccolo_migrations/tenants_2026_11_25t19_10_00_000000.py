"""Break-glass time box: how long a recorded break-glass grant opens a case."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T19:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "break-glass hours per tenant"


class _Raw(Table, tablename="tenant_policies"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def add() -> None:
        await _Raw.raw(
            "ALTER TABLE tenant_policies ADD COLUMN break_glass_hours integer NOT NULL DEFAULT 4"
            " CONSTRAINT tenant_policies_break_glass_hours CHECK (break_glass_hours BETWEEN 1 AND 72)"
        )

    async def drop() -> None:
        await _Raw.raw("ALTER TABLE tenant_policies DROP COLUMN break_glass_hours")

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
