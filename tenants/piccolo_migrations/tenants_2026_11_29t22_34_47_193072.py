from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB, Integer
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check

ID = "2026-11-29T22:34:47:193072"
VERSION = "1.38.0"
DESCRIPTION = (
    "documents on cases: the size limit of a file and the kinds offered, as policy settings"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    manager.add_column(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        column_name="document_kinds",
        db_column_name="document_kinds",
        column_class_name="JSONB",
        column_class=JSONB,
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
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        column_name="document_max_mb",
        db_column_name="document_max_mb",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 25,
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
        constraint_name="tenant_policies_document_kinds",
        constraint_class=Check,
        params={
            "condition": "CASE WHEN jsonb_typeof(document_kinds) = 'array' THEN jsonb_array_length(document_kinds) BETWEEN 1 AND 6 ELSE document_kinds IS NULL END"
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_document_max_mb",
        constraint_class=Check,
        params={"condition": "document_max_mb BETWEEN 1 AND 50"},
        schema=None,
    )

    return manager
