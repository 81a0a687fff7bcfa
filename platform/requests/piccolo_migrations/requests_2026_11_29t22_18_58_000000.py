"""What the subject access table cannot declare: its keys that include ``tenant_id``. Its
request's key cascades, so a case erased by retention (which deletes the case's requests)
takes a request's subject access steps with it; the export it names is a plain id (the
exports app comes after this one in the migrations)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T22:18:58:000000"
VERSION = "1.38.0"
DESCRIPTION = "subject access keys"

FORWARDS = [
    "ALTER TABLE subject_access_requests ADD CONSTRAINT subject_access_requests_request_fkey"
    " FOREIGN KEY (tenant_id, request_id) REFERENCES information_requests (tenant_id, id)"
    " ON DELETE CASCADE",
    "ALTER TABLE subject_access_requests ADD CONSTRAINT subject_access_requests_agreed_by_fkey"
    " FOREIGN KEY (tenant_id, agreed_by) REFERENCES staff_users (tenant_id, id)",
]

BACKWARDS = [
    "ALTER TABLE subject_access_requests DROP CONSTRAINT subject_access_requests_agreed_by_fkey",
    "ALTER TABLE subject_access_requests DROP CONSTRAINT subject_access_requests_request_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "requests", DESCRIPTION, FORWARDS, BACKWARDS)
