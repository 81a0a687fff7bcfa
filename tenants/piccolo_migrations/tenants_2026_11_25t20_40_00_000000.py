"""Consent and disclosure settings per tenant: professional roles, review interval,
whether a lapsed consent blocks sharing or only warns, and the days to tell a client."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T20:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "consent and disclosure settings per tenant"


class _Raw(Table, tablename="tenant_policies"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def add() -> None:
        await _Raw.raw(
            "ALTER TABLE tenant_policies"
            " ADD COLUMN professional_roles jsonb NULL"
            " CONSTRAINT tenant_policies_professional_roles CHECK (CASE"
            " WHEN jsonb_typeof(professional_roles) = 'array'"
            " THEN jsonb_array_length(professional_roles) BETWEEN 1 AND 30"
            " ELSE professional_roles IS NULL END),"
            " ADD COLUMN consent_review_months integer NOT NULL DEFAULT 12"
            " CONSTRAINT tenant_policies_consent_review_months"
            " CHECK (consent_review_months BETWEEN 1 AND 36),"
            " ADD COLUMN lapsed_consent_blocks boolean NOT NULL DEFAULT true,"
            " ADD COLUMN tell_client_days integer NOT NULL DEFAULT 5"
            " CONSTRAINT tenant_policies_tell_client_days CHECK (tell_client_days BETWEEN 1 AND 60)"
        )

    async def drop() -> None:
        await _Raw.raw(
            "ALTER TABLE tenant_policies DROP COLUMN professional_roles,"
            " DROP COLUMN consent_review_months, DROP COLUMN lapsed_consent_blocks,"
            " DROP COLUMN tell_client_days"
        )

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
