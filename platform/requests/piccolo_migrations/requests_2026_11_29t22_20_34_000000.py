"""What the request documents and releases tables cannot declare: their keys that include
``tenant_id``. A request erased with its case (retention deletes every tenant row naming
the case, in the catalogue's order) takes its documents and release with it: those keys
cascade. Row-level security comes from ``confide migrate``."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T22:20:34:000000"
VERSION = "1.38.0"
DESCRIPTION = "request documents and releases keys"

FORWARDS = [
    "ALTER TABLE request_documents ADD CONSTRAINT request_documents_request_fkey"
    " FOREIGN KEY (tenant_id, request_id) REFERENCES information_requests (tenant_id, id)"
    " ON DELETE CASCADE",
    "ALTER TABLE request_documents ADD CONSTRAINT request_documents_uploaded_by_fkey"
    " FOREIGN KEY (tenant_id, uploaded_by) REFERENCES staff_users (tenant_id, id)",
    "CREATE INDEX request_documents_request_idx ON request_documents (tenant_id, request_id)",
    "ALTER TABLE request_releases ADD CONSTRAINT request_releases_request_fkey"
    " FOREIGN KEY (tenant_id, request_id) REFERENCES information_requests (tenant_id, id)"
    " ON DELETE CASCADE",
    "ALTER TABLE request_releases ADD CONSTRAINT request_releases_disclosure_fkey"
    " FOREIGN KEY (tenant_id, disclosure_id) REFERENCES disclosures (tenant_id, id)"
    " ON DELETE CASCADE",
    "ALTER TABLE request_releases ADD CONSTRAINT request_releases_document_fkey"
    " FOREIGN KEY (tenant_id, consent_document_id) REFERENCES request_documents (tenant_id, id)"
    " ON DELETE CASCADE",
    "ALTER TABLE request_releases ADD CONSTRAINT request_releases_released_by_fkey"
    " FOREIGN KEY (tenant_id, released_by) REFERENCES staff_users (tenant_id, id)",
]

BACKWARDS = [
    "ALTER TABLE request_releases DROP CONSTRAINT request_releases_released_by_fkey",
    "ALTER TABLE request_releases DROP CONSTRAINT request_releases_document_fkey",
    "ALTER TABLE request_releases DROP CONSTRAINT request_releases_disclosure_fkey",
    "ALTER TABLE request_releases DROP CONSTRAINT request_releases_request_fkey",
    "DROP INDEX request_documents_request_idx",
    "ALTER TABLE request_documents DROP CONSTRAINT request_documents_uploaded_by_fkey",
    "ALTER TABLE request_documents DROP CONSTRAINT request_documents_request_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "requests", DESCRIPTION, FORWARDS, BACKWARDS)
