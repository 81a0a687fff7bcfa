from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check

ID = "2026-11-29T17:09:54:137576"
VERSION = "1.38.0"
DESCRIPTION = "consent review notice days"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    manager.add_column(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        column_name="consent_review_notice_days",
        db_column_name="consent_review_notice_days",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 28,
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
        constraint_name="tenant_policies_consent_review_notice_days",
        constraint_class=Check,
        params={"condition": "consent_review_notice_days BETWEEN 1 AND 90"},
        schema=None,
    )

    return manager
