"""A subject's audit entries in chain order (a case's access history), which the unique
key on (tenant_id, seq) declared on the table cannot serve."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T11:24:19:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit entries by subject"

FORWARDS = [
    "CREATE INDEX audit_entries_subject_idx ON audit_entries (tenant_id, subject_id, seq)",
]

BACKWARDS = [
    "DROP INDEX audit_entries_subject_idx",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "audit", DESCRIPTION, FORWARDS, BACKWARDS)
