"""Checkpoints in the database: one per tenant and scheduled period (a redelivered task
makes none twice), and values in shape for hand-written rows too."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T09:37:34:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit checkpoint constraints"

FORWARDS = [
    "ALTER TABLE audit_checkpoints ADD CONSTRAINT audit_checkpoints_period_key"
    " UNIQUE (tenant_id, period_start)",
    # No braces: Piccolo's raw() reads {...} as a placeholder.
    "ALTER TABLE audit_checkpoints ADD CONSTRAINT audit_checkpoints_values_check"
    " CHECK (seq >= 0 AND length(hash) = 64 AND hash ~ '^[0-9a-f]+$'"
    " AND interval_minutes BETWEEN 1 AND 1440"
    " AND length(key_id) = 16 AND key_id ~ '^[0-9a-f]+$')",
]

BACKWARDS = [
    "ALTER TABLE audit_checkpoints DROP CONSTRAINT audit_checkpoints_values_check",
    "ALTER TABLE audit_checkpoints DROP CONSTRAINT audit_checkpoints_period_key",
]


class _Raw(Table, tablename="audit_checkpoints"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def constrain() -> None:
        for statement in FORWARDS:
            await _Raw.raw(statement)

    async def unconstrain() -> None:
        for statement in BACKWARDS:
            await _Raw.raw(statement)

    manager.add_raw(constrain)
    manager.add_raw_backwards(unconstrain)
    return manager
