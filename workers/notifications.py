"""Notifications that time alone makes due (issue 15), scheduled jobs (``jobs.py``): each
tenant's managers told of tell-the-client tasks gone overdue and of the policy review
falling due. Once per day and tenant; a notification is never made twice (its key)."""

from __future__ import annotations

from datetime import timedelta

from confide.platform.consent.tasks import tell_managers_of_overdue
from confide.platform.core.clock import service_today
from confide.platform.notifications.services import notify_policy_review_due
from confide.workers.jobs import Run, scheduled_job


@scheduled_job("notifications.tell_client_overdue", every=timedelta(days=1))
async def tell_client_overdue_job(run: Run) -> dict[str, int]:
    """Managers told of each open tell-the-client task past its due date."""
    return {"notifications_made": await tell_managers_of_overdue(service_today())}


@scheduled_job("notifications.policy_review_due", every=timedelta(days=1))
async def policy_review_due_job(run: Run) -> dict[str, int]:
    """Managers told once that the confidentiality policy's review has fallen due."""
    return {"notifications_made": await notify_policy_review_due()}


#: ``tell_client_overdue.delay(tenant_id, period)``: one tenant's, for a period.
tell_client_overdue = tell_client_overdue_job.task
#: ``policy_review_due.delay(tenant_id, period)``: one tenant's, for a period.
policy_review_due = policy_review_due_job.task
