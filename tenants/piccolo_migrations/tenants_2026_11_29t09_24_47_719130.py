from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check

ID = "2026-11-29T09:24:47:719130"
VERSION = "1.38.0"
DESCRIPTION = "capacity age and unsent share days"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    manager.add_column(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        column_name="capacity_age",
        db_column_name="capacity_age",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 12,
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
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        column_name="unsent_share_days",
        db_column_name="unsent_share_days",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 5,
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
        constraint_name="tenant_policies_capacity_age",
        constraint_class=Check,
        params={"condition": "capacity_age BETWEEN 10 AND 16"},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_unsent_share_days",
        constraint_class=Check,
        params={"condition": "unsent_share_days BETWEEN 1 AND 60"},
        schema=None,
    )

    return manager
