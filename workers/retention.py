"""Retention (rule 14): the daily sweep erasing each tenant's cases past retention and not
on hold, once its tenant admin has confirmed the dry run (``platform/retention``)."""

from __future__ import annotations

from datetime import timedelta

from confide.platform.retention.services import sweep
from confide.workers.jobs import Run, scheduled_job


@scheduled_job("retention.sweep", every=timedelta(days=1))
async def retention_sweep_job(run: Run) -> dict[str, int]:
    """Erase what is due today; a second delivery of the day's period does nothing."""
    return await sweep()


#: ``retention_sweep.delay(tenant_id, period)``: one tenant's sweep for a period.
retention_sweep = retention_sweep_job.task
#: ``fan_out_retention_sweeps.delay()``: every active tenant's, for the current period.
fan_out_retention_sweeps = retention_sweep_job.fan_out
