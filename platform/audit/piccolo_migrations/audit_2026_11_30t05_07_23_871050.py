from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID

ID = "2026-11-30T05:07:23:871050"
VERSION = "1.38.0"
DESCRIPTION = "audit entries without a tenant_id index of their own"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="AuditEntry",
        tablename="audit_entries",
        column_name="tenant_id",
        db_column_name="tenant_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    return manager
