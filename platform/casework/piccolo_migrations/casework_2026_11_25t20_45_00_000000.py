"""An index for reading a case's assignments, past ones included (the case page).

``case_assignments_current`` covers only current assignments (``ended_at IS NULL``),
so listing every assignment of a case scanned the tenant's whole table.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T20:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "case work assignment history index"

STATEMENTS = [
    "CREATE INDEX case_assignments_case ON case_assignments (tenant_id, case_id, assigned_at)",
]


class _Raw(Table, tablename="case_assignments"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="casework", description=DESCRIPTION)

    async def apply() -> None:
        for statement in STATEMENTS:
            await _Raw.raw(statement)

    manager.add_raw(apply)
    return manager
