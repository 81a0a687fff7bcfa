"""The annual return's releases (rule 12): the first release of a completed period is kept
as it was published, and every later preview or download of that period is that release,
never a recomputation (two releases of one period, differenced, would give hidden counts
away). Added, never changed."""

from piccolo.columns import JSONB, UUID, Bytea, Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import APPEND_ONLY, TenantOwned, ref

# No braces in a check: Piccolo reads {...} in SQL as a placeholder.


class StatisticsRelease(TenantOwned, tablename="statistics_releases", tags=[APPEND_ONLY]):
    """One period's annual return as released: the published tables (JSON, hidden figures
    null), the CSV and the workbook as downloaded, and their checksums."""

    id = UUID(primary_key=True)
    period_kind = Varchar(length=16)
    period_start = Date()
    period_end = Date()  # the last day of the period
    produced_by = ref()
    produced_at = Timestamptz(default=TimestamptzNow())
    published = JSONB()
    csv = Bytea()
    csv_sha256 = Varchar(length=64)
    xlsx = Bytea()
    xlsx_sha256 = Varchar(length=64)
    # The shape of ``published`` (``schemas.RELEASE_SCHEMA`` when made): a release of an
    # earlier shape is still offered as its files, never a 500.
    schema_version = Integer(default=1)
    statistics_releases_tenant_id_id_key = Unique(["tenant_id", "id"])
    statistics_releases_period_key = Unique(["tenant_id", "period_kind", "period_start"])
    statistics_releases_period_check = Check(
        "period_kind IN ('calendar', 'financial', 'academic') AND period_end > period_start"
    )
