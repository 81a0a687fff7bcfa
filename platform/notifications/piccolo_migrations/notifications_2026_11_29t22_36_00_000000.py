"""Managers are reminded of information requests waiting a week for proof of identity
(issue 17, a review finding): ``request_identity`` joins the kinds the
``notifications_kind`` check allows (the table declares it; Piccolo does not alter a
changed check)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T22:36:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "request_identity notifications"

FORWARDS = [
    "ALTER TABLE notifications DROP CONSTRAINT notifications_kind",
    "ALTER TABLE notifications ADD CONSTRAINT notifications_kind CHECK (kind IN"
    " ('share_awaiting', 'break_glass', 'tell_client_overdue', 'policy_review_due',"
    " 'case_assigned', 'request_due', 'request_identity'))",
]

BACKWARDS = [
    "ALTER TABLE notifications DROP CONSTRAINT notifications_kind",
    "ALTER TABLE notifications ADD CONSTRAINT notifications_kind CHECK (kind IN"
    " ('share_awaiting', 'break_glass', 'tell_client_overdue', 'policy_review_due',"
    " 'case_assigned', 'request_due'))",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "notifications", DESCRIPTION, FORWARDS, BACKWARDS)
