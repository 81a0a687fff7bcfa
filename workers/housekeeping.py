"""Housekeeping tasks: a heartbeat per active tenant, fanned out by beat."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from celery import Task

from confide.platform.core.settings import get_settings
from confide.platform.housekeeping.services import catch_up_heartbeats, period_start
from confide.tenants.services import list_active_tenant_ids
from confide.workers.celery_app import celery_app
from confide.workers.retries import with_retries
from confide.workers.tenant_task import tenant_task


@tenant_task(celery_app, "confide.housekeeping.heartbeat")
async def heartbeat(task: Task[Any, Any], period: str) -> int:
    """Write this tenant's heartbeat row for ``period``, and for the periods it missed (a beat
    tick lost while Redis was down); a redelivery writes nothing new."""
    return await catch_up_heartbeats(
        datetime.fromisoformat(period), get_settings().core.heartbeat_minutes, task.request.id or ""
    )


@celery_app.task(name="confide.housekeeping.fan_out_heartbeats", bind=True, acks_late=True)
def fan_out_heartbeats(self: Task[Any, Any]) -> int:
    """Queue one heartbeat per active tenant for the current period."""
    return with_retries(self, _fan_out)


def _fan_out() -> int:
    period = period_start(datetime.now(UTC), get_settings().core.heartbeat_minutes)
    tenant_ids = asyncio.run(list_active_tenant_ids())
    for tenant_id in tenant_ids:
        heartbeat.delay(str(tenant_id), period.isoformat())
    return len(tenant_ids)
