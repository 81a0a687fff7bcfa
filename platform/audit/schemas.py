"""Audit views."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class ActorKind(StrEnum):
    """Who acted: a service's staff member, a platform operator, the system, or nobody known."""

    STAFF = "staff"
    OPERATOR = "operator"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"


# What a detail value may be once stored: ids are kept as their text.
DetailValue = str | int | bool | None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: UUID
    seq: int
    occurred_at: datetime
    actor_kind: str
    actor_id: UUID | None
    action: str
    subject_kind: str | None
    subject_id: UUID | None
    grounds: str | None
    reason_code: str | None
    detail: Mapping[str, DetailValue]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The result of walking one tenant's chain; on a break, the first entry that fails and why."""

    ok: bool
    entries_checked: int
    first_broken_seq: int | None = None
    first_broken_id: UUID | None = None
    why: str | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One tenant's chain head at one scheduled period, as signed."""

    tenant_id: UUID
    period_start: datetime
    made_at: datetime
    seq: int
    hash: str
    interval_minutes: int
    key_id: str
    signature: str
