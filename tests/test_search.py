"""Search for people and cases: typo-tolerant names, date of birth, postcode, reference,
within the tenant, on a need-to-know basis, page by page.

The test database (the machine's PostgreSQL) has ``pg_trgm``, so ``search`` takes the
trigram path; the prefix fallback of the embedded database is forced with
``trigram=False``. The harness marks the trigram operator LEAKPROOF as production does
(infra/db/01-roles.sh); ``not_leakproof`` undoes that for a test, as where no
superuser has run it.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from confide.platform.casework.search import (
    LEAKPROOF_STATEMENT,
    MatchReason,
    SearchError,
    SearchHit,
    SearchKind,
    SearchQuery,
    refresh_search_keys,
    search,
    trigram_available,
)
from confide.platform.core.db import tenant_transaction
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.tenants.roles import StaffRole
from tests.helpers.environment import ADMIN_URL, APP_URL, DATABASE, OWNER_URL
from tests.helpers.tenants import TenantRef

RUN = secrets.token_hex(3).upper()


@dataclass
class World:
    alpha: UUID
    beta: UUID
    worker: StaffView  # assigned to C1 only
    other: StaffView  # break-glass on C2, an ended assignment on C1
    manager: StaffView
    beta_worker: StaffView
    p1: UUID  # Jasmine Okonkwo, subject of C1
    p2: UUID  # Adaeze Okonkwo, her mother, on C1
    p3: UUID  # another Jasmine Okonkwo, subject of C2, nobody assigned
    beta_person: UUID
    refs: dict[str, str]


def _staff(tenant: UUID, *roles: StaffRole) -> tuple[StaffView, tuple[Any, ...]]:
    staff_id = uuid4()
    view = StaffView(
        id=staff_id,
        display_name="Test Staff",
        email=None,
        roles=frozenset(roles),
        status=StaffStatus.ACTIVE,
        last_sign_in_at=None,
    )
    row = (tenant, staff_id, f"https://idp.test/{RUN}", f"sub-{staff_id}", "Test Staff")
    return view, row


async def _in_tenant(
    conn: asyncpg.Connection, tenant: UUID, statements: list[tuple[str, list[tuple[Any, ...]]]]
) -> None:
    """Insert as the owner role, which row-level security binds too: set the tenant first."""
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
        for sql, rows in statements:
            await conn.executemany(sql, rows)


STAFF_SQL = (
    "INSERT INTO staff_users (tenant_id, id, issuer, subject, display_name, roles, status)"
    " VALUES ($1, $2, $3, $4, $5, '[]', 'active')"
)
PERSON_SQL = (
    "INSERT INTO people (tenant_id, id, kind, first_name, last_name, date_of_birth, postcode)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
)
CASE_SQL = (
    "INSERT INTO cases (tenant_id, id, reference, subject_id, anonymous, contacted_by, opened_on,"
    " created_by) VALUES ($1, $2, $3, $4, $5, 'parent', current_date, $6)"
)
CASE_PERSON_SQL = (
    "INSERT INTO case_people (tenant_id, id, case_id, person_id, relationship)"
    " VALUES ($1, $2, $3, $4, 'parent_or_carer')"
)
ASSIGN_SQL = (
    "INSERT INTO case_assignments (tenant_id, id, case_id, staff_id, assigned_by, ended_at)"
    " VALUES ($1, $2, $3, $4, $4, $5)"
)
GRANT_SQL = (
    "INSERT INTO break_glass_grants (tenant_id, id, case_id, staff_id, reason, granted_at,"
    " expires_at) VALUES ($1, $2, $3, $4, 'test', now() - $5::interval, now() + $6::interval)"
)


@pytest.fixture(scope="module")
async def world(tenants: dict[str, TenantRef], pool: None) -> World:
    alpha, beta = tenants["alpha"].id, tenants["beta"].id
    worker, worker_row = _staff(alpha, StaffRole.CASEWORKER)
    other, other_row = _staff(alpha, StaffRole.CASEWORKER)
    manager, manager_row = _staff(alpha, StaffRole.MANAGER)
    beta_worker, beta_row = _staff(beta, StaffRole.CASEWORKER)
    p1, p2, p3, bp = uuid4(), uuid4(), uuid4(), uuid4()
    c1, c2, c3, bc = uuid4(), uuid4(), uuid4(), uuid4()
    refs = {name: f"S{RUN}-2026-{n + 1}" for n, name in enumerate(["c1", "c2", "c3", "bc"])}
    conn = await asyncpg.connect(OWNER_URL)
    try:
        dob = date(2011, 2, 17)
        paging_people = [(uuid4(), uuid4(), f"Child{n}") for n in range(7)]
        await _in_tenant(
            conn,
            alpha,
            [
                (STAFF_SQL, [worker_row, other_row, manager_row]),
                (
                    PERSON_SQL,
                    [
                        (alpha, p1, "child_or_young_person", "Jasmine", "Okonkwo", dob, "ZZ9 9ZZ"),
                        (alpha, p2, "parent_or_carer", "Adaeze", "Okonkwo", None, "zz9 9zz"),
                        (
                            alpha,
                            p3,
                            "child_or_young_person",
                            "Jasmine",
                            "Okonkwo",
                            date(2013, 5, 1),
                            None,
                        ),
                        *[
                            (alpha, pid, "child_or_young_person", first, "Quillfeather", None, None)
                            for pid, _, first in paging_people
                        ],
                    ],
                ),
                (
                    CASE_SQL,
                    [
                        (alpha, c1, refs["c1"], p1, False, worker.id),
                        (alpha, c2, refs["c2"], p3, False, worker.id),
                        (alpha, c3, refs["c3"], None, True, worker.id),
                        *[
                            (alpha, cid, f"Q{RUN}-2026-{n}", pid, False, worker.id)
                            for n, (pid, cid, _) in enumerate(paging_people)
                        ],
                    ],
                ),
                (CASE_PERSON_SQL, [(alpha, uuid4(), c1, p2)]),
                (
                    "UPDATE people SET phone = $2, email = $3 WHERE id = $1",
                    [(p1, "07700 900123", "Jasmine.O@Example.com")],
                ),
                (
                    ASSIGN_SQL,
                    [
                        (alpha, uuid4(), c1, worker.id, None),
                        (alpha, uuid4(), c1, other.id, datetime(2026, 1, 1, tzinfo=UTC)),
                        *[(alpha, uuid4(), cid, worker.id, None) for _, cid, _ in paging_people],
                    ],
                ),
                (
                    GRANT_SQL,
                    [
                        (alpha, uuid4(), c2, other.id, timedelta(hours=1), timedelta(hours=1)),
                        (
                            alpha,
                            uuid4(),
                            c1,
                            other.id,
                            timedelta(hours=3),
                            timedelta(hours=-2),
                        ),  # expired
                    ],
                ),
            ],
        )
        await _in_tenant(
            conn,
            beta,
            [
                (STAFF_SQL, [beta_row]),
                (
                    PERSON_SQL,
                    [(beta, bp, "child_or_young_person", "Jasmine", "Okonkwo", dob, "ZZ9 9ZZ")],
                ),
                (CASE_SQL, [(beta, bc, refs["bc"], bp, False, beta_worker.id)]),
                (ASSIGN_SQL, [(beta, uuid4(), bc, beta_worker.id, None)]),
            ],
        )
    finally:
        await conn.close()
    # Written as the owner, so the keys the services write with a person come after.
    await refresh_keys(alpha, [p1, p2, p3, *[pid for pid, _, _ in paging_people]])
    await refresh_keys(beta, [bp])
    return World(alpha, beta, worker, other, manager, beta_worker, p1, p2, p3, bp, refs)


async def refresh_keys(tenant: UUID, person_ids: list[UUID]) -> None:
    async with tenant_transaction(tenant):
        for person_id in person_ids:
            await refresh_search_keys(person_id)


async def run(
    tenant: UUID,
    staff: StaffView,
    text: str,
    kind: SearchKind | None = None,
    page: PageRequest | None = None,
    trigram: bool | None = None,
) -> Page[SearchHit]:
    async with tenant_transaction(tenant):
        return await search(SearchQuery(text, kind), staff, page or PageRequest(), trigram=trigram)


def people(result: Page[SearchHit]) -> set[UUID]:
    return {h.person_id for h in result.items if h.person_id is not None}


def restricted_refs(result: Page[SearchHit]) -> set[str]:
    return {c.reference for h in result.items if h.restricted for c in h.cases}


async def test_the_ci_database_has_trigrams(world: World) -> None:
    async with tenant_transaction(world.alpha):
        assert await trigram_available()


async def _as_superuser(statement: str) -> None:
    conn = await asyncpg.connect(f"{ADMIN_URL.rsplit('/', 1)[0]}/{DATABASE}")
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture
async def not_leakproof(database: Any) -> AsyncIterator[None]:
    """The trigram operator as installed, where no superuser has marked it LEAKPROOF."""
    await _as_superuser("ALTER FUNCTION word_similarity_commutator_op(text, text) NOT LEAKPROOF")
    try:
        yield
    finally:
        await _as_superuser(LEAKPROOF_STATEMENT)


async def _leakproof() -> bool:
    conn = await asyncpg.connect(APP_URL)
    try:
        return bool(
            await conn.fetchval(
                "SELECT proleakproof FROM pg_proc"
                " WHERE oid = 'word_similarity_commutator_op(text, text)'::regprocedure"
            )
        )
    finally:
        await conn.close()


async def test_trigram_operator_is_leakproof_as_in_production(world: World) -> None:
    """So that the trigram index can serve name search under the policy (bench/search.py
    measures the difference; on the tests' few rows the planner prefers other indexes)."""
    assert await _leakproof()


async def test_without_leakproof_search_is_still_correct(world: World, not_leakproof: None) -> None:
    assert not await _leakproof()
    found = await run(world.alpha, world.worker, "Jasmin Okonkow")
    assert world.p1 in people(found)
    assert world.refs["c2"] in restricted_refs(found)
    beta = await run(world.beta, world.beta_worker, "Jasmine Okonkwo")
    assert world.beta_person in people(beta)
    assert not {world.p1, world.p2, world.p3} & people(beta)


@pytest.mark.parametrize("trigram", [None, False], ids=["trigram", "fallback"])
async def test_typo_tolerant_name(world: World, trigram: bool | None) -> None:
    found = await run(world.alpha, world.worker, "Jasmin Okonkow", trigram=trigram)
    assert world.p1 in people(found)
    hit = next(h for h in found.items if h.person_id == world.p1)
    assert hit.name == "Jasmine Okonkwo"
    assert not hit.restricted
    assert [(c.reference, c.restricted) for c in hit.cases] == [(world.refs["c1"], False)]
    assert hit.cases[0].case_id is not None
    # The other Jasmine Okonkwo is on a case this caseworker has no grounds for.
    assert world.p3 not in people(found)
    assert world.refs["c2"] in restricted_refs(found)


async def test_best_match_first(world: World) -> None:
    found = await run(world.alpha, world.manager, "Jasmine Okonkwo")
    assert {h.person_id for h in found.items[:2]} == {world.p1, world.p3}


async def test_surname_alone(world: World) -> None:
    found = await run(world.alpha, world.manager, "okonkwo")
    assert {world.p1, world.p2, world.p3} <= people(found)


async def test_restricted_hit_reveals_no_name(world: World) -> None:
    found = await run(world.alpha, world.worker, "Jasmine Okonkwo")
    restricted = [h for h in found.items if h.restricted]
    assert len(restricted) == 1
    hit = restricted[0]
    assert hit.person_id is None
    for field in ("name", "first_name", "last_name", "date_of_birth", "postcode", "kind"):
        assert getattr(hit, field) is None
    assert [(c.reference, c.restricted, c.case_id, c.status) for c in hit.cases] == [
        (world.refs["c2"], True, None, None)
    ]
    assert "Okonkwo" not in repr(hit)
    assert "Jasmine" not in repr(hit)


async def test_manager_sees_full_hits(world: World) -> None:
    found = await run(world.alpha, world.manager, "Jasmine Okonkwo")
    assert not any(h.restricted for h in found.items)
    assert {world.p1, world.p3} <= people(found)
    for hit in found.items:
        assert all(not c.restricted and c.case_id for c in hit.cases)


async def test_break_glass_opens_only_its_case(world: World) -> None:
    # ``other``: a current grant on C2; an ended assignment and an expired grant on C1.
    found = await run(world.alpha, world.other, "Jasmine Okonkwo")
    assert world.p3 in people(found)
    assert world.p1 not in people(found)
    assert world.refs["c1"] in restricted_refs(found)


async def test_date_of_birth(world: World) -> None:
    found = await run(world.alpha, world.worker, "17/02/2011")
    assert people(found) == {world.p1}
    same = await run(world.alpha, world.worker, "2011-02-17", SearchKind.DATE_OF_BIRTH)
    assert people(same) == {world.p1}


async def test_postcode_with_odd_spacing(world: World) -> None:
    found = await run(world.alpha, world.worker, "  zz99  zz ")
    assert people(found) == {world.p1, world.p2}
    hit = next(h for h in found.items if h.person_id == world.p2)
    assert hit.name == "Adaeze Okonkwo"  # on C1 through case_people
    assert [c.reference for c in hit.cases] == [world.refs["c1"]]


async def test_reference_any_case(world: World) -> None:
    found = await run(world.alpha, world.worker, world.refs["c1"].lower())
    assert people(found) == {world.p1, world.p2}
    restricted = await run(world.alpha, world.worker, world.refs["c2"])
    assert [h.restricted for h in restricted.items] == [True]
    assert restricted_refs(restricted) == {world.refs["c2"]}
    # An anonymous case has nobody on it and is still found by its reference.
    anonymous = await run(world.alpha, world.manager, world.refs["c3"])
    assert anonymous.total == 1
    [hit] = anonymous.items
    assert hit.person_id is None
    assert not hit.restricted
    assert [(c.reference, c.restricted) for c in hit.cases] == [(world.refs["c3"], False)]
    # Nobody is assigned to it, so a caseworker gets its reference only.
    unassigned = await run(world.alpha, world.worker, world.refs["c3"])
    assert [(h.restricted, [c.case_id for c in h.cases]) for h in unassigned.items] == [
        (True, [None])
    ]


async def test_other_tenant_never_appears(world: World) -> None:
    for text in ("Jasmine Okonkwo", "17/02/2011", "ZZ9 9ZZ", world.refs["bc"]):
        for staff in (world.worker, world.manager):
            found = await run(world.alpha, staff, text)
            assert world.beta_person not in people(found)
            assert world.refs["bc"] not in {c.reference for h in found.items for c in h.cases}
    beta = await run(world.beta, world.beta_worker, "Jasmine Okonkwo")
    assert world.beta_person in people(beta)
    assert not {world.p1, world.p2, world.p3} & people(beta)
    assert not restricted_refs(beta) & set(world.refs.values())


@pytest.mark.parametrize("trigram", [None, False], ids=["trigram", "fallback"])
async def test_paging(world: World, trigram: bool | None) -> None:
    seen: list[UUID] = []
    offset = 0
    while True:
        found = await run(
            world.alpha, world.worker, "Quillfeather", page=PageRequest(3, offset), trigram=trigram
        )
        assert found.total == 7
        assert len(found.items) <= 3
        seen.extend(people(found))
        if found.next_offset is None:
            break
        offset = found.next_offset
    assert len(seen) == len(set(seen)) == 7
    past_end = await run(world.alpha, world.worker, "Quillfeather", page=PageRequest(3, 30))
    assert past_end.items == []
    assert past_end.total == 7


@pytest.mark.parametrize(
    "text",
    [
        "17/02/2011",
        "17 2 2011",
        "17.2.11",
        "17-02-2011",
        "2011-02-17",
        "17 Feb 2011",
        "17th February 2011",
        "February 17, 2011",
    ],
)
async def test_date_of_birth_as_people_type_it(world: World, text: str) -> None:
    found = await run(world.alpha, world.worker, text)
    assert people(found) == {world.p1}
    assert [h.reasons for h in found.items if h.person_id] == [(MatchReason.DATE_OF_BIRTH,)]


@pytest.mark.parametrize(
    "text",
    ["07700 900123", "07700900123", "+44 7700 900 123", "+44 (0)7700 900123", "0044 7700900123"],
)
async def test_phone_in_any_spacing(world: World, text: str) -> None:
    found = await run(world.alpha, world.worker, text)
    assert people(found) == {world.p1}
    assert found.items[0].reasons == (MatchReason.PHONE,)


async def test_email_in_any_case(world: World) -> None:
    found = await run(world.alpha, world.worker, " JASMINE.O@example.COM ")
    assert people(found) == {world.p1}
    assert found.items[0].reasons == (MatchReason.EMAIL,)
    assert not people(await run(world.alpha, world.worker, "jasmine@example.com"))


async def test_part_of_a_reference(world: World) -> None:
    prefix, _, number = world.refs["c1"].split("-")
    for text in (f"{prefix}-{number}", f"{prefix.lower()}-2026-0000{number}"):
        found = await run(world.alpha, world.worker, text)
        assert people(found) == {world.p1, world.p2}, text
        assert {h.reasons for h in found.items} == {(MatchReason.REFERENCE,)}
    # The number alone: every case numbered 1, whatever its prefix and year.
    found = await run(world.alpha, world.worker, f"000{number}")
    assert {world.p1, world.p2} <= people(found)
    assert world.refs["c2"] not in {c.reference for h in found.items for c in h.cases}


async def test_hits_say_why_and_restricted_ones_do_not(world: World) -> None:
    found = await run(world.alpha, world.worker, "Okonkow Jasmin", trigram=False)
    hit = next(h for h in found.items if h.person_id == world.p1)
    assert MatchReason.NAME_SOUND in hit.reasons
    assert MatchReason.NAME not in hit.reasons  # neither word was spelt right
    exact = await run(world.alpha, world.worker, "Jasmine Okonkwo", trigram=False)
    assert next(h for h in exact.items if h.person_id == world.p1).reasons[0] == MatchReason.NAME
    restricted = [h for h in exact.items if h.restricted]
    assert restricted
    assert all(h.reasons == () for h in restricted)


async def _owner(statement: str, tenant: UUID, *args: Any) -> None:
    conn = await asyncpg.connect(OWNER_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            await conn.execute(statement, *args)
    finally:
        await conn.close()


async def test_keys_follow_a_change_of_name_once_refreshed(world: World) -> None:
    person = uuid4()
    await _owner(
        "INSERT INTO people (tenant_id, id, kind, first_name, last_name)"
        " VALUES ($1, $2, 'child_or_young_person', 'Marigold', 'Featherby-Smith')",
        world.alpha,
        world.alpha,
        person,
    )
    await refresh_keys(world.alpha, [person])
    assert person in people(
        await run(world.alpha, world.manager, "Marigold Fetherby", trigram=False)
    )
    await _owner("UPDATE people SET last_name = 'Pennyworth' WHERE id = $1", world.alpha, person)
    await refresh_keys(world.alpha, [person])
    assert person in people(
        await run(world.alpha, world.manager, "Marigold Penyworth", trigram=False)
    )
    for old in ("Featherby", "Featherbysmith", "Featherby-Smith"):
        assert person not in people(await run(world.alpha, world.manager, old, trigram=False))


async def test_another_tenant_cannot_see_or_plant_search_keys(world: World) -> None:
    conn = await asyncpg.connect(APP_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(world.beta))
            seen = await conn.fetchval(
                "SELECT count(*) FROM person_search_keys WHERE person_id = $1", world.p1
            )
            assert seen == 0
            assert await conn.fetchval("SELECT count(*) FROM person_search_keys") > 0
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(world.beta))
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(
                    "INSERT INTO person_search_keys (id, tenant_id, person_id, slot, key)"
                    " VALUES ($1, $2, $3, 31, 'n:planted')",
                    uuid4(),
                    world.alpha,
                    world.p1,
                )
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", None),
        ("someone@", None),
        ("5555", SearchKind.PHONE),
        ("not-a-reference", SearchKind.REFERENCE),
        ("   ", None),
        ("x" * 101, None),
        ("q", None),
        ("31/02/2011", None),
        ("not a postcode", SearchKind.POSTCODE),
        ("12", SearchKind.NAME),
    ],
)
def test_invalid_queries(text: str, kind: SearchKind | None) -> None:
    with pytest.raises(SearchError) as error:
        SearchQuery(text, kind).resolved()
    if text.strip():  # the message never repeats what was typed
        assert text.strip() not in error.value.errors["q"]


def test_page_size_is_bounded() -> None:
    with pytest.raises(ValueError, match="limit"):
        PageRequest(limit=101)


async def test_the_migration_writes_the_keys_of_people_already_there(world: World) -> None:
    """People written before the search keys existed (here: by raw SQL, which writes
    none) are found once the migration's backfill has run."""
    from confide.platform.casework.piccolo_migrations import (
        casework_2026_11_29t15_28_08_000000 as keys_migration,
    )
    from confide.platform.core.db import get_engine

    person = uuid4()
    await _owner(
        "INSERT INTO people (tenant_id, id, kind, first_name, last_name, phone)"
        " VALUES ($1, $2, 'child_or_young_person', 'Perpetua', 'Backhouse', '07700 900999')",
        world.alpha,
        world.alpha,
        person,
    )
    assert person not in people(
        await run(world.alpha, world.manager, "Perpetua Bakhouse", trigram=False)
    )
    async with get_engine().transaction():
        await keys_migration._backfill()
    assert person in people(
        await run(world.alpha, world.manager, "Perpetua Bakhouse", trigram=False)
    )
    assert person in people(await run(world.alpha, world.manager, "+44 7700 900 999"))
