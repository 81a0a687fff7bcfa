"""The audit log's SQL: the chain's entries and its signed checkpoints.

``services`` and ``checkpoints`` hold the chain's rules (what an entry may say, how its
hash is made, what a checkpoint must match); these functions only read and write rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from confide.platform.audit.schemas import AuditRecord, Checkpoint
from confide.platform.audit.tables import AuditEntry
from confide.platform.core.db import advisory_key
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import literal, raw

# Entries.


def transaction_open() -> bool:
    """Whether the caller is inside a transaction (an entry is never written outside one)."""
    return bool(AuditEntry._meta.db.transaction_exists())


async def lock_chain(tenant_id: UUID) -> None:
    """The tenant's chain lock, until commit: one writer at a time appends."""
    await raw("SELECT pg_advisory_xact_lock({})", _chain_key(tenant_id))


def _chain_key(tenant_id: UUID) -> int:
    return advisory_key(b"confide-audit-chain:", tenant_id.bytes)


async def chain_head(tenant_id: UUID) -> tuple[datetime, int | None, str | None]:
    """The database's clock now, and the seq and hash of the tenant's latest entry.

    A statement of its own, after the lock: its snapshot sees the latest committed head.
    """
    [head] = await raw(
        "SELECT clock_timestamp() AS now, last.seq, last.hash FROM (VALUES (1)) AS one"
        " LEFT JOIN LATERAL (SELECT seq, hash FROM audit_entries WHERE tenant_id = {}"
        " ORDER BY seq DESC LIMIT 1) AS last ON true",
        tenant_id,
    )
    return head["now"], head["seq"], head["hash"]


