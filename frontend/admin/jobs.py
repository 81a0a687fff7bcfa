"""The scheduled jobs' run records: when each ran for this service, how long it took, what
it did in counts, and any failure, a page at a time, by job and status."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from confide.frontend.labels import JOB_LABELS, LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.platform.housekeeping import services
from confide.platform.housekeeping.schemas import RunFilter, RunStatus
from confide.platform.identity.web import tenant_admin

JobName = Annotated[str | None, QueryParameter(max_length=64, pattern=r"^([a-z][a-z0-9_.-]*)?$")]

StatusName = Annotated[str | None, QueryParameter(pattern="^(" + "|".join(RunStatus) + ")?$")]


class JobRunsPages(Controller):
    path = "/admin/jobs"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/", name="admin-job-runs")
    async def job_runs(
        self,
        request: Request[Any, Any, Any],
        job: JobName = None,
        status: StatusName = None,
        page: PageNumber = 1,
    ) -> Template:
        """Runs, newest period first; the filter form's "all" sends an empty value."""
        which = RunFilter(job or None, RunStatus(status) if status else None)
        found = await services.list_runs(which, page_request(page))
        jobs = sorted({*JOB_LABELS, *await services.run_jobs()})
        query = urlencode({k: v for k, v in (("job", which.job), ("status", which.status)) if v})
        return paged_template(
            request,
            "admin/jobs.html",
            found,
            page,
            labels=LABELS,
            jobs=jobs,
            statuses=list(RunStatus),
            chosen=which,
            query=f"{query}&" if query else "",
        )
