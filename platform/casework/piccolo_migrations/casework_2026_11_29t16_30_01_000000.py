"""A person's school or setting from the service's directory: a link within the tenant
(a composite foreign key onto ``schools (tenant_id, id)``), and the lookup from a school
to the people at it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T16:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "a person's school from the directory: link and lookup"

FORWARDS = [
    "ALTER TABLE people ADD CONSTRAINT people_school_fkey FOREIGN KEY (tenant_id, school_id)"
    " REFERENCES schools (tenant_id, id)",
    "CREATE INDEX people_school ON people (tenant_id, school_id) WHERE school_id IS NOT NULL",
]

BACKWARDS = [
    "DROP INDEX people_school",
    "ALTER TABLE people DROP CONSTRAINT people_school_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "casework", DESCRIPTION, FORWARDS, BACKWARDS)
