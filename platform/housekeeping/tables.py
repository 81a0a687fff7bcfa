"""Housekeeping tables."""

from piccolo.columns import JSONB, UUID, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import NO_DELETE, TenantOwned
from confide.platform.housekeeping.schemas import RunStatus

# No braces in a check: Piccolo reads {...} in SQL as a placeholder.


class Heartbeat(TenantOwned, tablename="housekeeping_heartbeats"):
    """One row per tenant per scheduled period: the key makes the task idempotent."""

    id = UUID(primary_key=True)
    period_start = Timestamptz()
    recorded_at = Timestamptz(default=TimestamptzNow())
    task_id = Varchar(length=64)
    housekeeping_heartbeats_period_key = Unique(["tenant_id", "period_start"])


class JobRun(TenantOwned, tablename="job_runs", tags=[NO_DELETE]):
    """One scheduled job's run for one tenant and period: the run key (tenant, job, period)
    is unique, so a period's work is done once whatever runs it. Counts are named whole
    numbers and a failure is an exception's type only: never personal data."""

    id = UUID(primary_key=True)
    job = Varchar(length=64)
    period_start = Timestamptz()
    status = Varchar(length=16, choices=RunStatus)
    started_at = Timestamptz()
    finished_at = Timestamptz()
    duration_ms = Integer()
    attempts = Integer()
    counts = JSONB(default="{}")
    failure = Varchar(length=100, default="")
    task_id = Varchar(length=64)
    job_runs_key = Unique(["tenant_id", "job", "period_start"])
    job_runs_values_check = Check(
        "status IN ('succeeded', 'failed', 'retrying')"
        " AND job ~ '^[a-z][a-z0-9_.-]*$' AND finished_at >= started_at"
        " AND duration_ms >= 0 AND attempts >= 1 AND jsonb_typeof(counts) = 'object'"
        " AND failure ~ '^[A-Za-z0-9_.]*$' AND (status = 'succeeded') = (failure = '')"
    )
