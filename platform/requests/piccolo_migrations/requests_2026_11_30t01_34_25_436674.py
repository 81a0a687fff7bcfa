from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T01:34:25:436674"
VERSION = "1.38.0"
DESCRIPTION = "subject access release built by the export worker"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="requests", description=DESCRIPTION)

    manager.add_column(
        table_class_name="SubjectAccess",
        tablename="subject_access_requests",
        column_name="release_export_id",
        db_column_name="release_export_id",
        column_class_name="UUID",
        column_class=UUID,
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
