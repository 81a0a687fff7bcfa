from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Unique

ID = "2026-11-29T22:27:24:057201"
VERSION = "1.38.0"
DESCRIPTION = "a confirmation per retention settings"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="retention", description=DESCRIPTION)

    manager.add_column(
        table_class_name="RetentionConfirmation",
        tablename="retention_confirmations",
        column_name="retention_birthday",
        db_column_name="retention_birthday",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
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

    manager.add_column(
        table_class_name="RetentionConfirmation",
        tablename="retention_confirmations",
        column_name="retention_years",
        db_column_name="retention_years",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
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

    manager.drop_constraint(
        table_class_name="RetentionConfirmation",
        tablename="retention_confirmations",
        constraint_name="retention_confirmations_once",
        schema=None,
    )

    manager.add_constraint(
        table_class_name="RetentionConfirmation",
        tablename="retention_confirmations",
        constraint_name="retention_confirmations_per_settings",
        constraint_class=Unique,
        params={
            "columns": ["tenant_id", "retention_years", "retention_birthday"],
            "nulls_distinct": True,
        },
        schema=None,
    )

    return manager
