"""Recall of name search on a realistic set of misspellings (``tests/data/
search_misspellings.csv``: transposed, dropped and added letters, Jayden/Jaden/Jaiden,
Thorneycroft/Thornicroft, Mc/Mac, hyphenated and double-barrelled surnames, nicknames,
first and last names swapped, accents), run against a tenant of its own in the real
PostgreSQL among 2,000 invented look-alikes: the right person must be in the first five
hits for at least 95% of the queries, with ``pg_trgm`` and without it (the embedded
database's case), since the search keys do not depend on the extension.
"""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest

from confide.platform.casework.search import SearchQuery, refresh_search_keys, search
from confide.platform.core.db import tenant_transaction
from confide.platform.core.pagination import PageRequest
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.tenants.roles import StaffRole
from tests.helpers.command import confide
from tests.helpers.environment import OWNER_URL
from tests.helpers.names import look_alikes

CASES = Path(__file__).parent / "data" / "search_misspellings.csv"
LOOK_ALIKES = 2000
TOP = 5
RECALL = 0.95


@dataclass(frozen=True)
class Misspelling:
    first_name: str
    last_name: str
    query: str
    kind: str


def misspellings() -> list[Misspelling]:
    with CASES.open(encoding="utf-8") as rows:
        return [Misspelling(**row) for row in csv.DictReader(rows)]


@dataclass
class Seeded:
    tenant: UUID
    manager: StaffView
    ids: dict[tuple[str, str], UUID]


@pytest.fixture(scope="module")
async def seeded(pool: None) -> Seeded:
    slug = f"recall-{secrets.token_hex(3)}"
    made = confide("tenants", "create", slug, "--name", "Recallshire SENDIASS")
    tenant = UUID(made.stdout.split("(")[1].split(")")[0])
    targets = {(m.first_name, m.last_name) for m in misspellings()}
    ids = {name: uuid4() for name in sorted(targets)}
    others = [(uuid4(), name) for name in look_alikes(LOOK_ALIKES, 14, targets)]
    conn = await asyncpg.connect(OWNER_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            await conn.executemany(
                "INSERT INTO people (tenant_id, id, kind, first_name, last_name)"
                " VALUES ($1, $2, 'child_or_young_person', $3, $4)",
                [(tenant, pid, f, last) for (f, last), pid in ids.items()]
                + [(tenant, pid, f, last) for pid, (f, last) in others],
            )
    finally:
        await conn.close()
    async with tenant_transaction(tenant):
        for person_id in [*ids.values(), *(pid for pid, _ in others)]:
            await refresh_search_keys(person_id)
    manager = StaffView(
        id=uuid4(),
        display_name="Recall Manager",
        email=None,
        roles=frozenset({StaffRole.MANAGER}),
        status=StaffStatus.ACTIVE,
        last_sign_in_at=None,
    )
    return Seeded(tenant, manager, ids)


def test_the_set_is_large_and_varied() -> None:
    cases = misspellings()
    assert len(cases) >= 200
    kinds = {m.kind for m in cases}
    assert {"transposed letters", "nickname", "swapped", "mc mac", "hyphenated"} <= kinds
    assert {"double-barrelled", "variant spelling", "dropped letter"} <= kinds


@pytest.mark.parametrize("trigram", [None, False], ids=["trigram", "fallback"])
async def test_recall_in_the_first_five(seeded: Seeded, trigram: bool | None) -> None:
    missed = []
    cases = misspellings()
    for case in cases:
        async with tenant_transaction(seeded.tenant):
            found = await search(
                SearchQuery(case.query), seeded.manager, PageRequest(limit=TOP), trigram=trigram
            )
        if seeded.ids[(case.first_name, case.last_name)] not in {h.person_id for h in found.items}:
            missed.append(f"{case.query} -> {case.first_name} {case.last_name} ({case.kind})")
    recall = 1 - len(missed) / len(cases)
    assert recall >= RECALL, f"recall {recall:.3f}; missed: {missed}"
