from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check

ID = "2026-11-30T04:51:41:709313"
VERSION = "1.38.0"
DESCRIPTION = "an annual return's period on its export (issue 18)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="exports", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Export",
        tablename="exports",
        column_name="period_kind",
        db_column_name="period_kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
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
        table_class_name="Export",
        tablename="exports",
        column_name="period_start",
        db_column_name="period_start",
        column_class_name="Date",
        column_class=Date,
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

    manager.add_constraint(
        table_class_name="Export",
        tablename="exports",
        constraint_name="exports_period_check",
        constraint_class=Check,
        params={
            "condition": "(kind = 'annual_return' AND case_id IS NULL AND period_start IS NOT NULL AND period_kind IN ('calendar', 'financial', 'academic')) OR (kind <> 'annual_return' AND period_kind IS NULL AND period_start IS NULL)"
        },
        schema=None,
    )

    return manager
