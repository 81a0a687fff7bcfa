"""The checks every request's ``BEGIN`` sends (``tenants.queries.still_active``), as the
application role: the tenant still active, the member of staff's row and the tenant's
policy row unchanged since this process kept them (issue 13).

Each is an ``app_`` function (plpgsql, its plan kept by the session) that reads the tenant
from the transaction's setting and takes none as a parameter: it answers for that tenant
only, false for a row of another tenant, and false with no tenant set.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from tests.helpers.tenants import TenantRef

Tenant = TenantRef | uuid.UUID | None


async def _set(conn: asyncpg.Connection, tenant: Tenant) -> None:
    """The transaction's tenant (None: none, as a pooled connection has after one)."""
    tenant_id = tenant.id if isinstance(tenant, TenantRef) else tenant
    await conn.execute(
        "SELECT set_config('app.tenant_id', $1, true)", "" if tenant_id is None else str(tenant_id)
    )


@asynccontextmanager
async def _rolled_back(conn: asyncpg.Connection, tenant: Tenant) -> AsyncIterator[None]:
    """A transaction set to ``tenant``, rolled back whatever it did."""
    await conn.execute("BEGIN")
    try:
        await _set(conn, tenant)
        yield
    finally:
        await conn.execute("ROLLBACK")


async def _answer(conn: asyncpg.Connection, tenant: Tenant, sql: str, *args: Any) -> Any:
    async with _rolled_back(conn, tenant):
        return await conn.fetchval(sql, *args)


async def _begin_status(conn: asyncpg.Connection, tenant: TenantRef, check: str) -> str:
    """The status of a request's one message (``_TenantTransaction.begin``), rolled back."""
    try:
        return str(
            await conn.execute(
                f"BEGIN; SELECT set_config('app.tenant_id', '{tenant.id}', true); {check}"
            )
        )
    finally:
        await conn.execute("ROLLBACK")


async def _staff(conn: asyncpg.Connection, tenant: TenantRef) -> tuple[uuid.UUID, str]:
    """A member of the tenant's staff and the version of their row, as the app reads it."""
    async with _rolled_back(conn, tenant):
        row = await conn.fetchrow(
            "SELECT s.id, md5(s::text) AS version FROM staff_users s ORDER BY s.id LIMIT 1"
        )
    assert row is not None, f"{tenant.slug} has no staff"
    return row["id"], row["version"]


async def _notify(
    conn: asyncpg.Connection, tenant: TenantRef, staff: uuid.UUID, n: int, key: str
) -> None:
    """``n`` unread notifications for ``staff``, keyed ``<key>-0`` on (in the transaction)."""
    await conn.execute(
        "INSERT INTO notifications (id, tenant_id, recipient_id, kind, subject_key)"
        " SELECT gen_random_uuid(), $1, $2, 'policy_review_due', $3 || '-' || g"
        " FROM generate_series(0, $4::int - 1) AS g",
        tenant.id,
        staff,
        key,
        n,
    )


ACTIVE = "SELECT app_tenant_active()"
UNREAD = "SELECT app_unread_notifications($1, $2)"
STAFF = "SELECT app_staff_unchanged($1, $2)"
POLICY = "SELECT app_policy_unchanged($1)"


