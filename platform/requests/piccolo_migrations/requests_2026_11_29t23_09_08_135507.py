from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T23:09:08:135507"
VERSION = "1.38.0"
DESCRIPTION = "subject access data subject and capacity decision"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="requests", description=DESCRIPTION)

    manager.add_column(
        table_class_name="SubjectAccess",
        tablename="subject_access_requests",
        column_name="capacity_decision_id",
        db_column_name="capacity_decision_id",
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

    manager.add_column(
        table_class_name="SubjectAccess",
        tablename="subject_access_requests",
        column_name="subject_person_id",
        db_column_name="subject_person_id",
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
