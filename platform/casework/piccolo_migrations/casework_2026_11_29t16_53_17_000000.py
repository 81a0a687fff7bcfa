"""What the break-glass reviews table cannot declare: its keys that include ``tenant_id``
(the use of break-glass reviewed, the manager who looked). A grant erased with its case by
retention takes its review with it (``ON DELETE CASCADE``: only the erasure deletes one). Row-level security comes from
``confide migrate``, as for every table with a ``tenant_id``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T16:53:17:000000"
VERSION = "1.38.0"
DESCRIPTION = "break-glass reviews keys"

FORWARDS = [
    "ALTER TABLE break_glass_reviews ADD CONSTRAINT break_glass_reviews_grant_fkey"
    " FOREIGN KEY (tenant_id, grant_id) REFERENCES break_glass_grants (tenant_id, id)"
    " ON DELETE CASCADE",
    "ALTER TABLE break_glass_reviews ADD CONSTRAINT break_glass_reviews_reviewer_fkey"
    " FOREIGN KEY (tenant_id, reviewed_by) REFERENCES staff_users (tenant_id, id)",
]

BACKWARDS = [
    "ALTER TABLE break_glass_reviews DROP CONSTRAINT break_glass_reviews_reviewer_fkey",
    "ALTER TABLE break_glass_reviews DROP CONSTRAINT break_glass_reviews_grant_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "casework", DESCRIPTION, FORWARDS, BACKWARDS)
