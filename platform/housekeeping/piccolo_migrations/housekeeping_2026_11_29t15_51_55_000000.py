"""The run records' list, newest period first (and one status's), which the unique run key
on (tenant_id, job, period_start) declared on the table cannot serve."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T15:51:55:000000"
VERSION = "1.38.0"
DESCRIPTION = "job runs by period and by status"

FORWARDS = [
    "CREATE INDEX job_runs_period_idx ON job_runs (tenant_id, period_start DESC, job, id)",
    "CREATE INDEX job_runs_status_idx ON job_runs (tenant_id, status, period_start DESC)",
]

BACKWARDS = [
    "DROP INDEX job_runs_status_idx",
    "DROP INDEX job_runs_period_idx",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "housekeeping", DESCRIPTION, FORWARDS, BACKWARDS)
