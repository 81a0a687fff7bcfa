"""Audit service: record an act, list the log, verify its chain.

Every function runs inside the caller's ``tenant_transaction``, so an entry
commits or rolls back with the act it records. Entries hold ids and codes
only, never personal data: free text is refused, not trimmed.

Each tenant's entries form a hash chain (``seq`` 1, 2, 3...; each entry's
``prev_hash`` is the hash of the one before). Writers take a transaction-level
advisory lock per tenant before reading the chain head, so concurrent writers
queue instead of forking the chain; the unique (tenant_id, seq) key backs that
up. The lock is held until the caller's transaction ends, so record late in
it. The caller's transaction must be READ COMMITTED (the default), so the head
is read after the lock is granted.

The chain detects a changed, removed or inserted entry, but not by itself the
removal of the newest entries, nor a rewrite of the whole chain by someone who
holds the owner role: signed checkpoints of its head (``checkpoints.py``) do.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from confide.platform.audit import queries
from confide.platform.audit.actions import Action
from confide.platform.audit.schemas import ActorKind, AuditRecord, ChainReport, DetailValue
from confide.platform.core.db import NoTenantError, current_tenant_id, with_commit
from confide.platform.core.pagination import Page, PageRequest

GENESIS_HASH = "0" * 64
CODE = re.compile(r"^[a-z][a-z0-9_.:-]{0,63}$")  # action, subject kind, grounds, reason code
DETAIL_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DETAIL_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{0,64}$")  # an id or enum value, never prose
MAX_DETAIL_ITEMS = 16
MAX_DETAIL_INT = 2**53  # exact in JSON everywhere
_VERIFY_BATCH = 500


def _code(name: str, value: str | None, *, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not CODE.match(value):
        # The value is not quoted: it might be the very text we refuse to store.
        raise ValueError(f"audit {name} must be a lower-case code (letters, digits, _ . : -)")
    return value


def _detail(detail: Mapping[str, str | int | bool | UUID | None] | None) -> dict[str, DetailValue]:
    """Ids, enum values, counts and flags only; ids are stored as their text."""
    if not detail:
        return {}
    if len(detail) > MAX_DETAIL_ITEMS:
        raise ValueError(f"audit detail holds at most {MAX_DETAIL_ITEMS} items")
    clean: dict[str, DetailValue] = {}
    for key, value in detail.items():
        if not isinstance(key, str) or not DETAIL_KEY.match(key):
            raise ValueError("audit detail keys must be lower-case identifiers")
        if value is None or isinstance(value, bool):
            clean[key] = value
        elif isinstance(value, UUID):
            clean[key] = str(value)
        elif isinstance(value, int):
            if abs(value) >= MAX_DETAIL_INT:
                raise ValueError(f"audit detail {key!r} is out of range")
            clean[key] = int(value)
        elif isinstance(value, str) and DETAIL_TOKEN.match(value):
            clean[key] = str(value)
        else:
            raise ValueError(f"audit detail {key!r} is not an id, code, count or flag")
    return clean


def _opt_str(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def entry_hash(tenant_id: UUID, row: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of an entry's fields and its predecessor's hash.

    Canonical: keys sorted, no spaces, ASCII; ids as text; ``occurred_at`` in UTC
    ISO 8601 with microseconds. Anyone can recompute it from an export.
    """
    occurred_at: datetime = row["occurred_at"]
    canonical = _canonical(
        tenant_id,
        row,
        occurred_at=occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        seq=int(row["seq"]),
        prev_hash=row["prev_hash"],
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _canonical(
    tenant_id: UUID, row: Mapping[str, Any], *, occurred_at: str, seq: int | str, prev_hash: str
) -> str:
    payload = {
        "tenant_id": str(tenant_id),
        "seq": seq,
        "occurred_at": occurred_at,
        "actor_kind": row["actor_kind"],
        "actor_id": _opt_str(row["actor_id"]),
        "action": row["action"],
        "subject_kind": row["subject_kind"],
        "subject_id": _opt_str(row["subject_id"]),
        "grounds": row["grounds"],
        "reason_code": row["reason_code"],
        "detail": dict(row["detail"]),
        "prev_hash": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


_AT_COMMIT = re.compile(r"@(occurred_at|prev_hash|seq)@")


def _hash_pieces(tenant_id: UUID, entry: Mapping[str, Any]) -> list[str]:
    """The canonical text of ``entry`` cut around the three fields only the database knows
    when it chains the entry at commit: ``[text, field, text, field, text, field, text]``.
    (No code, id or detail token can hold an ``@``, so the markers are unambiguous.)"""
    text = _canonical(
        tenant_id, entry, occurred_at="@occurred_at@", seq="@seq@", prev_hash="@prev_hash@"
    ).replace('"@seq@"', "@seq@")
    pieces = _AT_COMMIT.split(text)
    if len(pieces) != 7:
        raise ValueError("an audit entry's fields must not hold '@'")
    return pieces


async def record(
    action: Action,
    *,
    actor_kind: str,
    actor_id: UUID | None = None,
    subject_kind: str | None = None,
    subject_id: UUID | None = None,
    grounds: str | None = None,
    reason_code: str | None = None,
    detail: Mapping[str, str | int | bool | UUID | None] | None = None,
) -> AuditRecord:
    """Append one entry to the current tenant's chain, in the caller's transaction."""
    return await _append(
        _entry(action, actor_kind, actor_id, subject_kind, subject_id, grounds, reason_code, detail)
    )


def _entry(
    action: Action,
    actor_kind: str,
    actor_id: UUID | None,
    subject_kind: str | None,
    subject_id: UUID | None,
    grounds: str | None,
    reason_code: str | None,
    detail: Mapping[str, str | int | bool | UUID | None] | None,
) -> dict[str, Any]:
    """An entry's fields, checked: codes and ids only, never personal data."""
    if not isinstance(action, Action):
        raise ValueError("audit actions are declared in audit/actions.py")
    if actor_kind not in set(ActorKind):
        raise ValueError(f"audit actor_kind must be one of {', '.join(ActorKind)}")
    return {
        "actor_kind": str(actor_kind),
        "actor_id": actor_id,
        "action": _code("action", action, required=True),
        "subject_kind": _code("subject_kind", subject_kind),
        "subject_id": subject_id,
        "grounds": _code("grounds", grounds),
        "reason_code": _code("reason_code", reason_code),
        "detail": _detail(detail),
    }


async def _chain(entries: list[dict[str, Any]], caller: str) -> UUID:
    """Number and hash ``entries`` after the tenant's latest one, in order, under the
    tenant's chain lock (held to the caller's commit); the tenant's id."""
    tenant_id = current_tenant_id()
    if not queries.transaction_open():
        raise NoTenantError(f"audit.{caller} needs the caller's tenant_transaction")
    await queries.lock_chain(tenant_id)
    now, seq, last_hash = await queries.chain_head(tenant_id)
    prev = last_hash or GENESIS_HASH
    number = seq or 0
    for item in entries:
        number += 1
        item["seq"] = number
        item["prev_hash"] = prev
        item["occurred_at"] = now
        item["hash"] = prev = entry_hash(tenant_id, item)
    return tenant_id


async def _append(entry: dict[str, Any]) -> AuditRecord:
    """Chain ``entry`` after the tenant's latest one, under the tenant's chain lock."""
    tenant_id = await _chain([entry], "record")
    return await queries.insert_entry(tenant_id, entry)


async def record_many(entries: list[dict[str, Any]]) -> int:
    """Append ``entries`` (each made by ``entry``) to the current tenant's chain, in order,
    under one lock and in one statement: for a job that records an act per row of a batch
    (the retention sweep's erasures). How many were appended."""
    if not entries:
        return 0
    tenant_id = await _chain(entries, "record_many")
    await queries.insert_entries(tenant_id, entries)
    return len(entries)


def entry(
    action: Action,
    *,
    actor_kind: str,
    actor_id: UUID | None = None,
    subject_kind: str | None = None,
    subject_id: UUID | None = None,
    grounds: str | None = None,
    reason_code: str | None = None,
    detail: Mapping[str, str | int | bool | UUID | None] | None = None,
) -> dict[str, Any]:
    """An entry for ``record_many``, checked now (codes and ids only)."""
    return _entry(
        action, actor_kind, actor_id, subject_kind, subject_id, grounds, reason_code, detail
    )


def record_at_commit(
    action: Action,
    *,
    actor_kind: str,
    actor_id: UUID | None = None,
    subject_kind: str | None = None,
    subject_id: UUID | None = None,
    grounds: str | None = None,
    reason_code: str | None = None,
    detail: Mapping[str, str | int | bool | UUID | None] | None = None,
) -> None:
    """Like ``record``, but chained just before the caller's transaction commits.

    For reads on the hot path: the per-tenant chain lock is taken at commit, so
    concurrent case reads in one tenant do not queue behind each other for the
    length of a request. A rolled-back transaction records nothing, as nothing of
    it reached anyone. The entry is checked now, so a bad code fails here.
    """
    entry = _entry(
        action, actor_kind, actor_id, subject_kind, subject_id, grounds, reason_code, detail
    )
    with_commit(commit_statement(current_tenant_id(), entry))


def commit_statement(tenant_id: UUID, entry: Mapping[str, Any]) -> str:
    """The statement that chains ``entry`` (made by ``entry``) in ``tenant_id``'s chain,
    sent in COMMIT's own round trip: the database locks the chain, reads its head and
    computes the hash from the same canonical text (``entry_hash`` checks it on verify).
    ``record_at_commit`` sends it; the benchmark's floor (``bench/bare.py``) too."""
    return queries.append_entry_sql(
        tenant_id, entry, _hash_pieces(tenant_id, entry), genesis=GENESIS_HASH
    )


async def list_entries(
    page: PageRequest, *, subject_id: UUID | None = None, action: str | None = None
) -> Page[AuditRecord]:
    """The current tenant's entries, newest first, optionally for one subject or action."""
    return await queries.entries(current_tenant_id(), page, subject_id=subject_id, action=action)


async def _walk(tenant_id: UUID) -> AsyncIterator[dict[str, Any]]:
    """Every entry in seq order, a batch at a time (keyset, so memory stays flat)."""
    after = 0
    while True:
        rows = await queries.entries_after(tenant_id, after, _VERIFY_BATCH)
        for row in rows:
            yield row
        if len(rows) < _VERIFY_BATCH:
            return
        after = rows[-1]["seq"]


async def verify_chain() -> ChainReport:
    """Recompute the current tenant's chain; report the first entry that does not hold."""
    tenant_id = current_tenant_id()
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    async for row in _walk(tenant_id):
        checked += 1
        why = None
        if row["seq"] != expected_seq:
            why = f"seq {row['seq']} follows {expected_seq - 1}: entries are missing"
        elif entry_hash(tenant_id, row) != row["hash"]:
            why = "its contents do not match its hash"
        elif row["prev_hash"] != prev_hash:
            why = "prev_hash does not match the entry before"
        if why:
            return ChainReport(
                ok=False,
                entries_checked=checked,
                first_broken_seq=row["seq"],
                first_broken_id=row["id"],
                why=why,
            )
        expected_seq, prev_hash = expected_seq + 1, row["hash"]
    return ChainReport(ok=True, entries_checked=checked)