def _record(row: Mapping[str, Any]) -> AuditRecord:
    detail = row["detail"]
    return AuditRecord(
        id=row["id"],
        seq=row["seq"],
        occurred_at=row["occurred_at"],
        actor_kind=row["actor_kind"],
        actor_id=row["actor_id"],
        action=row["action"],
        subject_kind=row["subject_kind"],
        subject_id=row["subject_id"],
        grounds=row["grounds"],
        reason_code=row["reason_code"],
        detail=json.loads(detail) if isinstance(detail, str) else dict(detail),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


async def insert_entry(tenant_id: UUID, entry: Mapping[str, Any]) -> AuditRecord:
    """One chained entry (its seq, hash and time already set)."""
    [row] = await raw(
        "INSERT INTO audit_entries (id, tenant_id, seq, occurred_at, actor_kind, actor_id,"
        " action, subject_kind, subject_id, grounds, reason_code, detail, prev_hash, hash)"
        " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}::jsonb, {}, {})"
        " RETURNING id, seq, occurred_at, actor_kind, actor_id, action, subject_kind,"
        " subject_id, grounds, reason_code, detail, prev_hash, hash",
        uuid4(),
        tenant_id,
        entry["seq"],
        entry["occurred_at"],
        entry["actor_kind"],
        entry["actor_id"],
        entry["action"],
        entry["subject_kind"],
        entry["subject_id"],
        entry["grounds"],
        entry["reason_code"],
        json.dumps(entry["detail"], sort_keys=True),
        entry["prev_hash"],
        entry["hash"],
    )
    return _record(row)


async def insert_entries(tenant_id: UUID, entries: Sequence[Mapping[str, Any]]) -> None:
    """Many chained entries (seq, hash and time already set) in one statement."""
    await raw(
        "INSERT INTO audit_entries (id, tenant_id, seq, occurred_at, actor_kind, actor_id,"
        " action, subject_kind, subject_id, grounds, reason_code, detail, prev_hash, hash)"
        " SELECT gen_random_uuid(), {}, e.seq, e.occurred_at, e.actor_kind, e.actor_id,"
        " e.action, e.subject_kind, e.subject_id, e.grounds, e.reason_code, e.detail::jsonb,"
        " e.prev_hash, e.hash FROM unnest({}::bigint[], {}::timestamptz[], {}::text[],"
        " {}::uuid[], {}::text[], {}::text[], {}::uuid[], {}::text[], {}::text[], {}::text[],"
        " {}::text[], {}::text[]) AS e (seq, occurred_at, actor_kind, actor_id, action,"
        " subject_kind, subject_id, grounds, reason_code, detail, prev_hash, hash)",
        tenant_id,
        *(
            [e[k] for e in entries]
            for k in ("seq", "occurred_at", "actor_kind", "actor_id", "action", "subject_kind")
        ),
        [e["subject_id"] for e in entries],
        [e["grounds"] for e in entries],
        [e["reason_code"] for e in entries],
        [json.dumps(e["detail"], sort_keys=True) for e in entries],
        [e["prev_hash"] for e in entries],
        [e["hash"] for e in entries],
    )


# How the database writes the three fields it fills in at commit into the hash's text
# (the same as ``services.entry_hash`` writes them).
def append_entry_sql(
    tenant_id: UUID, entry: Mapping[str, Any], pieces: list[str], *, genesis: str
) -> str:
    """The statement that chains ``entry`` at commit (sent with ``COMMIT``, see
    ``core/db.with_commit``): ``app_audit_append`` takes the tenant's chain lock, reads the
    latest entry after it, and inserts this one with its hash computed from ``pieces``
    (the canonical text around the time, previous hash and seq, which only the database
    knows then; ``genesis`` is the first entry's previous hash)."""
    # Every value goes through ``literal``: ids, codes, the detail's JSON and the text.
    text = ", ".join(literal(piece) for piece in pieces)
    return (
        f"SELECT app_audit_append({literal(_chain_key(tenant_id))}, {literal(uuid4())},"
        f" {literal(tenant_id)}, {literal(entry['actor_kind'])}, {literal(entry['actor_id'])},"
        f" {literal(entry['action'])}, {literal(entry['subject_kind'])},"
        f" {literal(entry['subject_id'])}, {literal(entry['grounds'])},"
        f" {literal(entry['reason_code'])},"
        f" {literal(json.dumps(entry['detail'], sort_keys=True))}::jsonb,"
        f" ARRAY[{text}]::text[], {literal(genesis)})"
    )


async def entries(
    tenant_id: UUID, page: PageRequest, *, subject_id: UUID | None, action: str | None
) -> Page[AuditRecord]:
    """The tenant's entries, newest first, optionally for one subject or action."""
    where = [AuditEntry.tenant_id == tenant_id]
    if subject_id is not None:
        where.append(AuditEntry.subject_id == subject_id)
    if action is not None:
        where.append(AuditEntry.action == action)
    rows = await (
        AuditEntry.select(*(c for c in AuditEntry.all_columns() if c is not AuditEntry.tenant_id))
        .where(*where)
        .order_by(AuditEntry.seq, ascending=False)
        .limit(page.limit)
        .offset(page.offset)
        .output(load_json=True)
    )
    total = await AuditEntry.count().where(*where)
    return Page([_record(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


async def entries_after(tenant_id: UUID, after: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` entries after seq ``after``, in seq order, ``detail`` decoded."""
    rows = await raw(
        "SELECT id, seq, occurred_at, actor_kind, actor_id, action, subject_kind, subject_id,"
        " grounds, reason_code, detail, prev_hash, hash FROM audit_entries"
        " WHERE tenant_id = {} AND seq > {} ORDER BY seq LIMIT {}",
        tenant_id,
        after,
        limit,
    )
    for row in rows:
        if isinstance(row["detail"], str):
            row["detail"] = json.loads(row["detail"])
    return rows


# Checkpoints.


def _checkpoint(tenant_id: UUID, row: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        tenant_id=tenant_id,
        period_start=row["period_start"],
        made_at=row["made_at"],
        seq=row["seq"],
        hash=row["hash"],
        interval_minutes=row["interval_minutes"],
        key_id=row["key_id"],
        signature=row["signature"],
    )


async def head(tenant_id: UUID) -> tuple[int, str] | None:
    """The seq and hash of the tenant's latest entry (None: no entry yet)."""
    heads = await raw(
        "SELECT seq, hash FROM audit_entries WHERE tenant_id = {} ORDER BY seq DESC LIMIT 1",
        tenant_id,
    )
    return (heads[0]["seq"], heads[0]["hash"]) if heads else None


async def insert_checkpoint(signed: Checkpoint) -> bool:
    """Keep a signed checkpoint; False when its period has one already."""
    rows = await raw(
        "INSERT INTO audit_checkpoints (id, tenant_id, period_start, made_at, seq, hash,"
        " interval_minutes, key_id, signature) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})"
        " ON CONFLICT (tenant_id, period_start) DO NOTHING RETURNING id",
        uuid4(),
        signed.tenant_id,
        signed.period_start,
        signed.made_at,
        signed.seq,
        signed.hash,
        signed.interval_minutes,
        signed.key_id,
        signed.signature,
    )
    return bool(rows)


async def latest_checkpoint(tenant_id: UUID) -> Checkpoint | None:
    rows = await raw(
        "SELECT period_start, made_at, seq, hash, interval_minutes, key_id, signature"
        " FROM audit_checkpoints WHERE tenant_id = {} ORDER BY period_start DESC LIMIT 1",
        tenant_id,
    )
    return _checkpoint(tenant_id, rows[0]) if rows else None


async def checkpoints_after(
    tenant_id: UUID, after: datetime, limit: int
) -> list[tuple[Checkpoint, str | None]]:
    """Up to ``limit`` checkpoints of periods after ``after``, in period order, each with
    the hash of the entry at its seq (None: no such entry)."""
    rows = await raw(
        "SELECT c.period_start, c.made_at, c.seq, c.hash, c.interval_minutes, c.key_id,"
        " c.signature, e.hash AS entry_hash FROM audit_checkpoints c"
        " LEFT JOIN audit_entries e ON e.tenant_id = c.tenant_id AND e.seq = c.seq"
        " WHERE c.tenant_id = {} AND c.period_start > {} ORDER BY c.period_start LIMIT {}",
        tenant_id,
        after,
        limit,
    )
    return [(_checkpoint(tenant_id, row), row["entry_hash"]) for row in rows]


async def last_seq(tenant_id: UUID) -> int:
    """The tenant's highest entry seq (0: none)."""
    [row] = await raw(
        "SELECT coalesce(max(seq), 0) AS seq FROM audit_entries WHERE tenant_id = {}", tenant_id
    )
    return int(row["seq"])
