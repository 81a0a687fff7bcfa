"""What the redaction review's tables cannot declare: their keys that include
``tenant_id``. A mark's key to its request cascades, as the subject access row's does, so
a case erased with its requests takes them too."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T22:27:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "subject access redaction keys"

FORWARDS = [
    "ALTER TABLE subject_access_redactions ADD CONSTRAINT subject_access_redactions_request_fkey"
    " FOREIGN KEY (tenant_id, request_id) REFERENCES information_requests (tenant_id, id)"
    " ON DELETE CASCADE",
    "ALTER TABLE subject_access_redactions ADD CONSTRAINT subject_access_redactions_marked_fkey"
    " FOREIGN KEY (tenant_id, marked_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE subject_access_requests ADD CONSTRAINT subject_access_requests_approved_fkey"
    " FOREIGN KEY (tenant_id, approved_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE subject_access_requests ADD CONSTRAINT subject_access_requests_released_fkey"
    " FOREIGN KEY (tenant_id, released_by) REFERENCES staff_users (tenant_id, id)",
    "CREATE INDEX subject_access_redactions_request_idx ON subject_access_redactions"
    " (tenant_id, request_id)",
]

BACKWARDS = [
    "DROP INDEX subject_access_redactions_request_idx",
    "ALTER TABLE subject_access_requests DROP CONSTRAINT subject_access_requests_released_fkey",
    "ALTER TABLE subject_access_requests DROP CONSTRAINT subject_access_requests_approved_fkey",
    "ALTER TABLE subject_access_redactions DROP CONSTRAINT subject_access_redactions_marked_fkey",
    "ALTER TABLE subject_access_redactions DROP CONSTRAINT subject_access_redactions_request_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "requests", DESCRIPTION, FORWARDS, BACKWARDS)
