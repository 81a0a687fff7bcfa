"""Housekeeping's SQL: the heartbeat rows, as named functions returning views."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.housekeeping.schemas import HeartbeatView
from confide.platform.housekeeping.tables import Heartbeat


async def insert_heartbeat(tenant_id: UUID, period: datetime, task_id: str) -> bool:
    """The tenant's heartbeat for ``period``; False if it was already there."""
    rows = await Heartbeat.raw(
        "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, recorded_at, task_id)"
        " VALUES ({}, {}, {}, now(), {})"
        " ON CONFLICT (tenant_id, period_start) DO NOTHING RETURNING id",
        uuid4(),
        tenant_id,
        period,
        task_id,
    )
    return bool(rows)


async def insert_missed_heartbeats(
    tenant_id: UUID, period: datetime, since: datetime, step: timedelta, task_id: str
) -> int:
    """``period`` and every period of ``step`` after the tenant's last heartbeat at or after
    ``since`` (only ``period`` when there is none); how many rows were new."""
    rows = await Heartbeat.raw(
        "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, recorded_at, task_id)"
        " SELECT gen_random_uuid(), {}, p, now(), {} FROM generate_series("
        "  COALESCE((SELECT max(period_start) FROM housekeeping_heartbeats"
        "   WHERE period_start < {} AND period_start >= {}) + {}, {}), {}, {}) AS p"
        " ON CONFLICT (tenant_id, period_start) DO NOTHING RETURNING id",
        tenant_id,
        task_id,
        period,
        since,
        step,
        period,
        period,
        step,
    )
    return len(rows)


def _view(row: dict[str, Any]) -> HeartbeatView:
    return HeartbeatView(
        id=row["id"], period_start=row["period_start"], recorded_at=row["recorded_at"]
    )


async def heartbeats(page: PageRequest) -> Page[HeartbeatView]:
    """The tenant's heartbeats, newest first, and how many."""
    rows = await (
        Heartbeat.select(Heartbeat.id, Heartbeat.period_start, Heartbeat.recorded_at)
        .order_by(Heartbeat.period_start, ascending=False)
        .limit(page.limit)
        .offset(page.offset)
    )
    total = await Heartbeat.count()
    return Page([_view(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


async def heartbeat(heartbeat_id: UUID) -> HeartbeatView | None:
    row = await (
        Heartbeat.select(Heartbeat.id, Heartbeat.period_start, Heartbeat.recorded_at)
        .where(Heartbeat.id == heartbeat_id)
        .first()
    )
    return _view(row) if row else None
