"""Information requests' deadlines (issue 17, rule 27), a scheduled job (``jobs.py``):
each tenant's managers told as a request's deadline approaches and when it passes. Once
per day and tenant; a notification is never made twice (its key)."""

from __future__ import annotations

from datetime import timedelta

from confide.platform.core.clock import service_today
from confide.platform.requests.services import tell_managers_of_due
from confide.workers.jobs import Run, scheduled_job


@scheduled_job("requests.deadlines", every=timedelta(days=1))
async def request_deadlines_job(run: Run) -> dict[str, int]:
    """Managers told of each open request due within the week, or overdue."""
    return {"notifications_made": await tell_managers_of_due(service_today())}


#: ``request_deadlines.delay(tenant_id, period)``: one tenant's, for a period.
request_deadlines = request_deadlines_job.task
