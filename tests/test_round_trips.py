"""Round trips per request on the hot paths, counted on the wire (issue 13).

Each path is requested once to warm it up (its statements prepared on the connection),
then once more while counting: a change that adds a statement, a transaction step or a
Redis command to one of these requests fails here, and the message lists what was sent.
The counts are exact, so that a saving is written down when it is made.
"""

from __future__ import annotations

import json

import asyncpg
import httpx
import pytest

from tests.helpers.casework import NM, as_tenant, enquiry, new_case
from tests.helpers.http import post
from tests.helpers.roundtrips import RoundTrips, counting
from tests.helpers.tenants import TenantRef

# (PostgreSQL round trips, Redis commands) for one request. The case API is held to the
# issue's ceiling, at most 3 and 1, besides its exact count.
CASE_API = (3, 1)
# The case page: BEGIN with its checks, the case file, its consent with its timeline (issue
# 14: every kind of event in one UNION ALL, and the open tasks), COMMIT with the read's entry.
CASE_PAGE = (4, 1)
# A caseworker: BEGIN with its checks, the lists (issue 15: their tasks due, from the one
# task model, a list of its own), COMMIT.
DASHBOARD = (9, 1)
SEARCH = (5, 1)


async def _count(http: httpx.AsyncClient, path: str) -> RoundTrips:
    warm = await http.get(path)
    assert warm.status_code == 200, warm.text
    async with counting() as found:
        response = await http.get(path)
    assert response.status_code == 200, response.text
    return found


def _holds(found: RoundTrips, expected: tuple[int, int]) -> None:
    assert (len(found.postgres), len(found.redis)) == expected, found.report()


@pytest.fixture
async def case_id(aisha: httpx.AsyncClient) -> str:
    case = await new_case(aisha)
    return str(case["id"])


async def test_the_case_api_reads_a_case_in_three_round_trips_and_one_redis_command(
    aisha: httpx.AsyncClient, case_id: str
) -> None:
    found = await _count(aisha, f"{NM}/cases/{case_id}")
    _holds(found, CASE_API)
    assert len(found.postgres) <= 3, found.report()
    assert len(found.redis) <= 1, found.report()


async def test_the_case_page(aisha: httpx.AsyncClient, case_id: str) -> None:
    _holds(await _count(aisha, f"/t/northmoor/cases/{case_id}"), CASE_PAGE)


async def test_the_dashboard(aisha: httpx.AsyncClient, case_id: str) -> None:
    _holds(await _count(aisha, "/t/northmoor/dashboard"), DASHBOARD)


async def test_search(aisha: httpx.AsyncClient, case_id: str) -> None:
    _holds(await _count(aisha, "/t/northmoor/search?q=Okafor"), SEARCH)


async def test_a_connection_goes_back_to_the_pool_with_no_session_state(
    aisha: httpx.AsyncClient, case_id: str
) -> None:
    """The pool no longer sends asyncpg's reset (``RESET ALL``...) on release: what a
    request sets must end with its transaction (tenant, plan settings, locks)."""
    from confide.platform.core.db import get_engine

    for path in (
        f"{NM}/cases/{case_id}",
        f"/t/northmoor/cases/{case_id}",
        "/t/northmoor/search?q=Ok",
    ):
        response = await aisha.get(path)
        assert response.status_code == 200, response.text
        engine = get_engine()
        connection = await engine.acquire()  # the one the request used: the pool is LIFO
        try:
            state = await connection.fetchrow(
                "SELECT coalesce(current_setting('app.tenant_id', true), '') AS tenant,"
                " current_setting('plan_cache_mode') AS plans,"
                " (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
                "  AND locktype = 'advisory') AS locks,"
                " (SELECT count(*) FROM pg_cursors WHERE name <> '') AS cursors"
            )
        finally:
            await engine.release(connection)
        assert dict(state) == {"tenant": "", "plans": "auto", "locks": 0, "cursors": 0}, path


async def test_a_policy_changed_by_another_process_holds_at_the_next_request(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """Each process keeps its tenants' policies, and every request's BEGIN checks the row is
    unchanged: a change written elsewhere (here straight into the table, as another web
    process would) is what the next request sees."""
    from confide.tenants.policy.services import DEFAULT_TOPICS

    northmoor = tenants["northmoor"]
    assert (await post(aisha, f"{NM}/enquiries", enquiry())).status_code == 201  # kept now
    [row] = await as_tenant(
        owner_conn,
        northmoor,
        "SELECT count(*) AS n, max(enquiry_topics::text) AS t FROM tenant_policies",
    )
    topics = json.loads(row["t"]) if row["t"] else list(DEFAULT_TOPICS)
    update = "UPDATE tenant_policies SET enquiry_topics = $1::jsonb"
    insert = (
        "INSERT INTO tenant_policies (tenant_id, enquiry_topics)"
        " VALUES (current_setting('app.tenant_id')::uuid, $1::jsonb)"
    )
    added_topics = json.dumps([*topics, "Travel training"])
    await as_tenant(owner_conn, northmoor, update if row["n"] else insert, added_topics)
    try:
        added = await post(aisha, f"{NM}/enquiries", enquiry(topics=["Travel training"]))
        assert added.status_code == 201, added.text
    finally:
        if row["n"]:
            await as_tenant(owner_conn, northmoor, update, row["t"])  # as it was, NULL too
        else:
            await as_tenant(owner_conn, northmoor, "DELETE FROM tenant_policies")
    refused = await post(aisha, f"{NM}/enquiries", enquiry(topics=["Travel training"]))
    assert refused.status_code == 400, refused.text
