"""The dashboard's own cases list in one round trip (issue 13): each page in order, the count
of them all riding on its rows, a page past the end still counted, and only the open cases
the member of staff is assigned to (rule 1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import httpx

from tests.helpers.casework import as_tenant, new_case
from tests.helpers.http import post
from tests.helpers.pages import NM
from tests.helpers.tenants import TenantRef


async def test_my_open_cases_come_a_page_at_a_time_with_their_count(
    tom: httpx.AsyncClient,
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    from confide.platform.casework import records
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.pagination import PageRequest
    from confide.platform.identity.staff import get_staff

    nm = tenants["northmoor"]
    mine = [(await new_case(tom))["id"] for _ in range(3)]
    closed = await post(tom, f"{NM}/api/cases/{mine[0]}/close", {"outcome": "Advice given"})
    assert closed.status_code == 200, closed.text
    theirs = (await new_case(aisha))["id"]

    [who] = await as_tenant(
        owner_conn, nm, "SELECT id FROM staff_users WHERE subject = 'northmoor-cw-2'"
    )
    expected = [
        str(r["id"])
        for r in await as_tenant(
            owner_conn,
            nm,
            "SELECT c.id FROM cases c JOIN case_assignments a ON a.case_id = c.id"
            " WHERE a.staff_id = $1 AND a.ended_at IS NULL AND c.status = 'open'"
            " ORDER BY c.opened_on DESC, c.reference DESC",
            who["id"],
        )
    ]
    assert set(mine[1:]) <= set(expected)
    assert mine[0] not in expected  # closed
    assert theirs not in expected  # not assigned to him

    pages: list[Any] = []
    async with tenant_transaction(nm.id):
        staff = await get_staff(UUID(str(who["id"])))
        assert staff is not None
        for offset in range(0, len(expected) + 2, 2):  # the last one is past the end
            pages.append(await records.list_my_cases(staff, PageRequest(limit=2, offset=offset)))
    assert [str(c.id) for page in pages for c in page.items] == expected
    assert {page.total for page in pages} == {len(expected)}
    assert pages[-1].items == []
    named = [c for page in pages for c in page.items if str(c.id) in mine]
    assert {c.subject_name for c in named} == {"Sam Okafor"}


async def test_each_dashboard_list_is_one_statement(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    """A caseworker's dashboard: their cases, consent not asked, reviews due, the policy,
    unsent shares, tell-the-client tasks (and their delays when there are some) and their
    tasks due (issue 15): one statement each. A manager's adds break-glass alerts and
    requests to authorise."""
    from confide.frontend.casework import presenters
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.sql import connection
    from confide.platform.identity.staff import get_staff

    nm = tenants["northmoor"]
    await new_case(aisha)  # a list with something in it
    for subject, lists in (("northmoor-cw-1", 7), ("northmoor-manager", 9)):
        async with tenant_transaction(nm.id):
            [row] = await connection().fetch(
                "SELECT id FROM staff_users WHERE subject = $1", subject
            )
            staff = await get_staff(row["id"])
            assert staff is not None
            statements: list[str] = []

            def log(query: Any, into: list[str] = statements) -> None:
                into.append(query.query)

            connection().add_query_logger(log)
            try:
                shown = await presenters.dashboard(staff, 1)
            finally:
                connection().remove_query_logger(log)
        assert shown["cases"] is not None
        delays = 1 if shown["tasks"] else 0
        assert len(statements) == lists + delays, statements
