"""Managers are told of information requests falling due (issue 17): ``request_due`` joins
the kinds the ``notifications_kind`` check allows (the table declares it; Piccolo does not
alter a changed check)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T18:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "request_due notifications"

FORWARDS = [
    "ALTER TABLE notifications DROP CONSTRAINT notifications_kind",
    "ALTER TABLE notifications ADD CONSTRAINT notifications_kind CHECK (kind IN"
    " ('share_awaiting', 'break_glass', 'tell_client_overdue', 'policy_review_due',"
    " 'case_assigned', 'request_due'))",
]

BACKWARDS = [
    "ALTER TABLE notifications DROP CONSTRAINT notifications_kind",
    "ALTER TABLE notifications ADD CONSTRAINT notifications_kind CHECK (kind IN"
    " ('share_awaiting', 'break_glass', 'tell_client_overdue', 'policy_review_due',"
    " 'case_assigned'))",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "notifications", DESCRIPTION, FORWARDS, BACKWARDS)
