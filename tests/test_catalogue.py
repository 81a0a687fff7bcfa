"""The catalogue proves isolation cannot be forgotten: every tenant table is locked down."""

from __future__ import annotations

import asyncpg
import pytest

from conftest import APP_ROLE, OWNER_ROLE

TENANT_SETTING = "NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid"


async def _tenant_tables(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'"
        " AND NOT a.attisdropped WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
    )


async def test_every_tenant_table_has_forced_row_security_and_the_policy(
    owner_conn: asyncpg.Connection,
) -> None:
    tables = await _tenant_tables(owner_conn)
    assert {t["relname"] for t in tables} >= {"housekeeping_heartbeats"}
    for table in tables:
        name = table["relname"]
        assert table["relrowsecurity"], f"{name} has no row-level security"
        assert table["relforcerowsecurity"], f"{name} does not FORCE row-level security"
        policies = await owner_conn.fetch(
            "SELECT qual, with_check, permissive, cmd FROM pg_policies"
            " WHERE schemaname = 'public' AND tablename = $1",
            name,
        )
        assert policies, f"{name} has no policy"
        for policy in policies:
            assert TENANT_SETTING in policy["qual"], f"{name}: USING is {policy['qual']}"
            assert TENANT_SETTING in policy["with_check"], f"{name}: CHECK {policy['with_check']}"
        nullable = await owner_conn.fetchval(
            "SELECT is_nullable FROM information_schema.columns"
            " WHERE table_name = $1 AND column_name = 'tenant_id'",
            name,
        )
        assert nullable == "NO", f"{name}.tenant_id may be null"


async def test_tenant_tables_use_uuid_keys(owner_conn: asyncpg.Connection) -> None:
    for table in await _tenant_tables(owner_conn):
        types = await owner_conn.fetch(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type"
            " FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary",
            table["relname"],
        )
        assert [t["type"] for t in types] == ["uuid"], table["relname"]


async def test_application_role_cannot_bypass_row_security(
    owner_conn: asyncpg.Connection,
) -> None:
    role = await owner_conn.fetchrow(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles"
        " WHERE rolname = $1",
        APP_ROLE,
    )
    assert role is not None
    assert not role["rolsuper"]
    assert not role["rolbypassrls"]
    assert not role["rolcreaterole"]
    assert not role["rolcreatedb"]
    owned = await owner_conn.fetchval(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
        " WHERE r.rolname = $1",
        APP_ROLE,
    )
    assert owned == 0, "the application role owns relations"
    member_of_owner = await owner_conn.fetchval(
        "SELECT pg_has_role($1, $2, 'MEMBER')", APP_ROLE, OWNER_ROLE
    )
    assert not member_of_owner


async def _privileges(conn: asyncpg.Connection, table: str) -> set[str]:
    rows = await conn.fetch(
        "SELECT privilege_type FROM information_schema.role_table_grants"
        " WHERE grantee = $1 AND table_name = $2",
        APP_ROLE,
        table,
    )
    return {r["privilege_type"] for r in rows}


async def test_application_role_manages_the_registry_but_never_deletes_from_it(
    owner_conn: asyncpg.Connection,
) -> None:
    """Operators provision and suspend tenants from the web app; a tenant is never removed."""
    assert await _privileges(owner_conn, "tenants") == {"SELECT", "INSERT", "UPDATE"}


async def test_platform_operators_belong_to_no_tenant_and_are_never_deleted(
    owner_conn: asyncpg.Connection, app_conn: asyncpg.Connection
) -> None:
    columns = {
        r["column_name"]
        for r in await owner_conn.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = 'platform_operators'"
        )
    }
    assert {"email", "password_hash", "totp_secret_encrypted", "totp_last_step"} <= columns
    assert "tenant_id" not in columns
    assert await _privileges(owner_conn, "platform_operators") == {"SELECT", "INSERT", "UPDATE"}
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute("DELETE FROM platform_operators")


async def test_links_between_tenant_tables_carry_the_tenant(
    owner_conn: asyncpg.Connection,
) -> None:
    """Every foreign key from one tenant table to another includes tenant_id, so a row can
    never point into another tenant (and the schema can be distributed by tenant)."""
    keys = await owner_conn.fetch(
        """
        SELECT c.conname, c.conrelid::regclass::text AS source,
               c.confrelid::regclass::text AS target,
               ARRAY(SELECT a.attname FROM unnest(c.conkey) k
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) AS columns
        FROM pg_constraint c
        WHERE c.contype = 'f'
          AND EXISTS (SELECT 1 FROM pg_attribute
                      WHERE attrelid = c.conrelid AND attname = 'tenant_id')
          AND EXISTS (SELECT 1 FROM pg_attribute
                      WHERE attrelid = c.confrelid AND attname = 'tenant_id')
        """
    )
    assert keys, "no links between tenant tables were found"
    for key in keys:
        assert "tenant_id" in key["columns"], (
            f"{key['conname']} ({key['source']} -> {key['target']})"
        )
