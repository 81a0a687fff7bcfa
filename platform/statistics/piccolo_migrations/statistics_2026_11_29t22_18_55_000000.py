"""The releases' link within a tenant: what the table cannot declare.

Who produced a release is a member of staff of the same tenant (a composite foreign key
onto ``staff_users (tenant_id, id)``).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T22:18:55:000000"
VERSION = "1.38.0"
DESCRIPTION = "statistics release links"

FORWARDS = [
    "ALTER TABLE statistics_releases ADD CONSTRAINT statistics_releases_produced_by_fkey"
    " FOREIGN KEY (tenant_id, produced_by) REFERENCES staff_users (tenant_id, id)",
]

BACKWARDS = [
    "ALTER TABLE statistics_releases DROP CONSTRAINT statistics_releases_produced_by_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "statistics", DESCRIPTION, FORWARDS, BACKWARDS)
