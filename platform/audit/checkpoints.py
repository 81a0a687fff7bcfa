"""Checkpoints: each tenant's chain head, signed on a schedule, so a shortened chain shows.

The hash chain (``services``) shows an entry changed, removed or inserted, but
not the newest entries removed: the chain just ends sooner. So a beat job
(``workers/audit.py``) keeps each tenant's head (seq and hash) every
``CONFIDE_AUDIT_CHECKPOINT_MINUTES``, signed with a key that is never in the
database (``signing.py``). ``verify_checkpoints`` reports

* a chain shorter than a checkpoint saw (entries removed from its end), or an
  entry that is not the one a checkpoint saw (the chain rewritten);
* a checkpoint whose signature fails (changed or forged);
* a gap in the schedule: two checkpoints further apart than their interval, or
  none for two intervals up to now (checkpoints deleted, or beat not running).

What is signed is the payload's canonical JSON (keys sorted, no spaces, ASCII,
as for entry hashes). The download is that payload plus its ``signature``, so
anyone holding the public key checks it: drop ``signature``, canonicalise the
rest, verify.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from confide.platform.audit import queries
from confide.platform.audit.schemas import Checkpoint
from confide.platform.audit.services import GENESIS_HASH
from confide.platform.audit.signing import ALGORITHM, checkpoint_keys
from confide.platform.core.db import current_tenant_id

_BATCH = 500


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def payload(checkpoint: Checkpoint) -> dict[str, str | int]:
    """The signed fields."""
    return {
        "algorithm": ALGORITHM,
        "tenant_id": str(checkpoint.tenant_id),
        "period_start": _iso(checkpoint.period_start),
        "made_at": _iso(checkpoint.made_at),
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "interval_minutes": checkpoint.interval_minutes,
        "key_id": checkpoint.key_id,
    }


def canonical(fields: dict[str, str | int]) -> bytes:
    """The bytes that are signed: keys sorted, no spaces, ASCII."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def document(checkpoint: Checkpoint) -> dict[str, str | int]:
    """The download: the signed fields and the signature."""
    return {**payload(checkpoint), "signature": checkpoint.signature}


async def make_checkpoint(period: datetime, interval_minutes: int) -> Checkpoint | None:
    """Sign and keep the current tenant's chain head for ``period``, in the caller's
    transaction; None when that period has its checkpoint already (a redelivered task)."""
    tenant_id = current_tenant_id()
    head = await queries.head(tenant_id)
    keys = checkpoint_keys()
    unsigned = Checkpoint(
        tenant_id=tenant_id,
        period_start=period.astimezone(UTC),
        made_at=datetime.now(UTC),
        seq=head[0] if head else 0,
        hash=head[1] if head else GENESIS_HASH,
        interval_minutes=interval_minutes,
        key_id=keys.signing_id,
        signature="",
    )
    signed = replace(unsigned, signature=keys.sign(canonical(payload(unsigned))))
    return signed if await queries.insert_checkpoint(signed) else None


async def latest_checkpoint() -> Checkpoint | None:
    """The current tenant's newest checkpoint, if any."""
    return await queries.latest_checkpoint(current_tenant_id())


async def _walk(tenant_id: UUID) -> AsyncIterator[tuple[Checkpoint, str | None]]:
    """Every checkpoint in period order with the hash of the entry at its seq, a batch at
    a time."""
    after = datetime(1, 1, 1, tzinfo=UTC)
    while True:
        rows = await queries.checkpoints_after(tenant_id, after, _BATCH)
        for checkpoint, entry_hash in rows:
            yield checkpoint, entry_hash
        if len(rows) < _BATCH:
            return
        after = rows[-1][0].period_start


def _signature_problem(checkpoint: Checkpoint) -> str | None:
    keys = checkpoint_keys()
    when = _when(checkpoint.period_start)
    if not keys.knows(checkpoint.key_id):
        return f"the checkpoint of {when} names key {checkpoint.key_id}, which is not configured"
    if not keys.verify(checkpoint.key_id, canonical(payload(checkpoint)), checkpoint.signature):
        return f"the checkpoint of {when} does not match its signature: it was changed or forged"
    return None


async def verify_checkpoints(
    *, now: datetime, tenant_created_at: datetime, interval_minutes: int
) -> list[str]:
    """What does not hold between the current tenant's chain and its checkpoints, oldest
    first; empty when everything does. ``interval_minutes`` is today's schedule, for a
    tenant with no checkpoint yet."""
    tenant_id = current_tenant_id()
    last_seq = await queries.last_seq(tenant_id)
    problems: list[str] = []
    last: Checkpoint | None = None
    async for checkpoint, entry_hash in _walk(tenant_id):
        when = _when(checkpoint.period_start)
        wrong = _signature_problem(checkpoint)
        if wrong:
            problems.append(wrong)
            continue  # a checkpoint that does not verify says nothing
        if checkpoint.seq > last_seq:
            problems.append(
                f"the chain ends at entry {last_seq} but the checkpoint of {when} saw"
                f" {checkpoint.seq}: entries were removed from its end"
            )
        elif (entry_hash or GENESIS_HASH) != checkpoint.hash:
            problems.append(
                f"entry {checkpoint.seq} is not the one the checkpoint of {when} saw:"
                " the chain was rewritten"
            )
        if last is not None:
            allowed = timedelta(minutes=max(last.interval_minutes, checkpoint.interval_minutes))
            if checkpoint.period_start - last.period_start > allowed:
                problems.append(
                    f"no checkpoint between {_when(last.period_start)} and {when}:"
                    " checkpoints were deleted, or the schedule did not run"
                )
        last = checkpoint
    if last is None:
        if now - tenant_created_at > timedelta(minutes=2 * interval_minutes):
            problems.append(
                f"no checkpoint since the tenant was created ({_when(tenant_created_at)}):"
                " checkpoints were deleted, or the schedule is not running"
            )
    elif now - last.period_start > timedelta(minutes=2 * last.interval_minutes):
        problems.append(
            f"no checkpoint since {_when(last.period_start)}: checkpoints were deleted,"
            " or the schedule is not running"
        )
    return problems
