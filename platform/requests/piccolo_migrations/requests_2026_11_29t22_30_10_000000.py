"""What the FOI responses table cannot declare: its keys that include ``tenant_id``. Row-level
security comes from ``confide migrate``."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T22:30:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "FOI responses keys"

FORWARDS = [
    "ALTER TABLE foi_responses ADD CONSTRAINT foi_responses_request_fkey"
    " FOREIGN KEY (tenant_id, request_id) REFERENCES information_requests (tenant_id, id)"
    " ON DELETE CASCADE",
    "ALTER TABLE foi_responses ADD CONSTRAINT foi_responses_responded_by_fkey"
    " FOREIGN KEY (tenant_id, responded_by) REFERENCES staff_users (tenant_id, id)",
]

BACKWARDS = [
    "ALTER TABLE foi_responses DROP CONSTRAINT foi_responses_responded_by_fkey",
    "ALTER TABLE foi_responses DROP CONSTRAINT foi_responses_request_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "requests", DESCRIPTION, FORWARDS, BACKWARDS)
