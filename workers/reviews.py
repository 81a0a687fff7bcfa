"""Consent reviews falling due become tasks: a scheduled job (``jobs.py``) calling the
tasks domain's service, daily for each active tenant."""

from __future__ import annotations

from datetime import timedelta

from confide.platform.tasks.services import make_review_tasks
from confide.workers.jobs import Run, scheduled_job


@scheduled_job("tasks.consent_reviews", every=timedelta(days=1))
async def consent_reviews_job(run: Run) -> dict[str, int]:
    """Every consent of an open case due for review within the notice period becomes a
    task for its caseworker (or the managers' queue), once however often it runs."""
    return await make_review_tasks()
