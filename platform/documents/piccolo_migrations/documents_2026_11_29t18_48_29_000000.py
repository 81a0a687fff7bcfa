"""What the documents table cannot declare: its keys that include ``tenant_id`` (the case,
the member of staff who uploaded) and the index a case's documents are listed by. A
note or contact a document belongs to is checked by the service (retention erases
contacts before the tables it finds by their ``case_id``). Row-level security comes from
``confide migrate``, as for every table with a ``tenant_id``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T18:48:29:000000"
VERSION = "1.38.0"
DESCRIPTION = "documents keys and index"

FORWARDS = [
    "ALTER TABLE case_documents ADD CONSTRAINT case_documents_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE case_documents ADD CONSTRAINT case_documents_uploaded_by_fkey"
    " FOREIGN KEY (tenant_id, uploaded_by) REFERENCES staff_users (tenant_id, id)",
    "CREATE INDEX case_documents_case_idx ON case_documents"
    " (tenant_id, case_id, document_id, version DESC)",
]

BACKWARDS = [
    "DROP INDEX case_documents_case_idx",
    "ALTER TABLE case_documents DROP CONSTRAINT case_documents_uploaded_by_fkey",
    "ALTER TABLE case_documents DROP CONSTRAINT case_documents_case_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "documents", DESCRIPTION, FORWARDS, BACKWARDS)
