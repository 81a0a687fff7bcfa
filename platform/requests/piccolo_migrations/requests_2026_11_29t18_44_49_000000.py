"""What the information requests table cannot declare: its keys that include
``tenant_id`` (the case it is about, the members of staff, the managers' queue task) and
the register's indexes (the open ones by deadline; a case's). A case erased by retention
takes its requests with it (the erasure deletes every tenant row naming the case first).
Row-level security comes from ``confide migrate``, as for every table with a ``tenant_id``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T18:44:49:000000"
VERSION = "1.38.0"
DESCRIPTION = "information request keys and indexes"

FORWARDS = [
    "ALTER TABLE information_requests ADD CONSTRAINT information_requests_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE information_requests ADD CONSTRAINT information_requests_logged_by_fkey"
    " FOREIGN KEY (tenant_id, logged_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE information_requests ADD CONSTRAINT information_requests_checked_by_fkey"
    " FOREIGN KEY (tenant_id, identity_checked_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE information_requests ADD CONSTRAINT information_requests_closed_by_fkey"
    " FOREIGN KEY (tenant_id, closed_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE information_requests ADD CONSTRAINT information_requests_task_fkey"
    " FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id)",
    "CREATE INDEX information_requests_open_due_idx ON information_requests"
    " (tenant_id, due_on) WHERE status = 'open'",
    "CREATE INDEX information_requests_case_idx ON information_requests (tenant_id, case_id)",
]

BACKWARDS = [
    "DROP INDEX information_requests_case_idx",
    "DROP INDEX information_requests_open_due_idx",
    "ALTER TABLE information_requests DROP CONSTRAINT information_requests_task_fkey",
    "ALTER TABLE information_requests DROP CONSTRAINT information_requests_closed_by_fkey",
    "ALTER TABLE information_requests DROP CONSTRAINT information_requests_checked_by_fkey",
    "ALTER TABLE information_requests DROP CONSTRAINT information_requests_logged_by_fkey",
    "ALTER TABLE information_requests DROP CONSTRAINT information_requests_case_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "requests", DESCRIPTION, FORWARDS, BACKWARDS)
