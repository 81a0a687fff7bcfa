"""Links and lookups for issue 14's case work: versioned changes, contact corrections and
returning families.

Each link holds the tenant (composite foreign keys), as the earlier links do: a change
names its case and who made it, a contact's later version its first, a returning family's
case the one it follows. The lookups: a case's changes in time order (its history page and
timeline), and the cases that follow a case (shown on it).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T15:27:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "versioned changes, contact corrections and returning families: links"

FORWARDS = [
    "ALTER TABLE record_changes ADD CONSTRAINT record_changes_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE record_changes ADD CONSTRAINT record_changes_staff_fkey"
    " FOREIGN KEY (tenant_id, changed_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE case_contacts ADD CONSTRAINT case_contacts_original_fkey"
    " FOREIGN KEY (tenant_id, original_id) REFERENCES case_contacts (tenant_id, id)",
    "ALTER TABLE cases ADD CONSTRAINT cases_follows_fkey"
    " FOREIGN KEY (tenant_id, follows_case_id) REFERENCES cases (tenant_id, id)",
    "CREATE INDEX record_changes_case ON record_changes (tenant_id, case_id, changed_at)",
    "CREATE INDEX cases_follows ON cases (tenant_id, follows_case_id)"
    " WHERE follows_case_id IS NOT NULL",
]

BACKWARDS = [
    "DROP INDEX cases_follows",
    "DROP INDEX record_changes_case",
    "ALTER TABLE cases DROP CONSTRAINT cases_follows_fkey",
    "ALTER TABLE case_contacts DROP CONSTRAINT case_contacts_original_fkey",
    "ALTER TABLE record_changes DROP CONSTRAINT record_changes_staff_fkey",
    "ALTER TABLE record_changes DROP CONSTRAINT record_changes_case_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "casework", DESCRIPTION, FORWARDS, BACKWARDS)
