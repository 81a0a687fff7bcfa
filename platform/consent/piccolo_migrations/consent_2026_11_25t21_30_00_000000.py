"""A disclosure's check reason is text: a restricted consent's reason names each of its
roles (up to 30 of up to 80 characters), which could overflow 500 characters."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "disclosure check reason as text"


class _Raw(Table, tablename="disclosures"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="consent", description=DESCRIPTION)

    async def widen() -> None:
        await _Raw.raw("ALTER TABLE disclosures ALTER COLUMN check_reason TYPE text")

    async def narrow() -> None:
        await _Raw.raw("ALTER TABLE disclosures ALTER COLUMN check_reason TYPE varchar(500)")

    manager.add_raw(widen)
    manager.add_raw_backwards(narrow)
    return manager
