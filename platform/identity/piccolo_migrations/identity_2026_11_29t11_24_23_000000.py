"""An idempotency key belongs to one of the tenant's own staff: a foreign key that
includes ``tenant_id`` (a composite key, which Piccolo cannot declare), so it can never
point into another tenant."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T11:24:23:000000"
VERSION = "1.38.0"
DESCRIPTION = "idempotency keys belong to the tenant's staff"

FORWARDS = [
    "ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_staff_fkey"
    " FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_users (tenant_id, id)",
]

BACKWARDS = [
    "ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_staff_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "identity", DESCRIPTION, FORWARDS, BACKWARDS)
