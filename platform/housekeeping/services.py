"""Housekeeping service, used alike by the API and the scheduled task.

Every function runs inside the caller's ``tenant_transaction``; row-level
security confines it to that tenant.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from confide.platform.core.clock import period_start
from confide.platform.core.db import current_tenant_id
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.housekeeping.schemas import HeartbeatView
from confide.platform.housekeeping.tables import Heartbeat

__all__ = ["get_heartbeat", "list_heartbeats", "period_start", "record_heartbeat"]


async def record_heartbeat(period: datetime, task_id: str) -> bool:
    """Record this tenant's heartbeat for ``period``; False if it was already there."""
    rows = await Heartbeat.raw(
        "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, recorded_at, task_id)"
        " VALUES ({}, {}, {}, now(), {})"
        " ON CONFLICT (tenant_id, period_start) DO NOTHING RETURNING id",
        uuid4(),
        current_tenant_id(),
        period,
        task_id[:64],
    )
    return bool(rows)


CATCH_UP = timedelta(days=1)


async def catch_up_heartbeats(period: datetime, minutes: int, task_id: str) -> int:
    """Record ``period`` and every period missed since this tenant's last heartbeat within
    ``CATCH_UP`` (a beat tick lost in an outage); how many rows were new.

    Each period is written once whatever runs it, so catching up late is safe; a tenant
    with no heartbeat in the window gets only ``period``.
    """
    step = timedelta(minutes=minutes)
    rows = await Heartbeat.raw(
        "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, recorded_at, task_id)"
        " SELECT gen_random_uuid(), {}, p, now(), {} FROM generate_series("
        "  COALESCE((SELECT max(period_start) FROM housekeeping_heartbeats"
        "   WHERE period_start < {} AND period_start >= {}) + {}, {}), {}, {}) AS p"
        " ON CONFLICT (tenant_id, period_start) DO NOTHING RETURNING id",
        current_tenant_id(),
        task_id[:64],
        period,
        period - CATCH_UP,
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


async def list_heartbeats(page: PageRequest) -> Page[HeartbeatView]:
    rows = await (
        Heartbeat.select(Heartbeat.id, Heartbeat.period_start, Heartbeat.recorded_at)
        .order_by(Heartbeat.period_start, ascending=False)
        .limit(page.limit)
        .offset(page.offset)
    )
    total = await Heartbeat.count()
    return Page([_view(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


async def get_heartbeat(heartbeat_id: UUID) -> HeartbeatView | None:
    """One heartbeat; None both when it does not exist and when it is another tenant's."""
    row = await (
        Heartbeat.select(Heartbeat.id, Heartbeat.period_start, Heartbeat.recorded_at)
        .where(Heartbeat.id == heartbeat_id)
        .first()
    )
    return _view(row) if row else None
