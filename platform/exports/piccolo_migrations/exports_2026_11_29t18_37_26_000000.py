"""Exports' links within a tenant and the lists' indexes: what the table cannot declare.

Links include ``tenant_id`` (composite foreign keys onto the ``(tenant_id, id)`` keys), so
an export can never point into another tenant. Retention erases a case's exports with it
(its catalogue step deletes every row of a table with ``case_id``).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T18:37:26:000000"
VERSION = "1.38.0"
DESCRIPTION = "export links and indexes"

FORWARDS = [
    "ALTER TABLE exports ADD CONSTRAINT exports_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE exports ADD CONSTRAINT exports_requested_by_fkey"
    " FOREIGN KEY (tenant_id, requested_by) REFERENCES staff_users (tenant_id, id)",
    "CREATE INDEX exports_requested_idx ON exports (tenant_id, requested_by, requested_at)",
    "CREATE INDEX exports_case_idx ON exports (tenant_id, case_id)",
    "CREATE INDEX exports_ready_expiry_idx ON exports (tenant_id, expires_at)"
    " WHERE status = 'ready'",
]

BACKWARDS = [
    "DROP INDEX exports_ready_expiry_idx",
    "DROP INDEX exports_case_idx",
    "DROP INDEX exports_requested_idx",
    "ALTER TABLE exports DROP CONSTRAINT exports_requested_by_fkey",
    "ALTER TABLE exports DROP CONSTRAINT exports_case_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "exports", DESCRIPTION, FORWARDS, BACKWARDS)
