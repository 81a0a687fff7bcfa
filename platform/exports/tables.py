"""Exports: one row per export asked for, moving from queued to ready (or failed), then
expired when its file is deleted. The file itself is in the object store, encrypted,
under ``object_key`` (a uuid: no personal data in its name)."""

from piccolo.columns import UUID, BigInt, Boolean, Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import NO_DELETE, TenantOwned, ref

# No braces in a check: Piccolo reads {...} in SQL as a placeholder.


class Export(TenantOwned, tablename="exports", tags=[NO_DELETE]):
    id = UUID(primary_key=True)
    kind = Varchar(length=32)
    case_id = ref(null=True)
    view = Varchar(length=8, default="full")
    include_documents = Boolean(default=True)
    status = Varchar(length=8, default="queued")
    progress_done = Integer(default=0)
    progress_total = Integer(default=0)
    failure = Varchar(length=40, null=True, default=None)
    object_key = Varchar(length=120, null=True, default=None)
    size_bytes = BigInt(null=True, default=None)
    sha256 = Varchar(length=64, null=True, default=None)
    requested_by = ref()
    requested_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    # The build's last step done (``progress``): with ``started_at``, when it last showed
    # life, so a build genuinely running long is never taken for a stalled one.
    progressed_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)
    # An annual return's period (issue 18): its kind of year and first day; only for that
    # kind, which is of no case.
    period_kind = Varchar(length=16, null=True, default=None)
    period_start = Date(null=True, default=None)
    exports_tenant_id_id_key = Unique(["tenant_id", "id"])
    exports_kind_check = Check(
        "kind IN ('case_bundle', 'sar_release', 'annual_return') AND view IN ('full', 'parent')"
        " AND status IN ('queued', 'running', 'ready', 'failed', 'expired')"
    )
    exports_progress_check = Check(
        "progress_done >= 0 AND progress_total >= 0 AND progress_done <= progress_total"
    )
    # An annual return stores no file: what it builds is the release the statistics keep.
    exports_ready_check = Check(
        "status <> 'ready' OR kind = 'annual_return' OR (object_key IS NOT NULL"
        " AND sha256 IS NOT NULL AND expires_at IS NOT NULL)"
    )
    exports_period_check = Check(
        "(kind = 'annual_return' AND case_id IS NULL AND period_start IS NOT NULL"
        " AND period_kind IN ('calendar', 'financial', 'academic'))"
        " OR (kind <> 'annual_return' AND period_kind IS NULL AND period_start IS NULL)"
    )
