from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-11-30T01:59:33:278342"
VERSION = "1.38.0"
DESCRIPTION = "a fact's phase defaults to erased, as its channel and reply to unknown"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="retention", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="RetentionFact",
        tablename="retention_facts",
        column_name="phase",
        db_column_name="phase",
        params={"default": "erased"},
        old_params={"default": "unknown"},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
