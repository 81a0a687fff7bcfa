from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T05:31:08:981088"
VERSION = "1.38.0"
DESCRIPTION = "when an export last made progress (issue 18)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="exports", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Export",
        tablename="exports",
        column_name="progressed_at",
        db_column_name="progressed_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
