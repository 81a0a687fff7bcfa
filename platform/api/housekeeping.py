"""Housekeeping API: a tenant's heartbeats, as its scheduled work recorded them, and the
run records of its scheduled jobs (for the tenant admin)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.housekeeping import services
from confide.platform.housekeeping.schemas import HeartbeatView, JobRunView, RunFilter, RunStatus
from confide.platform.identity.web import signed_in, tenant_admin

#: A job's name, as ``?job=`` filters on it.
JobName = Annotated[
    str | None, QueryParameter(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_.-]*$")
]


class HousekeepingController(Controller):
    """Read by any signed-in member of staff of the tenant."""

    path = "/housekeeping"
    tags = ["housekeeping"]
    guards = [signed_in]

    @get("/heartbeats", name="api-list-heartbeats")
    async def list_heartbeats(
        self,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[HeartbeatView]:
        """This tenant's heartbeats, newest first."""
        return PageOut.of(await services.list_heartbeats(PageRequest(limit, offset)))

    @get("/heartbeats/{heartbeat_id:uuid}", name="api-get-heartbeat")
    async def get_heartbeat(self, heartbeat_id: FromPath[UUID]) -> HeartbeatView:
        """One heartbeat; another tenant's is "not found", like one that never existed."""
        return await services.get_heartbeat(heartbeat_id)


class JobRunsController(Controller):
    """The scheduled jobs' run records: the tenant admin's."""

    path = "/job-runs"
    tags = ["housekeeping"]
    guards = [tenant_admin]

    @get("/", name="api-list-job-runs")
    async def list_job_runs(
        self,
        job: JobName = None,
        status: Annotated[RunStatus | None, QueryParameter()] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[JobRunView]:
        """This tenant's runs of its scheduled jobs, newest period first; ``?job=`` and
        ``?status=`` keep one job's or one status's."""
        found = await services.list_runs(RunFilter(job, status), PageRequest(limit, offset))
        return PageOut.of(found)

    @get("/{run_id:uuid}", name="api-get-job-run")
    async def get_job_run(self, run_id: FromPath[UUID]) -> JobRunView:
        """One run's record; another tenant's is "not found", like one that never existed."""
        return await services.get_run(run_id)
