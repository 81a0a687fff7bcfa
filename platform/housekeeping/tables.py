"""Housekeeping tables."""

from piccolo.columns import UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique

from confide.platform.core.tables import TenantOwned


class Heartbeat(TenantOwned, tablename="housekeeping_heartbeats"):
    """One row per tenant per scheduled period: the key makes the task idempotent."""

    id = UUID(primary_key=True)
    period_start = Timestamptz()
    recorded_at = Timestamptz(default=TimestamptzNow())
    task_id = Varchar(length=64)
    housekeeping_heartbeats_period_key = Unique(["tenant_id", "period_start"])
