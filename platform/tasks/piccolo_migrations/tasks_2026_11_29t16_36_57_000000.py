"""Tasks' links within a tenant, the lists' indexes, and the tell-the-client tasks already
there copied in as tasks of their kind (same id, due date, state, who and when), tenant by
tenant (the owner is bound by the policy too).

Links include ``tenant_id`` (composite foreign keys onto the ``(tenant_id, id)`` keys), so
a task can never point into another tenant.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.sql import raw

ID = "2026-11-29T16:36:57:000000"
VERSION = "1.38.0"
DESCRIPTION = "task links, indexes, the tell-the-client tasks as tasks"

FORWARDS = [
    "ALTER TABLE tasks ADD CONSTRAINT tasks_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE tasks ADD CONSTRAINT tasks_assignee_fkey"
    " FOREIGN KEY (tenant_id, assignee_id) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE tasks ADD CONSTRAINT tasks_created_by_fkey"
    " FOREIGN KEY (tenant_id, created_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE tasks ADD CONSTRAINT tasks_done_by_fkey"
    " FOREIGN KEY (tenant_id, done_by) REFERENCES staff_users (tenant_id, id)",
    "CREATE INDEX tasks_open_assignee_idx ON tasks (tenant_id, assignee_id, due_on)"
    " WHERE status = 'open'",
    "CREATE INDEX tasks_open_due_idx ON tasks (tenant_id, due_on) WHERE status = 'open'",
    "CREATE INDEX tasks_case_idx ON tasks (tenant_id, case_id)",
]

BACKWARDS = [
    "DROP INDEX tasks_case_idx",
    "DROP INDEX tasks_open_due_idx",
    "DROP INDEX tasks_open_assignee_idx",
    "ALTER TABLE tasks DROP CONSTRAINT tasks_done_by_fkey",
    "ALTER TABLE tasks DROP CONSTRAINT tasks_created_by_fkey",
    "ALTER TABLE tasks DROP CONSTRAINT tasks_assignee_fkey",
    "ALTER TABLE tasks DROP CONSTRAINT tasks_case_fkey",
]


async def _copy_tell_client_tasks() -> None:
    for tenant in await raw("SELECT id FROM tenants ORDER BY id"):
        await raw("SELECT set_config('app.tenant_id', {}, true)", str(tenant["id"]))
        await raw(
            "INSERT INTO tasks (id, tenant_id, kind, case_id, title, assignee_id, due_on,"
            " status, source_key, created_by, created_at, done_by, done_at)"
            " SELECT t.id, t.tenant_id, 'tell_client', t.case_id, '', (SELECT a.staff_id"
            " FROM case_assignments a WHERE a.tenant_id = t.tenant_id AND a.case_id = t.case_id"
            " AND a.ended_at IS NULL ORDER BY a.assigned_at DESC LIMIT 1), t.due_on, t.status,"
            " t.disclosure_id::text, NULL, t.created_at, t.told_by, t.done_at"
            " FROM tell_client_tasks t WHERE t.tenant_id = {}"
            " ON CONFLICT (tenant_id, kind, source_key) DO NOTHING",
            tenant["id"],
        )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tasks", description=DESCRIPTION)

    async def apply() -> None:
        for statement in FORWARDS:
            await raw(statement)
        await _copy_tell_client_tasks()

    async def undo() -> None:
        for statement in BACKWARDS:
            await raw(statement)

    manager.add_raw(apply)
    manager.add_raw_backwards(undo)
    return manager
