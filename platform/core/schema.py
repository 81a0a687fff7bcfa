"""``confide migrate``: apply migrations as the owner, then lock the schema down.

After the migrations, every table with a ``tenant_id`` column found in the
catalogue (not only those Piccolo knows) gets row-level security, ``FORCE``
and the tenant policy, so forgetting a policy is impossible. The application
role is created if missing, must own nothing and may not bypass security, and
gets exactly the privileges the table tags allow (``core/tables.py``), never
``DELETE``. Of the schema's own functions (not an extension's) it may execute
only those named ``app_``: the narrow doors to the registry and operators, each
``SECURITY DEFINER`` with a fixed ``search_path``; every other is closed to it
and to ``PUBLIC``.

Each app's migrations are one auto migration (``piccolo migrations new <app> --auto``,
from the tables) and, where needed, raw ones made with ``raw_migration``: what Piccolo
cannot declare on a table (composite foreign keys, partial and expression indexes,
extensions, triggers, ``app_`` functions), each with the statements that undo it.
"""

from __future__ import annotations

from collections.abc import Sequence

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.conf.apps import Finder
from piccolo.table import Table

from confide.platform.core.db import get_engine
from confide.platform.core.logs import get_logger
from confide.platform.core.sql import raw
from confide.platform.core.tables import APP_READ, APPEND_ONLY, EXPIRING, WRITTEN_BY_FUNCTIONS

log = get_logger(__name__)

TENANT_SETTING = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
POLICY_NAME = "tenant_isolation"
APP_FUNCTION_PREFIX = "app_"


class SchemaError(RuntimeError):
    """Migrations failed or the database cannot be made safe; the message says why."""


class StaleHistory(SchemaError):
    """The database ran migrations this code does not have: it was made before each app's
    migrations were merged into one (issue 12), and cannot be brought up to date."""


#: ``confide migrate``'s exit status for a ``StaleHistory`` (``confide run`` explains it).
STALE_HISTORY_EXIT = 3


def raw_migration(
    migration_id: str,
    app_name: str,
    description: str,
    forwards: Sequence[str],
    backwards: Sequence[str],
) -> MigrationManager:
    """A migration of raw SQL: ``forwards`` run in order, ``backwards`` undo them.

    No braces in a statement: the statements go through ``raw``, which reads ``{}`` as
    a placeholder.
    """
    manager = MigrationManager(
        migration_id=migration_id, app_name=app_name, description=description
    )

    # Piccolo awaits only what is a coroutine function itself (a lambda would never run).
    async def apply() -> None:
        for statement in forwards:
            await raw(statement)

    async def undo() -> None:
        for statement in backwards:
            await raw(statement)

    manager.add_raw(apply)
    manager.add_raw_backwards(undo)
    return manager


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
    tables = {table._meta.tablename: table for table in Finder().get_table_classes()}
    tenant_owned = await tenant_tables()
    async with get_engine().transaction():
        database = _ident(await _database())
        await raw(f"GRANT CONNECT ON DATABASE {database} TO {role}")
        # No temporary tables: one would shadow a real table through pg_temp and outlive
        # the request on its pooled connection (the pool runs no reset query).
        await raw(f"REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC")
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
            if table in tables:
                tags = tables[table]._meta.tags
                allowed = (
                    "SELECT"
                    if WRITTEN_BY_FUNCTIONS in tags
                    else "SELECT, INSERT"
                    if APPEND_ONLY in tags
                    else "SELECT, INSERT, DELETE"
                    if EXPIRING in tags
                    else "SELECT, INSERT, UPDATE"
                )
                await raw(f"GRANT {allowed} ON {name} TO {role}")
        for table, table_class in tables.items():
            if table not in tenant_owned and APP_READ in table_class._meta.tags:
                await raw(f"GRANT SELECT{_readable(table_class)} ON {_ident(table)} TO {role}")
        await _grant_functions(role)
    return tenant_owned


def _readable(table: type[Table]) -> str:
    """`` (column, ...)`` without the secret columns, or nothing when none is secret."""
    if not table._meta.secret_columns:
        return ""
    columns = [c._meta.db_column_name for c in table._meta.columns if not c._meta.secret]
    return " (" + ", ".join(_ident(c) for c in columns) + ")"


async def _grant_functions(role: str) -> None:
    """Close the schema's own functions, then open the ``app_`` ones to the role."""
    functions = await raw(
        "SELECT p.oid::regprocedure::text AS signature, p.proname AS name,"
        " p.prosecdef AS definer, EXISTS (SELECT 1 FROM unnest(p.proconfig) AS c"
        " WHERE c LIKE 'search\\_path=%') AS fixed_path"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d"
        " WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')"
    )
    for function in functions:
        await raw(f"REVOKE ALL ON FUNCTION {function['signature']} FROM PUBLIC, {role}")
        if not function["name"].startswith(APP_FUNCTION_PREFIX):
            continue
        if not (function["definer"] and function["fixed_path"]):
            raise SchemaError(
                f"{function['signature']} is open to the application role, so it must be"
                " SECURITY DEFINER with a fixed search_path"
            )
        await raw(f"GRANT EXECUTE ON FUNCTION {function['signature']} TO {role}")


async def _database() -> str:
    return str((await raw("SELECT current_database() AS name"))[0]["name"])


async def stale_migrations() -> list[str]:
    """The migrations the database has run that no app here has (``app id``), in the order
    they ran: none for a new database or one made by this history."""
    [table] = await raw("SELECT to_regclass('public.migration') IS NOT NULL AS present")
    if not table["present"]:
        return []
    finder = BaseMigrationManager()
    known = {
        (config.app_name, migration_id)
        for config in finder.get_app_configs()
        for migration_id in finder.get_migration_modules(config.resolved_migrations_folder_path)
    }
    rows = await raw("SELECT app_name, name FROM migration ORDER BY id")
    return [
        f"{row['app_name']} {row['name']}"
        for row in rows
        if (row["app_name"], row["name"]) not in known
    ]


async def migrate(app_role: str, app_password: str | None = None) -> list[str]:
    """Run every app's migrations, then ``secure_schema``. Needs the owner role."""
    stale = await stale_migrations()
    if stale:
        named = stale[0] + (f" and {len(stale) - 1} more" if len(stale) > 1 else "")
        raise StaleHistory(
            f"this database ran migrations this version does not have ({named}): it was"
            " made before each app's migrations were merged into one (CHANGELOG.md) and"
            " cannot be brought up to date. No production database predates that; start"
            " again from a new, empty database"
        )
    result = await run_forwards(app_name="all")
    if not result.success:
        raise SchemaError(f"migrations failed: {result.message}")
    return await secure_schema(app_role, app_password)
