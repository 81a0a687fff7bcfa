"""A case file's release names a signed consent form on its own request (issue 17, rule
10): the key from the release to the form includes the request, so a form recorded on
another request of the tenant cannot be named (review finding)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T23:34:37:000000"
VERSION = "1.38.0"
DESCRIPTION = "a release consent form on its own request"

FORWARDS = [
    "ALTER TABLE request_releases DROP CONSTRAINT request_releases_document_fkey",
    "ALTER TABLE request_releases ADD CONSTRAINT request_releases_document_fkey"
    " FOREIGN KEY (tenant_id, request_id, consent_document_id)"
    " REFERENCES request_documents (tenant_id, request_id, id) ON DELETE CASCADE",
]

BACKWARDS = [
    "ALTER TABLE request_releases DROP CONSTRAINT request_releases_document_fkey",
    "ALTER TABLE request_releases ADD CONSTRAINT request_releases_document_fkey"
    " FOREIGN KEY (tenant_id, consent_document_id) REFERENCES request_documents (tenant_id, id)"
    " ON DELETE CASCADE",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "requests", DESCRIPTION, FORWARDS, BACKWARDS)
