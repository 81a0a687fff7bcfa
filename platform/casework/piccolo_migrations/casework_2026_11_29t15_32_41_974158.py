from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID, Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T15:32:41:974158"
VERSION = "1.38.0"
DESCRIPTION = "people: merged records, must not be told"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="casework", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Person",
        tablename="people",
        column_name="merged_into",
        db_column_name="merged_into",
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
        table_class_name="CasePerson",
        tablename="case_people",
        column_name="must_not_be_told",
        db_column_name="must_not_be_told",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
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
