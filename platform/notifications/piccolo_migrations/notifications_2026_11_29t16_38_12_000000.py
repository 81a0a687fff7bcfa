"""What the notifications table cannot declare: its keys that include ``tenant_id`` (the
member of staff told, the actor, the case) and the header's and the list's indexes (the
unread ones of one member of staff; theirs newest first). A case erased by retention
takes its notifications with it (``ON DELETE CASCADE``: only the erasure deletes a case). Row-level security comes from
``confide migrate``, as for every table with a ``tenant_id``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T16:38:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "notifications keys and indexes"

FORWARDS = [
    "ALTER TABLE notifications ADD CONSTRAINT notifications_recipient_fkey"
    " FOREIGN KEY (tenant_id, recipient_id) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE notifications ADD CONSTRAINT notifications_actor_fkey"
    " FOREIGN KEY (tenant_id, actor_id) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE notifications ADD CONSTRAINT notifications_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE",
    "CREATE INDEX notifications_unread_idx ON notifications (tenant_id, recipient_id)"
    " WHERE read_at IS NULL",
    "CREATE INDEX notifications_recipient_idx ON notifications"
    " (tenant_id, recipient_id, created_at DESC, id DESC)",
]

BACKWARDS = [
    "DROP INDEX notifications_recipient_idx",
    "DROP INDEX notifications_unread_idx",
    "ALTER TABLE notifications DROP CONSTRAINT notifications_case_fkey",
    "ALTER TABLE notifications DROP CONSTRAINT notifications_actor_fkey",
    "ALTER TABLE notifications DROP CONSTRAINT notifications_recipient_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "notifications", DESCRIPTION, FORWARDS, BACKWARDS)
