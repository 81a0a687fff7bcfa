"""Housekeeping: a heartbeat per active tenant each period, a scheduled job (``jobs.py``)."""

from __future__ import annotations

from datetime import timedelta

from confide.platform.core.settings import get_settings
from confide.platform.housekeeping.services import catch_up_heartbeats
from confide.workers.jobs import Run, scheduled_job


@scheduled_job(
    "housekeeping.heartbeat", every=timedelta(minutes=get_settings().core.heartbeat_minutes)
)
async def heartbeat_job(run: Run) -> dict[str, int]:
    """Write this tenant's heartbeat row for the run's period, and for the periods it missed
    (a beat tick lost while Redis was down); a redelivery writes nothing new."""
    minutes = int(run.every.total_seconds() // 60)
    return {"heartbeats": await catch_up_heartbeats(run.period, minutes, run.task_id)}


#: ``heartbeat.delay(tenant_id, period)``: one tenant's heartbeat for a period.
heartbeat = heartbeat_job.task
#: ``fan_out_heartbeats.delay()``: every active tenant's, for the current period.
fan_out_heartbeats = heartbeat_job.fan_out
