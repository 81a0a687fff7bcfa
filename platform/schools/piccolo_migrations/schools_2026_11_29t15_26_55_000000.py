"""Schools directory lookups that Piccolo cannot declare: the listing's order and filters
(by name, and by normalised postcode, as the people's postcode index does). Row-level
security comes from ``confide migrate``, as for every table with a ``tenant_id``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T15:26:55:000000"
VERSION = "1.38.0"
DESCRIPTION = "schools directory lookups"

FORWARDS = [
    "CREATE INDEX schools_name ON schools (tenant_id, name, urn)",
    "CREATE INDEX schools_postcode_normalised ON schools"
    " (tenant_id, upper(replace(postcode::text, ' ', '')))",
]

BACKWARDS = [
    "DROP INDEX schools_postcode_normalised",
    "DROP INDEX schools_name",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "schools", DESCRIPTION, FORWARDS, BACKWARDS)
