"""An export of the annual return (issue 18): a large period's release built by the export
worker with progress. It stores no file (the release the statistics keep is what it
builds), so the ready check is relaxed for it; the kind and ready checks are ones Piccolo
does not alter by itself, so they are dropped and added again here. One build per period
at a time: a partial unique index over the annual returns queued or running, which a
second request's insert meets (``ON CONFLICT DO NOTHING``) and then finds.

Undoing it deletes the annual return exports' rows (they have no file; the releases they
built are the statistics' and stay), tenant by tenant: the owner is bound by the row-level
policy too, so a plain DELETE deletes nothing and the checks added again would fail on
any database that has built one. (Corrected in place the day it landed, before any
database but this project's tests had run it: see CHANGELOG.md.)"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-30T04:51:42:000000"
VERSION = "1.38.0"
DESCRIPTION = "an export of the annual return"


def _checks(kinds: str, ready: str) -> list[str]:
    return [
        "ALTER TABLE exports DROP CONSTRAINT exports_kind_check",
        f"ALTER TABLE exports ADD CONSTRAINT exports_kind_check CHECK (kind IN ({kinds})"
        " AND view IN ('full', 'parent')"
        " AND status IN ('queued', 'running', 'ready', 'failed', 'expired'))",
        "ALTER TABLE exports DROP CONSTRAINT exports_ready_check",
        f"ALTER TABLE exports ADD CONSTRAINT exports_ready_check CHECK (status <> 'ready'{ready}"
        " OR (object_key IS NOT NULL AND sha256 IS NOT NULL AND expires_at IS NOT NULL))",
    ]


FORWARDS = [
    *_checks("'case_bundle', 'sar_release', 'annual_return'", " OR kind = 'annual_return'"),
    "CREATE UNIQUE INDEX exports_annual_return_building ON exports"
    " (tenant_id, period_kind, period_start)"
    " WHERE kind = 'annual_return' AND status IN ('queued', 'running')",
]

# Each tenant's rows in turn, as retention's 2026-11-30T01:34:58 converts its facts.
_DELETE_EACH_TENANT = """
DO $$
DECLARE
    v_tenant uuid;
BEGIN
    FOR v_tenant IN SELECT t.id FROM public.tenants t ORDER BY t.id LOOP
        PERFORM set_config('app.tenant_id', v_tenant::text, true);
        DELETE FROM public.exports WHERE tenant_id = v_tenant AND kind = 'annual_return';
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$
"""

BACKWARDS = [
    "DROP INDEX exports_annual_return_building",
    _DELETE_EACH_TENANT,
    *_checks("'case_bundle', 'sar_release'", ""),
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "exports", DESCRIPTION, FORWARDS, BACKWARDS)
