"""Raw SQL as the application role: one tenant's rows are invisible and untouchable to another."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.helpers.command import confide
from tests.helpers.tenants import TenantRef


async def _as_tenant(conn: asyncpg.Connection, tenant: TenantRef | None) -> None:
    await conn.execute("BEGIN")
    if tenant is not None:
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))


async def _insert_heartbeat(conn: asyncpg.Connection, tenant: TenantRef) -> uuid.UUID:
    heartbeat_id = uuid.uuid4()
    await _as_tenant(conn, tenant)
    await conn.execute(
        "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, recorded_at, task_id)"
        " VALUES ($1, $2, $3, now(), 'sql-test')",
        heartbeat_id,
        tenant.id,
        datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=secrets.randbelow(10**9)),
    )
    await conn.execute("COMMIT")
    return heartbeat_id


@pytest.fixture
async def alpha_row(app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]) -> uuid.UUID:
    return await _insert_heartbeat(app_conn, tenants["alpha"])


async def test_another_tenant_cannot_read_or_update(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef], alpha_row: uuid.UUID
) -> None:
    await _as_tenant(app_conn, tenants["beta"])
    assert (
        await app_conn.fetchval(
            "SELECT count(*) FROM housekeeping_heartbeats WHERE id = $1", alpha_row
        )
        == 0
    )
    updated = await app_conn.execute(
        "UPDATE housekeeping_heartbeats SET task_id = 'stolen' WHERE id = $1", alpha_row
    )
    await app_conn.execute("COMMIT")
    assert updated == "UPDATE 0"
    # No tenant may delete at all (test_catalogue.py), so not another's row either.
    await _as_tenant(app_conn, tenants["beta"])
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute("DELETE FROM housekeeping_heartbeats WHERE id = $1", alpha_row)
    await app_conn.execute("ROLLBACK")

    await _as_tenant(app_conn, tenants["alpha"])
    task_id = await app_conn.fetchval(
        "SELECT task_id FROM housekeeping_heartbeats WHERE id = $1", alpha_row
    )
    await app_conn.execute("COMMIT")
    assert task_id == "sql-test", "alpha's row was changed or removed by beta"


async def test_no_tenant_set_sees_nothing_and_writes_nothing(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef], alpha_row: uuid.UUID
) -> None:
    assert await app_conn.fetchval("SELECT count(*) FROM housekeeping_heartbeats") == 0
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute(
            "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, task_id)"
            " VALUES ($1, $2, now(), 'x')",
            uuid.uuid4(),
            tenants["alpha"].id,
        )


async def test_setting_ends_with_the_transaction_on_a_reused_connection(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef], alpha_row: uuid.UUID
) -> None:
    await _as_tenant(app_conn, tenants["alpha"])
    assert await app_conn.fetchval("SELECT count(*) FROM housekeeping_heartbeats") >= 1
    await app_conn.execute("COMMIT")
    # The setting survives as '' on the connection: no error, and no rows.
    assert await app_conn.fetchval("SELECT current_setting('app.tenant_id', true)") == ""
    assert await app_conn.fetchval("SELECT count(*) FROM housekeeping_heartbeats") == 0


async def test_cannot_write_a_row_into_another_tenant(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef], alpha_row: uuid.UUID
) -> None:
    await _as_tenant(app_conn, tenants["beta"])
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute(
            "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, task_id)"
            " VALUES ($1, $2, now(), 'planted')",
            uuid.uuid4(),
            tenants["alpha"].id,
        )
    await app_conn.execute("ROLLBACK")
    beta_row = await _insert_heartbeat(app_conn, tenants["beta"])
    await _as_tenant(app_conn, tenants["beta"])
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute(
            "UPDATE housekeeping_heartbeats SET tenant_id = $1 WHERE id = $2",
            tenants["alpha"].id,
            beta_row,
        )
    await app_conn.execute("ROLLBACK")


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE housekeeping_heartbeats DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE housekeeping_heartbeats NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON housekeeping_heartbeats",
        # Operators provision and suspend tenants from the web app, but remove nothing.
        "DELETE FROM tenants",
        "TRUNCATE tenants CASCADE",
        "DELETE FROM platform_operators",
        "CREATE TABLE sneaky (id int)",
        # The registry and operators are written only through the app_ functions.
        "UPDATE tenants SET status = 'active'",
        "UPDATE tenants SET slug = 'taken'",
        "INSERT INTO tenants (id, slug, display_name) VALUES (gen_random_uuid(), 'x', 'X')",
        "UPDATE platform_operators SET status = 'active'",
        "UPDATE platform_operators SET totp_last_step = 0",
        "INSERT INTO platform_operators (id, email, password_hash, totp_secret_encrypted)"
        " VALUES (gen_random_uuid(), 'x@example.org', 'x', 'x')",
        # Operators' secrets are never readable.
        "SELECT password_hash FROM platform_operators",
        "SELECT totp_secret_encrypted FROM platform_operators",
        "SELECT * FROM platform_operators",
        # No rule needs the application to delete a record.
        "DELETE FROM people",
        "DELETE FROM cases",
        "DELETE FROM case_people",
        "DELETE FROM case_assignments",
        "DELETE FROM staff_users",
        "DELETE FROM sso_providers",
        "DELETE FROM tenant_policies",
        "DELETE FROM housekeeping_heartbeats",
    ],
)
async def test_application_role_cannot_loosen_the_rules(
    app_conn: asyncpg.Connection, statement: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute(statement)


async def _operator(email: str) -> None:
    confide("operators", "create", email, "--password-stdin", stdin="a-long-enough-password\n")


async def test_the_operator_doors_open_onto_one_operator_and_no_further(
    app_conn: asyncpg.Connection,
) -> None:
    active, disabled = (f"{name}-{secrets.token_hex(3)}@platform.example" for name in "ad")
    await _operator(active)
    await _operator(disabled)
    confide("operators", "disable", disabled)

    rows = await app_conn.fetch("SELECT * FROM app_operator_credentials($1)", active)
    assert len(rows) == 1
    assert rows[0]["password_hash"].startswith("$argon2id$")
    assert await app_conn.fetch("SELECT * FROM app_operator_credentials('%')") == []
    [withheld] = await app_conn.fetch("SELECT * FROM app_operator_credentials($1)", disabled)
    assert withheld["password_hash"] is None
    assert withheld["totp_secret_encrypted"] is None

    # A step far ahead of the clock would lock the operator out: refused.
    far = int(time.time() // 30) + 1000
    refused = await app_conn.fetch(
        "SELECT * FROM app_operator_signed_in($1, $2)", rows[0]["id"], far
    )
    assert refused == []
    now = int(time.time() // 30)
    recorded = await app_conn.fetch(
        "SELECT * FROM app_operator_signed_in($1, $2)", rows[0]["id"], now
    )
    assert [r["email"] for r in recorded] == [active]
    again = await app_conn.fetch("SELECT * FROM app_operator_signed_in($1, $2)", rows[0]["id"], now)
    assert again == [], "a step already used was accepted again"


@pytest.mark.parametrize(
    ("slug", "name", "kind"),
    [("bad-kind", "X", "regulator"), ("Bad Slug", "X", "council"), ("blank-name", " ", "council")],
)
async def test_the_registry_door_plants_no_malformed_tenant(
    app_conn: asyncpg.Connection, slug: str, name: str, kind: str
) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await app_conn.fetch(
            "SELECT * FROM app_tenant_create(gen_random_uuid(), $1, $2, $3)", slug, name, kind
        )


async def test_the_registry_door_changes_a_status_and_nothing_else(
    app_conn: asyncpg.Connection,
) -> None:
    assert await app_conn.fetch("SELECT * FROM app_tenant_set_status('alpha', 'deleted')") == []
    assert await app_conn.fetchval("SELECT status FROM tenants WHERE slug = 'alpha'") == "active"
