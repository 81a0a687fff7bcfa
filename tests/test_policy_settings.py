"""Each service's policy settings in one place (rule 13): every change kept as a version
(who, when, old -> new) and audited; the confidentiality policy's review falls due."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import asyncpg
import pytest

from tests.helpers.casework import as_tenant
from tests.helpers.tenants import TenantRef


@pytest.fixture
async def eastdale_defaults(tenants: dict[str, TenantRef]) -> AsyncIterator[None]:
    """Other tests use Eastdale's default settings: put them back however the test ends."""
    yield
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import (
        set_access_settings,
        set_controller,
        set_policy_review_months,
        set_retention_settings,
        set_statistics_settings,
    )

    async with tenant_transaction(tenants["eastdale"].id):
        await set_access_settings(4, 30, 10)
        await set_statistics_settings(5, False)
        await set_retention_settings(6, 25)
        await set_policy_review_months(24)
        await set_controller("council", "Eastdale Council", "dpo@eastdale.example", "", "")


@pytest.mark.parametrize(
    ("reviewed_on", "since", "months", "today", "due", "overdue"),
    [
        # never reviewed: due two years after the service started on Confide
        (None, date(2024, 1, 10), 24, date(2026, 1, 10), date(2026, 1, 10), False),
        (None, date(2024, 1, 10), 24, date(2026, 1, 11), date(2026, 1, 10), True),
        # reviewed: due the interval after the last review, whole months
        (date(2025, 8, 31), date(2020, 1, 1), 6, date(2026, 2, 28), date(2026, 2, 28), False),
        (date(2025, 8, 31), date(2020, 1, 1), 6, date(2026, 3, 1), date(2026, 2, 28), True),
    ],
)
def test_the_policy_review_falls_due_the_interval_after_the_last(
    reviewed_on: date | None, since: date, months: int, today: date, due: date, overdue: bool
) -> None:
    from confide.tenants.policy.document import review_status
    from confide.tenants.policy.schemas import PolicyView

    policy = PolicyView(policy_review_months=months, policy_reviewed_on=reviewed_on)
    status = review_status(policy, since, today)
    assert (status.due_on, status.overdue) == (due, overdue)


async def test_each_change_is_a_version_with_old_and_new_and_is_audited(
    app: Any,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    eastdale_defaults: None,
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.errors import Invalid
    from confide.platform.core.pagination import PageRequest
    from confide.tenants.policy.services import (
        get_policy,
        policy_history,
        set_retention_settings,
        set_statistics_settings,
    )

    east, north = tenants["eastdale"], tenants["northmoor"]
    async with tenant_transaction(east.id):
        before = await get_policy()
        assert (before.retention_years, before.retention_birthday) == (6, 25)
        assert before.stats_suppression_threshold == 5
        assert before.capacity_age == 12
        with pytest.raises(Invalid) as refused:
            await set_retention_settings(0, 40)
        assert set(refused.value.errors) == {"years", "birthday"}
        await set_retention_settings(7, 25)
        await set_statistics_settings(10, True)
        history = await policy_history(PageRequest(limit=2))
    async with tenant_transaction(east.id):
        assert (await get_policy()).retention_years == 7
    newest, older = history.items
    assert newest.group == "statistics"
    assert {(c.setting, c.old, c.new) for c in newest.changes} == {
        ("stats_suppression_threshold", 5, 10),
        ("stats_round_to_5", False, True),
    }
    assert [(c.setting, c.old, c.new) for c in older.changes] == [("retention_years", 6, 7)]
    assert older.changed_by is None
    entries = await as_tenant(
        owner_conn,
        east,
        "SELECT detail FROM audit_entries WHERE action = 'policy_settings_changed'"
        " ORDER BY seq DESC LIMIT 2",
    )
    details = [json.loads(e["detail"]) for e in entries]
    assert details == [
        {"group": "statistics", "stats_suppression_threshold": True, "stats_round_to_5": True},
        {"group": "retention", "retention_years": True},
    ]
    # Another tenant sees none of it, and its settings did not move.
    async with tenant_transaction(north.id):
        assert (await get_policy()).retention_years == 6
        north_history = await policy_history(PageRequest(limit=100))
    assert all(item.id not in {newest.id, older.id} for item in north_history.items)


async def _in_tenant(conn: asyncpg.Connection, tenant: TenantRef, sql: str, *args: Any) -> None:
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        await conn.execute(sql, *args)


async def test_the_versions_texts_and_reviews_are_each_tenants_own_and_never_change(
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """Under the application role: another tenant sees none of them and cannot plant one;
    none is ever changed or removed, whoever asks."""
    alpha, beta = tenants["alpha"], tenants["beta"]
    inserts = {
        "policy_changes": (
            "INSERT INTO policy_changes (id, tenant_id, group_name, changes, changed_at)"
            " VALUES (gen_random_uuid(), $1, 'retention',"
            ' \'[{"setting": "retention_years", "old": 6, "new": 7}]\', now())'
        ),
        "policy_texts": (
            "INSERT INTO policy_texts (id, tenant_id, version, sections, written_at)"
            " VALUES (gen_random_uuid(), $1, 1, '{}', now())"
        ),
        "policy_reviews": (
            "INSERT INTO policy_reviews (id, tenant_id, reviewed_on, note, reviewed_by,"
            " recorded_at) VALUES (gen_random_uuid(), $1, '2026-01-05', '', gen_random_uuid(),"
            " now())"
        ),
    }
    for table, insert in inserts.items():
        async with app_conn.transaction():
            await app_conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(alpha.id))
            await app_conn.execute(insert, alpha.id)
            assert await app_conn.fetchval(f"SELECT count(*) FROM {table}") >= 1
        async with app_conn.transaction():
            await app_conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(beta.id))
            assert await app_conn.fetchval(f"SELECT count(*) FROM {table}") == 0, table
        for statement, args in (
            (insert, (alpha.id,)),  # into another tenant
            (f"UPDATE {table} SET tenant_id = tenant_id", ()),
            (f"DELETE FROM {table}", ()),
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await _in_tenant(app_conn, beta, statement, *args)
