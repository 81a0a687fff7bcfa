from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check

ID = "2026-11-29T23:11:13:573224"
VERSION = "1.38.0"
DESCRIPTION = "the kind of year a service reports on"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    manager.add_column(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        column_name="stats_year_kind",
        db_column_name="stats_year_kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": "calendar",
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

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_stats_year_kind",
        constraint_class=Check,
        params={"condition": "stats_year_kind IN ('calendar', 'financial', 'academic')"},
        schema=None,
    )

    return manager
