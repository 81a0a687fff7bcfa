"""The indexes the policy's lists page by, with the tenant first (each tenant's history,
newest first): the changes of settings, and the reviews of the policy. Row-level
security on the three new tables is applied by ``confide migrate`` (``secure_schema``),
as on every table with a ``tenant_id``."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T15:44:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "policy history and review indexes"

FORWARDS = [
    "CREATE INDEX policy_changes_tenant_newest ON policy_changes (tenant_id, changed_at DESC, id)",
    "CREATE INDEX policy_reviews_tenant_latest ON policy_reviews"
    " (tenant_id, reviewed_on DESC, recorded_at DESC)",
]

BACKWARDS = [
    "DROP INDEX policy_reviews_tenant_latest",
    "DROP INDEX policy_changes_tenant_newest",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "tenants", DESCRIPTION, FORWARDS, BACKWARDS)
