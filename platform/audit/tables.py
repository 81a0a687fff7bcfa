"""Audit tables.

``APPEND_ONLY``: the application role may insert and read audit rows, never
change or remove them. Each row carries the hash of the one before it in its
tenant's chain, so a change made by anyone else (the owner role, a restored
backup edited by hand) shows up in ``verify_chain``. Checkpoints anchor the
chain's head, signed with a key that is never in the database
(``checkpoints.py``), so entries removed from its end show too.
"""

from piccolo.columns import JSONB, UUID, BigInt, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from confide.platform.core.tables import APPEND_ONLY, TenantOwned


class AuditEntry(TenantOwned, tablename="audit_entries", tags=[APPEND_ONLY]):
    """One audited act; unique on (tenant_id, seq), see the second migration."""

    id = UUID(primary_key=True)
    seq = BigInt()
    occurred_at = Timestamptz(default=TimestamptzNow())
    actor_kind = Varchar(length=16)
    actor_id = UUID(null=True, default=None)
    action = Varchar(length=64)
    subject_kind = Varchar(length=64, null=True, default=None)
    subject_id = UUID(null=True, default=None)
    grounds = Varchar(length=64, null=True, default=None)
    reason_code = Varchar(length=64, null=True, default=None)
    detail = JSONB(default="{}")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class AuditCheckpoint(TenantOwned, tablename="audit_checkpoints", tags=[APPEND_ONLY]):
    """The chain's head at one scheduled period, signed; unique on (tenant_id, period_start)."""

    id = UUID(primary_key=True)
    period_start = Timestamptz()
    made_at = Timestamptz()
    seq = BigInt()  # entries in the chain then (0: none yet)
    hash = Varchar(length=64)  # the newest entry's hash then
    interval_minutes = Integer()  # the schedule it was made on
    key_id = Varchar(length=16)
    signature = Varchar(length=100)  # Ed25519, url-safe base64
