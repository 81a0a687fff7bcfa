"""``confide migrate``: apply migrations as the owner, then lock the schema down.

After the migrations, every table with a ``tenant_id`` column found in the
catalogue (not only those Piccolo knows) gets row-level security, ``FORCE``
and the tenant policy, so forgetting a policy is impossible. The application
role is created if missing, must own nothing and may not bypass security, and
gets exactly the privileges the table tags allow.
"""

from __future__ import annotations

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.conf.apps import Finder

from confide.platform.core.db import get_engine, raw
from confide.platform.core.logs import get_logger
from confide.platform.core.tables import APP_MANAGE, APP_READ, APPEND_ONLY, NO_DELETE

log = get_logger(__name__)

TENANT_SETTING = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
POLICY_NAME = "tenant_isolation"


class SchemaError(RuntimeError):
    """Migrations failed or the database cannot be made safe; the message says why."""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def tenant_tables() -> list[str]:
    """Every table in the public schema with a ``tenant_id`` column, from the catalogue."""
    rows = await raw(
        "SELECT c.relname AS name FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'"
        " AND NOT a.attisdropped"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
    )
    return [row["name"] for row in rows]


async def _ensure_app_role(role: str, password: str | None) -> None:
    rows = await raw("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = {}", role)
    if not rows:
        secret = f" PASSWORD {_literal(password)}" if password else ""
        await raw(
            f"CREATE ROLE {_ident(role)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB"
            f" NOCREATEROLE NOINHERIT{secret}"
        )
        log.info("app_role_created")
    elif rows[0]["rolsuper"] or rows[0]["rolbypassrls"]:
        raise SchemaError(
            f"the application role {role} is a superuser or has BYPASSRLS: remove that first"
        )
    owned = await raw(
        "SELECT count(*) AS n FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
        " WHERE r.rolname = {}",
        role,
    )
    if owned[0]["n"]:
        raise SchemaError(f"the application role {role} owns tables: it must own nothing")


async def secure_schema(app_role: str, app_password: str | None = None) -> list[str]:
    """Apply row-level security and the application role's grants; returns the tenant tables."""
    await _ensure_app_role(app_role, app_password)
    role = _ident(app_role)
    tags = {table._meta.tablename: set(table._meta.tags) for table in Finder().get_table_classes()}
    tenant_owned = await tenant_tables()
    async with get_engine().transaction():
        await raw(f"GRANT CONNECT ON DATABASE {_ident(await _database())} TO {role}")
        await raw(f"GRANT USAGE ON SCHEMA public TO {role}")
        await raw(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        await raw("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC")
        for table in tenant_owned:
            name = _ident(table)
            await raw(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            await raw(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
            await raw(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {name}")
            await raw(
                f"CREATE POLICY {POLICY_NAME} ON {name}"
                f" USING (tenant_id = {TENANT_SETTING})"
                f" WITH CHECK (tenant_id = {TENANT_SETTING})"
            )
            if table in tags:
                if APPEND_ONLY in tags[table]:
                    allowed = "SELECT, INSERT"
                elif NO_DELETE in tags[table]:
                    allowed = "SELECT, INSERT, UPDATE"
                else:
                    allowed = "SELECT, INSERT, UPDATE, DELETE"
                await raw(f"GRANT {allowed} ON {name} TO {role}")
        for table, table_tags in tags.items():
            if table in tenant_owned:
                continue
            if APP_MANAGE in table_tags:
                await raw(f"GRANT SELECT, INSERT, UPDATE ON {_ident(table)} TO {role}")
            elif APP_READ in table_tags:
                await raw(f"GRANT SELECT ON {_ident(table)} TO {role}")
    return tenant_owned


async def _database() -> str:
    return str((await raw("SELECT current_database() AS name"))[0]["name"])


async def migrate(app_role: str, app_password: str | None = None) -> list[str]:
    """Run every app's migrations, then ``secure_schema``. Needs the owner role."""
    result = await run_forwards(app_name="all")
    if not result.success:
        raise SchemaError(f"migrations failed: {result.message}")
    return await secure_schema(app_role, app_password)
