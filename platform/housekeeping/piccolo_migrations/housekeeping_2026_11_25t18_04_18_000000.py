"""One heartbeat per tenant per period: the key that makes the task idempotent."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T18:04:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique heartbeat per tenant and period"


class _Raw(Table, tablename="housekeeping_heartbeats"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="housekeeping", description=DESCRIPTION)

    async def unique_period() -> None:
        await _Raw.raw(
            "ALTER TABLE housekeeping_heartbeats ADD CONSTRAINT housekeeping_heartbeats_period_key"
            " UNIQUE (tenant_id, period_start)"
        )

    async def drop_unique_period() -> None:
        await _Raw.raw(
            "ALTER TABLE housekeeping_heartbeats DROP CONSTRAINT housekeeping_heartbeats_period_key"
        )

    manager.add_raw(unique_period)
    manager.add_raw_backwards(drop_unique_period)
    return manager
