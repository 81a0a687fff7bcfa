"""The chain's guarantees in the database: one entry per tenant and seq, and sane values.

The unique key is what makes a forked chain impossible even if a writer ever
skipped the advisory lock; the checks keep hand-written rows in shape.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T18:23:53:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain constraints"

FORWARDS = [
    "ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_seq_key UNIQUE (tenant_id, seq)",
    "ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_seq_check CHECK (seq > 0)",
    "ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_actor_kind_check"
    " CHECK (actor_kind IN ('staff', 'operator', 'system', 'anonymous'))",
    "ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_hash_check"
    # No braces: Piccolo's raw() reads {...} as a placeholder.
    " CHECK (length(hash) = 64 AND hash ~ '^[0-9a-f]+$'"
    " AND length(prev_hash) = 64 AND prev_hash ~ '^[0-9a-f]+$')",
    "CREATE INDEX audit_entries_subject_idx ON audit_entries (tenant_id, subject_id, seq)",
]

BACKWARDS = [
    "DROP INDEX audit_entries_subject_idx",
    "ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_hash_check",
    "ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_actor_kind_check",
    "ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_seq_check",
    "ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_seq_key",
]


class _Raw(Table, tablename="audit_entries"):
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
