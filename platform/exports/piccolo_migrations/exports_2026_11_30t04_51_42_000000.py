"""An export of the annual return (issue 18): a large period's release built by the export
worker with progress. It stores no file (the release the statistics keep is what it
builds), so the ready check is relaxed for it; the kind and ready checks are ones Piccolo
does not alter by itself, so they are dropped and added again here. One build per period
at a time: a partial unique index over the annual returns queued or running, which a
second request's insert meets (``ON CONFLICT DO NOTHING``) and then finds.

Undoing it deletes the annual return exports' rows (they have no file; the releases they
built are the statistics' and stay)."""

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

BACKWARDS = [
    "DROP INDEX exports_annual_return_building",
    "DELETE FROM exports WHERE kind = 'annual_return'",
    *_checks("'case_bundle', 'sar_release'", ""),
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "exports", DESCRIPTION, FORWARDS, BACKWARDS)
