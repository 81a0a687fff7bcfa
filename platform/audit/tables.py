"""Audit tables.

``APPEND_ONLY``: the application role may insert and read audit rows, never
change or remove them. Each row carries the hash of the one before it in its
tenant's chain, so a change made by anyone else (the owner role, a restored
backup edited by hand) shows up in ``verify_chain``. Checkpoints anchor the
chain's head, signed with a key that is never in the database
(``checkpoints.py``), so entries removed from its end show too. The unique keys
make a forked chain impossible even if a writer ever skipped the advisory lock,
and a redelivered checkpoint task makes none twice; the checks keep hand-written
rows in shape.
"""

from piccolo.columns import JSONB, UUID, BigInt, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import APPEND_ONLY, TenantOwned, ref

# No braces in a check: Piccolo reads {...} in SQL as a placeholder.


class AuditEntry(TenantOwned, tablename="audit_entries", tags=[APPEND_ONLY]):
    """One audited act, numbered ``seq`` in its tenant's chain."""

    # No index of its own: ``audit_entries_seq_key`` (tenant_id, seq) serves every read by
    # tenant, and an entry is written on every case read (one index fewer to keep).
    tenant_id = ref(index=False)
    id = UUID(primary_key=True)
    seq = BigInt()
    occurred_at = Timestamptz(default=TimestamptzNow())
    actor_kind = Varchar(length=16)
    actor_id = ref(null=True)
    action = Varchar(length=64)
    subject_kind = Varchar(length=64, null=True, default=None)
    subject_id = ref(null=True)
    grounds = Varchar(length=64, null=True, default=None)
    reason_code = Varchar(length=64, null=True, default=None)
    detail = JSONB(default="{}")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)
    audit_entries_seq_key = Unique(["tenant_id", "seq"])
    audit_entries_seq_check = Check("seq > 0")
    audit_entries_actor_kind_check = Check(
        "actor_kind IN ('staff', 'operator', 'system', 'anonymous')"
    )
    audit_entries_hash_check = Check(
        "length(hash) = 64 AND hash ~ '^[0-9a-f]+$'"
        " AND length(prev_hash) = 64 AND prev_hash ~ '^[0-9a-f]+$'"
    )


class AuditCheckpoint(TenantOwned, tablename="audit_checkpoints", tags=[APPEND_ONLY]):
    """The chain's head at one scheduled period, signed; one per tenant and period."""

    id = UUID(primary_key=True)
    period_start = Timestamptz()
    made_at = Timestamptz()
    seq = BigInt()  # entries in the chain then (0: none yet)
    hash = Varchar(length=64)  # the newest entry's hash then
    interval_minutes = Integer()  # the schedule it was made on
    key_id = Varchar(length=16)
    signature = Varchar(length=100)  # Ed25519, url-safe base64
    audit_checkpoints_period_key = Unique(["tenant_id", "period_start"])
    audit_checkpoints_values_check = Check(
        "seq >= 0 AND length(hash) = 64 AND hash ~ '^[0-9a-f]+$'"
        " AND interval_minutes BETWEEN 1 AND 1440"
        " AND length(key_id) = 16 AND key_id ~ '^[0-9a-f]+$'"
    )