async def test_the_tenant_is_active_only_as_the_transactions_tenant(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    assert await _answer(app_conn, tenants["alpha"], ACTIVE) is True
    assert await _answer(app_conn, tenants["gamma"], ACTIVE) is False  # suspended
    assert await _answer(app_conn, uuid.uuid4(), ACTIVE) is False  # no such tenant
    assert await _answer(app_conn, None, ACTIVE) is False


async def test_a_member_of_staff_is_unchanged_only_in_their_tenant_and_at_their_version(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    north, east = tenants["northmoor"], tenants["eastdale"]
    staff, version = await _staff(app_conn, north)
    assert await _answer(app_conn, north, STAFF, staff, version) is True
    assert await _answer(app_conn, north, STAFF, staff, "0" * 32) is False
    assert await _answer(app_conn, north, STAFF, uuid.uuid4(), version) is False
    # Another tenant's transaction learns nothing of northmoor's staff, even with the right
    # id and version; nor does a transaction with no tenant.
    assert await _answer(app_conn, east, STAFF, staff, version) is False
    assert await _answer(app_conn, None, STAFF, staff, version) is False
    # Any change of the row (here its name, in a transaction rolled back): not unchanged.
    async with _rolled_back(app_conn, north):
        await app_conn.execute(
            "UPDATE staff_users SET display_name = display_name || '.' WHERE id = $1", staff
        )
        assert await app_conn.fetchval(STAFF, staff, version) is False
    assert await _answer(app_conn, north, STAFF, staff, version) is True


async def test_a_policy_is_unchanged_only_in_its_tenant_and_at_its_version(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """Inside one transaction rolled back: alpha's policy row made, then changed. A NULL
    version means "still no row", which is never so with no tenant set."""
    alpha, beta = tenants["alpha"], tenants["beta"]
    # A tenant with no policy row at all (none of the suite's makes one for it).
    assert await _answer(app_conn, uuid.uuid4(), POLICY, None) is True
    async with _rolled_back(app_conn, alpha):
        had_row = await app_conn.fetchval("SELECT count(*) FROM tenant_policies") > 0
        if not had_row:
            assert await app_conn.fetchval(POLICY, None) is True
            await app_conn.execute("INSERT INTO tenant_policies (tenant_id) VALUES ($1)", alpha.id)
        assert await app_conn.fetchval(POLICY, None) is False
        version = await app_conn.fetchval("SELECT md5(p::text) FROM tenant_policies p")
        assert await app_conn.fetchval(POLICY, version) is True
        assert await app_conn.fetchval(POLICY, "0" * 32) is False
        # Beta's transaction (the same one, set to beta) is not told about alpha's row.
        await _set(app_conn, beta)
        assert await app_conn.fetchval(POLICY, version) is False
        await _set(app_conn, None)
        assert await app_conn.fetchval(POLICY, version) is False
        assert await app_conn.fetchval(POLICY, None) is False
        await _set(app_conn, alpha)
        await app_conn.execute("UPDATE tenant_policies SET capacity_age = capacity_age + 1")
        assert await app_conn.fetchval(POLICY, version) is False


async def test_unread_notifications_are_counted_only_in_the_transactions_tenant(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """The header's count (``notifications.queries.unread_rows``): at most the limit, of
    the recipient's unread rows in the transaction's tenant; 0 elsewhere and with none."""
    north, east = tenants["northmoor"], tenants["eastdale"]
    staff, _ = await _staff(app_conn, north)
    async with _rolled_back(app_conn, north):
        before = await app_conn.fetchval(UNREAD, staff, 1000)
        await _notify(app_conn, north, staff, 3, "check")
        assert await app_conn.fetchval(UNREAD, staff, 1000) == before + 3
        assert await app_conn.fetchval(UNREAD, staff, before + 2) == before + 2
        await app_conn.execute(
            "UPDATE notifications SET read_at = now() WHERE subject_key = 'check-0'"
        )
        assert await app_conn.fetchval(UNREAD, staff, 1000) == before + 2
        await _set(app_conn, east)
        assert await app_conn.fetchval(UNREAD, staff, 1000) == 0
        await _set(app_conn, None)
        assert await app_conn.fetchval(UNREAD, staff, 1000) == 0


async def test_the_requests_check_is_one_row_while_everything_holds(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """The conditions as the app composes them (``still_active`` with the staff's and the
    policy's), in the request's one message: "SELECT 1" while all hold, "SELECT 0" when
    one does not; with a tally, one row more for each row it finds."""
    from confide.platform.identity.queries import session_user_unchanged
    from confide.tenants.policy.queries import policy_unchanged
    from confide.tenants.queries import still_active

    north = tenants["northmoor"]
    staff, version = await _staff(app_conn, north)
    async with _rolled_back(app_conn, north):
        policy = await app_conn.fetchval("SELECT md5(p::text) FROM tenant_policies p")
    also = [session_user_unchanged(staff, version), policy_unchanged(policy)]
    assert await _begin_status(app_conn, north, still_active(also)) == "SELECT 1"
    stale = [session_user_unchanged(staff, "0" * 32), policy_unchanged(policy)]
    assert await _begin_status(app_conn, north, still_active(stale)) == "SELECT 0"
    other = [session_user_unchanged(staff, version), policy_unchanged("0" * 32)]
    assert await _begin_status(app_conn, north, still_active(other)) == "SELECT 0"
    tally = "SELECT 1 FROM generate_series(1, 3)"
    assert await _begin_status(app_conn, north, still_active(also, tally)) == "SELECT 4"
    assert await _begin_status(app_conn, tenants["gamma"], still_active()) == "SELECT 0"
    # Calls of functions whose plans the session keeps: no table for the server to plan a
    # read of at every request (0.1-0.2 ms of its CPU each, issue 13).
    assert " FROM " not in still_active(also), still_active(also)


async def test_a_pages_check_counts_the_unread_notifications_up_to_the_cap(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """The check a page sends (``still_active`` with ``unread_rows``): one row more than the
    unread notifications, at most ``UNREAD_SHOWN`` + 1 of them (the header's "99+"), and
    none when a check fails. In one transaction, rolled back."""
    from confide.platform.identity.queries import session_user_unchanged
    from confide.platform.notifications.queries import unread_rows
    from confide.platform.notifications.schemas import UNREAD_SHOWN
    from confide.tenants.queries import still_active

    north = tenants["northmoor"]
    staff, version = await _staff(app_conn, north)
    check = still_active([session_user_unchanged(staff, version)], unread_rows(staff))
    stale = still_active([session_user_unchanged(staff, "0" * 32)], unread_rows(staff))

    async def status(sql: str) -> str:
        return str(await app_conn.execute(sql))

    async with _rolled_back(app_conn, north):
        await app_conn.execute(
            "UPDATE notifications SET read_at = now() WHERE recipient_id = $1", staff
        )
        assert await status(check) == "SELECT 1"
        await _notify(app_conn, north, staff, 1, "one")
        assert await status(check) == "SELECT 2"
        await _notify(app_conn, north, staff, UNREAD_SHOWN + 5, "more")
        assert await status(check) == f"SELECT {UNREAD_SHOWN + 2}"
        assert await status(stale) == "SELECT 0"
