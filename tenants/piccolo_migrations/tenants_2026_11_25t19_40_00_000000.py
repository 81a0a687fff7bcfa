"""Enquiry topics and support level names per tenant (NULL: the service's defaults)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T19:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "enquiry topics and support level names per tenant"


class _Raw(Table, tablename="tenant_policies"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def add() -> None:
        # CASE, not AND: jsonb_array_length raises on a non-array, and AND may run it first.
        await _Raw.raw(
            "ALTER TABLE tenant_policies"
            " ADD COLUMN enquiry_topics jsonb NULL"
            " CONSTRAINT tenant_policies_enquiry_topics CHECK (CASE"
            " WHEN jsonb_typeof(enquiry_topics) = 'array'"
            " THEN jsonb_array_length(enquiry_topics) BETWEEN 1 AND 30"
            " ELSE enquiry_topics IS NULL END),"
            " ADD COLUMN support_level_names jsonb NULL"
            " CONSTRAINT tenant_policies_support_level_names CHECK (CASE"
            " WHEN jsonb_typeof(support_level_names) = 'array'"
            " THEN jsonb_array_length(support_level_names) = 4"
            " ELSE support_level_names IS NULL END)"
        )

    async def drop() -> None:
        await _Raw.raw(
            "ALTER TABLE tenant_policies DROP COLUMN enquiry_topics,"
            " DROP COLUMN support_level_names"
        )

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
