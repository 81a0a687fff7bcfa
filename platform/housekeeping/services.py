"""Housekeeping service, used alike by the API and the scheduled task.

Every function runs inside the caller's ``tenant_transaction``; row-level
security confines it to that tenant.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from confide.platform.core.clock import period_start
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.housekeeping import queries
from confide.platform.housekeeping.schemas import HeartbeatView

__all__ = ["get_heartbeat", "list_heartbeats", "period_start", "record_heartbeat"]


async def record_heartbeat(period: datetime, task_id: str) -> bool:
    """Record this tenant's heartbeat for ``period``; False if it was already there."""
    return await queries.insert_heartbeat(current_tenant_id(), period, task_id[:64])


CATCH_UP = timedelta(days=1)


async def catch_up_heartbeats(period: datetime, minutes: int, task_id: str) -> int:
    """Record ``period`` and every period missed since this tenant's last heartbeat within
    ``CATCH_UP`` (a beat tick lost in an outage); how many rows were new.

    Each period is written once whatever runs it, so catching up late is safe; a tenant
    with no heartbeat in the window gets only ``period``.
    """
    return await queries.insert_missed_heartbeats(
        current_tenant_id(), period, period - CATCH_UP, timedelta(minutes=minutes), task_id[:64]
    )


async def list_heartbeats(page: PageRequest) -> Page[HeartbeatView]:
    return await queries.heartbeats(page)


class HeartbeatNotFound(NotFound):
    """No such heartbeat here: never recorded, or another tenant's (the same to the caller)."""


async def get_heartbeat(heartbeat_id: UUID) -> HeartbeatView:
    """One heartbeat; ``HeartbeatNotFound`` both when it does not exist and when it is
    another tenant's."""
    heartbeat = await queries.heartbeat(heartbeat_id)
    if heartbeat is None:
        raise HeartbeatNotFound()
    return heartbeat
