"""The catalogue proves isolation cannot be forgotten: every tenant table is locked down."""

from __future__ import annotations

import asyncpg
import pytest

from tests.helpers.environment import APP_ROLE, OWNER_ROLE

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


READ_WRITE = frozenset({"SELECT", "INSERT", "UPDATE"})
APPEND = frozenset({"SELECT", "INSERT"})
READ = frozenset({"SELECT"})
OPERATOR_COLUMNS = frozenset(
    {"id", "email", "totp_last_step", "status", "created_at", "last_sign_in_at", "failed_attempts"}
)

# Exactly what the application role may do, table by table (docs/architecture.md says
# why). Never DELETE or TRUNCATE a record: only short-lived keys expire. A
# table missing here fails the test, so a new table gets its privileges decided.
APP_PRIVILEGES: dict[str, frozenset[str]] = {
    # Platform-level: the registry is read by every request and written only through
    # app_tenant_*; operators' secrets are never readable, the table never writable.
    "tenants": frozenset({"SELECT"}),
    "platform_operators": frozenset(f"SELECT({c})" for c in OPERATOR_COLUMNS),
    "migration": frozenset(),  # Piccolo's record of applied migrations
    # Tenant-owned records that change: current state, corrected or moved on, not removed.
    "people": READ_WRITE,
    "person_search_keys": READ_WRITE,  # slots reused, a key no longer wanted is null
    "cases": READ_WRITE,
    "case_people": READ_WRITE,
    "case_assignments": READ_WRITE,  # ended, never deleted
    "staff_users": READ_WRITE,  # suspended, never deleted
    "sso_providers": READ_WRITE,
    "tenant_policies": READ_WRITE,
    "housekeeping_heartbeats": READ_WRITE,
    "job_runs": READ_WRITE,  # an attempt's record is replaced by the next attempt's
    "notifications": READ_WRITE,  # marked read; never deleted (issue 15)
    "exports": READ_WRITE,  # queued, running, ready, expired; never deleted (issue 16)
    "tell_client_tasks": READ_WRITE,
    "storage_data_keys": READ_WRITE,  # a data key is re-wrapped when the master keys rotate
    "tasks": READ_WRITE,  # a task moves to done (and a delay moves its due date); never deleted
    "information_requests": READ_WRITE,  # steps recorded, closed; never deleted (issue 17)
    "subject_access_requests": READ_WRITE,  # agreement, bundle; never deleted (rule 30)
    "subject_access_redactions": READ_WRITE,  # marks taken back, never deleted (rule 30)
    "households": READ_WRITE,
    "household_members": READ_WRITE,  # relationships corrected, never deleted
    "case_legal_holds": READ_WRITE,  # lifted with who and when, never deleted (rule 14)
    "schools": READ_WRITE,  # the directory: imported, updated by URN, SENCO contacts kept
    # Only the workflow's steps, each writing its own columns once; what was shared never
    # changes (the disclosures_guard trigger, tests/test_disclosure_record_sql.py).
    "disclosures": READ_WRITE,
    # Records of what happened: added, never changed.
    "audit_entries": APPEND,
    "audit_checkpoints": APPEND,
    # A period's annual return as first released: every later copy is this (rule 12).
    "statistics_releases": APPEND,
    "case_contacts": APPEND,
    "break_glass_reviews": APPEND,  # a manager's look at a break-glass use (issue 15)
    "case_notes": APPEND,
    "case_documents": APPEND,  # a new version is a new row; erased only with its case
    "request_documents": APPEND,  # a file on an information request (issue 17)
    "request_releases": APPEND,  # a case file's release and its ground (issue 17, rule 10)
    "foi_responses": APPEND,  # an FOI response: text, statistics and policy only (rule 11)
    "break_glass_grants": APPEND,
    "record_changes": APPEND,
    "consents": APPEND,
    "consent_reviews": APPEND,
    "tell_client_delays": APPEND,
    "consent_not_asked": APPEND,
    "capacity_decisions": APPEND,
    "person_merges": APPEND,  # which records were merged, by whom, when and why
    "policy_changes": APPEND,  # each change of the policy settings, a version
    "policy_texts": APPEND,  # each version of the service's own policy text
    "policy_reviews": APPEND,
    # Written only by app_retention_confirm and app_retention_erase, which decide what goes in.
    "retention_confirmations": READ,  # the admin's confirmation, under the settings in force
    "retention_facts": READ,  # an erased case's de-identified facts (rule 14)
    # A create's idempotency key, kept a day then deleted: the one DELETE a rule needs.
    "idempotency_keys": frozenset({"SELECT", "INSERT", "DELETE"}),
}
# The only functions of the schema (not an extension's) it may execute: narrow doors.
APP_FUNCTIONS = {
    # A read's audit entry chained at commit, into the chain of the transaction's tenant only.
    "app_audit_append(bigint,uuid,uuid,text,uuid,text,text,uuid,text,text,jsonb,text[],text)",
    "app_operator_credentials(text)",
    # Retention (rule 14): the cases past retention and not on hold, and their erasure,
    # decided inside from the tenant's policy and the database's date, in that tenant only.
    "app_retention_due(uuid,integer,integer,uuid[])",
    "app_retention_erase(uuid[])",
    # The admin's confirmation: checked to be an active admin, the settings copied inside.
    "app_retention_confirm(uuid,integer)",
    "app_retention_confirmed()",
    "app_operator_failed(uuid)",
    "app_operator_signed_in(uuid,bigint)",
    "app_tenant_create(uuid,text,text,text)",
    "app_tenant_set_status(text,text)",
    # Every request's checks with its BEGIN, for the transaction's tenant only (issue 13).
    "app_tenant_active()",
    "app_staff_unchanged(uuid,text)",
    "app_policy_unchanged(text)",
    # A page's header count with the same BEGIN, in the transaction's tenant only.
    "app_unread_notifications(uuid,integer)",
}
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


