"""Housekeeping tables."""

from piccolo.columns import UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from confide.platform.core.tables import TenantOwned


class Heartbeat(TenantOwned, tablename="housekeeping_heartbeats"):
    """One row per tenant per scheduled period; unique on (tenant_id, period_start)."""

    id = UUID(primary_key=True)
    period_start = Timestamptz()
    recorded_at = Timestamptz(default=TimestamptzNow())
    task_id = Varchar(length=64)
