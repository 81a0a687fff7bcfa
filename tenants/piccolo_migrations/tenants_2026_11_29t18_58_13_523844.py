from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check

ID = "2026-11-29T18:58:13:523844"
VERSION = "1.38.0"
DESCRIPTION = "export expiry days"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    manager.add_column(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        column_name="export_expiry_days",
        db_column_name="export_expiry_days",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 7,
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
        constraint_name="tenant_policies_export_expiry_days",
        constraint_class=Check,
        params={"condition": "export_expiry_days BETWEEN 1 AND 30"},
        schema=None,
    )

    return manager
