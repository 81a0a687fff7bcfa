from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T15:26:20:458978"
VERSION = "1.38.0"
DESCRIPTION = "people: safe-contact exceptions"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="consent", description=DESCRIPTION)

    manager.add_column(
        table_class_name="TellClientTask",
        tablename="tell_client_tasks",
        column_name="told_exception",
        db_column_name="told_exception",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 500,
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