async def _privileges(conn: asyncpg.Connection, table: str) -> frozenset[str]:
    """What the application role may do to ``table`` (its own grants and PUBLIC's), with
    ``PRIV(column)`` for a privilege it holds on some columns only."""
    held = set()
    for privilege in TABLE_PRIVILEGES:
        if await conn.fetchval(
            "SELECT has_table_privilege($1, $2, $3)", APP_ROLE, table, privilege
        ):
            held.add(privilege)
        elif privilege in {"SELECT", "INSERT", "UPDATE", "REFERENCES"}:
            columns = await conn.fetch(
                "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0"
                " AND NOT attisdropped AND has_column_privilege($2, attrelid, attnum, $3)",
                table,
                APP_ROLE,
                privilege,
            )
            held.update(f"{privilege}({c['attname']})" for c in columns)
    return frozenset(held)


async def test_the_application_role_holds_exactly_the_privileges_decided_for_each_table(
    owner_conn: asyncpg.Connection,
) -> None:
    tables = [
        r["relname"]
        for r in await owner_conn.fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
        )
    ]
    assert set(tables) >= {"tenants", "platform_operators", "audit_entries"}
    undecided = sorted(set(tables) - set(APP_PRIVILEGES))
    assert not undecided, f"no privileges decided for {undecided}: add them to APP_PRIVILEGES"
    held = {table: await _privileges(owner_conn, table) for table in tables}
    assert held == {table: APP_PRIVILEGES[table] for table in tables}


async def test_the_application_role_executes_only_the_narrow_doors(
    owner_conn: asyncpg.Connection,
) -> None:
    functions = await owner_conn.fetch(
        "SELECT replace(p.oid::regprocedure::text, ' ', '') AS signature, p.prosecdef,"
        " p.proconfig, pg_get_userbyid(p.proowner) AS owner,"
        " has_function_privilege($1, p.oid, 'EXECUTE') AS executable"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d"
        " WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')",
        APP_ROLE,
    )
    assert {f["signature"] for f in functions if f["executable"]} == APP_FUNCTIONS
    for function in functions:
        if function["signature"] in APP_FUNCTIONS:
            assert function["prosecdef"], function["signature"]
            assert function["owner"] == OWNER_ROLE, function["signature"]
            assert "search_path=pg_catalog, public, pg_temp" in function["proconfig"]


async def test_the_application_role_cannot_make_temporary_tables(
    app_conn: asyncpg.Connection,
) -> None:
    """A temporary table would shadow a real one through pg_temp and stay on the pooled
    connection for the next request (the pool runs no reset query)."""
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute("CREATE TEMP TABLE people (id int)")


async def test_platform_operators_belong_to_no_tenant(owner_conn: asyncpg.Connection) -> None:
    columns = {
        r["column_name"]
        for r in await owner_conn.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = 'platform_operators'"
        )
    }
    assert {"email", "password_hash", "totp_secret_encrypted", "totp_last_step"} <= columns
    assert "tenant_id" not in columns


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
