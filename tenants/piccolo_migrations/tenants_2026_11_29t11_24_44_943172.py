from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB, UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check, Unique

ID = "2026-11-29T11:24:44:943172"
VERSION = "1.38.0"
DESCRIPTION = "the tenant registry, SSO providers and policy settings"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    manager.add_table(
        class_name="SsoProvider",
        tablename="sso_providers",
        schema=None,
        columns=None,
    )

    manager.add_table(class_name="Tenant", tablename="tenants", schema=None, columns=None)

    manager.add_table(
        class_name="TenantPolicy",
        tablename="tenant_policies",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="tenant_id",
        db_column_name="tenant_id",
        column_class_name="UUID",
        column_class=UUID,
        params={
            "default": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="id",
        db_column_name="id",
        column_class_name="UUID",
        column_class=UUID,
        params={
            "default": UUID4(),
            "null": False,
            "primary_key": True,
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
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="issuer",
        db_column_name="issuer",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 300,
            "default": "",
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
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="client_id",
        db_column_name="client_id",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 300,
            "default": "",
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
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="client_secret_encrypted",
        db_column_name="client_secret_encrypted",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
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
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="scopes",
        db_column_name="scopes",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 300,
            "default": "openid profile email",
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
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="groups_claim",
        db_column_name="groups_claim",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 100,
            "default": "groups",
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
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="role_mapping",
        db_column_name="role_mapping",
        column_class_name="JSONB",
        column_class=JSONB,
        params={
            "default": "{}",
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
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="allowed_email_domains",
        db_column_name="allowed_email_domains",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 500,
            "default": "",
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
        table_class_name="SsoProvider",
        tablename="sso_providers",
        column_name="updated_at",
        db_column_name="updated_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
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
        table_class_name="Tenant",
        tablename="tenants",
        column_name="id",
        db_column_name="id",
        column_class_name="UUID",
        column_class=UUID,
        params={
            "default": UUID4(),
            "null": False,
            "primary_key": True,
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
        table_class_name="Tenant",
        tablename="tenants",
        column_name="slug",
        db_column_name="slug",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 40,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Tenant",
        tablename="tenants",
        column_name="display_name",
        db_column_name="display_name",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 120,
            "default": "",
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
        table_class_name="Tenant",
        tablename="tenants",
        column_name="status",
        db_column_name="status",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": "active",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum("TenantStatus", {"ACTIVE": "active", "SUSPENDED": "suspended"}),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Tenant",
        tablename="tenants",
        column_name="controller_kind",
        db_column_name="controller_kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": "council",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum("ControllerKind", {"COUNCIL": "council", "CHARITY": "charity"}),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Tenant",
        tablename="tenants",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
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
        column_name="tenant_id",
        db_column_name="tenant_id",
        column_class_name="UUID",
        column_class=UUID,
        params={
            "default": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
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
        column_name="id",
        db_column_name="id",
        column_class_name="UUID",
        column_class=UUID,
        params={
            "default": UUID4(),
            "null": False,
            "primary_key": True,
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
        column_name="session_idle_minutes",
        db_column_name="session_idle_minutes",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 30,
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
        column_name="session_absolute_hours",
        db_column_name="session_absolute_hours",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 10,
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
        column_name="break_glass_hours",
        db_column_name="break_glass_hours",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 4,
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
        column_name="enquiry_topics",
        db_column_name="enquiry_topics",
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
        column_name="support_level_names",
        db_column_name="support_level_names",
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
        column_name="professional_roles",
        db_column_name="professional_roles",
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
        column_name="consent_review_months",
        db_column_name="consent_review_months",
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
        column_name="lapsed_consent_blocks",
        db_column_name="lapsed_consent_blocks",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": True,
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
        column_name="tell_client_days",
        db_column_name="tell_client_days",
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

    manager.add_column(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        column_name="updated_at",
        db_column_name="updated_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
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
        table_class_name="SsoProvider",
        tablename="sso_providers",
        constraint_name="sso_providers_tenant_key",
        constraint_class=Unique,
        params={"columns": ["tenant_id"], "nulls_distinct": True},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Tenant",
        tablename="tenants",
        constraint_name="tenants_slug_check",
        constraint_class=Check,
        params={"condition": "length(slug) <= 40 AND slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'"},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Tenant",
        tablename="tenants",
        constraint_name="tenants_display_name_check",
        constraint_class=Check,
        params={"condition": "length(btrim(display_name)) BETWEEN 1 AND 120"},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Tenant",
        tablename="tenants",
        constraint_name="tenants_status_check",
        constraint_class=Check,
        params={"condition": "status IN ('active', 'suspended')"},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Tenant",
        tablename="tenants",
        constraint_name="tenants_controller_kind_check",
        constraint_class=Check,
        params={"condition": "controller_kind IN ('council', 'charity')"},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_tenant_key",
        constraint_class=Unique,
        params={"columns": ["tenant_id"], "nulls_distinct": True},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_break_glass_hours",
        constraint_class=Check,
        params={"condition": "break_glass_hours BETWEEN 1 AND 72"},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_enquiry_topics",
        constraint_class=Check,
        params={
            "condition": "CASE WHEN jsonb_typeof(enquiry_topics) = 'array' THEN jsonb_array_length(enquiry_topics) BETWEEN 1 AND 30 ELSE enquiry_topics IS NULL END"
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_support_level_names",
        constraint_class=Check,
        params={
            "condition": "CASE WHEN jsonb_typeof(support_level_names) = 'array' THEN jsonb_array_length(support_level_names) = 4 ELSE support_level_names IS NULL END"
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_professional_roles",
        constraint_class=Check,
        params={
            "condition": "CASE WHEN jsonb_typeof(professional_roles) = 'array' THEN jsonb_array_length(professional_roles) BETWEEN 1 AND 30 ELSE professional_roles IS NULL END"
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_consent_review_months",
        constraint_class=Check,
        params={"condition": "consent_review_months BETWEEN 1 AND 36"},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="TenantPolicy",
        tablename="tenant_policies",
        constraint_name="tenant_policies_tell_client_days",
        constraint_class=Check,
        params={"condition": "tell_client_days BETWEEN 1 AND 60"},
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
