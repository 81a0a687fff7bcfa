"""People links and lookups: what Piccolo cannot declare on the tables.

Links include ``tenant_id`` (composite foreign keys onto the ``(tenant_id, id)`` keys
declared on the tables), as in case work, so a household, a member or a merge can never
point into another tenant; a merged record's tombstone points at its survivor the same way.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T15:32:44:000000"
VERSION = "1.38.0"
DESCRIPTION = "people links and lookups"

FORWARDS = [
    "ALTER TABLE households ADD CONSTRAINT households_created_by_fkey"
    " FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE household_members ADD CONSTRAINT household_members_household_fkey"
    " FOREIGN KEY (tenant_id, household_id) REFERENCES households (tenant_id, id)",
    "ALTER TABLE household_members ADD CONSTRAINT household_members_person_fkey"
    " FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)",
    "ALTER TABLE household_members ADD CONSTRAINT household_members_added_by_fkey"
    " FOREIGN KEY (tenant_id, added_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE person_merges ADD CONSTRAINT person_merges_survivor_fkey"
    " FOREIGN KEY (tenant_id, survivor_id) REFERENCES people (tenant_id, id)",
    "ALTER TABLE person_merges ADD CONSTRAINT person_merges_merged_fkey"
    " FOREIGN KEY (tenant_id, merged_id) REFERENCES people (tenant_id, id)",
    "ALTER TABLE person_merges ADD CONSTRAINT person_merges_merged_by_fkey"
    " FOREIGN KEY (tenant_id, merged_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE people ADD CONSTRAINT people_merged_into_fkey"
    " FOREIGN KEY (tenant_id, merged_into) REFERENCES people (tenant_id, id)",
    "ALTER TABLE people ADD CONSTRAINT people_not_merged_into_itself"
    " CHECK (merged_into IS NULL OR merged_into <> id)",
    "CREATE INDEX people_merged_into ON people (tenant_id, merged_into)"
    " WHERE merged_into IS NOT NULL",
    "CREATE INDEX household_members_person ON household_members (tenant_id, person_id)",
    "CREATE INDEX household_members_household ON household_members (tenant_id, household_id)",
    "CREATE INDEX person_merges_survivor ON person_merges (tenant_id, survivor_id, merged_at)",
]

BACKWARDS = [
    "DROP INDEX person_merges_survivor",
    "DROP INDEX people_merged_into",
    "DROP INDEX household_members_household",
    "DROP INDEX household_members_person",
    "ALTER TABLE people DROP CONSTRAINT people_not_merged_into_itself",
    "ALTER TABLE people DROP CONSTRAINT people_merged_into_fkey",
    "ALTER TABLE person_merges DROP CONSTRAINT person_merges_merged_by_fkey",
    "ALTER TABLE person_merges DROP CONSTRAINT person_merges_merged_fkey",
    "ALTER TABLE person_merges DROP CONSTRAINT person_merges_survivor_fkey",
    "ALTER TABLE household_members DROP CONSTRAINT household_members_added_by_fkey",
    "ALTER TABLE household_members DROP CONSTRAINT household_members_person_fkey",
    "ALTER TABLE household_members DROP CONSTRAINT household_members_household_fkey",
    "ALTER TABLE households DROP CONSTRAINT households_created_by_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "people", DESCRIPTION, FORWARDS, BACKWARDS)
