"""Name search under load: p50/p95/p99 and searches per second (a script, not a test).

Creates its own owner role, application role and database on the local PostgreSQL
(as the test harness does), runs the real ``confide migrate`` and ``confide tenants
create``, seeds 20 tenants with ``--people`` people in all, each the subject of a case
assigned to one of a few caseworkers, runs ``VACUUM ANALYZE``, then runs name searches
(UK names with typos) through ``search()`` as the application role, ``--workers``
at a time, each in its own ``tenant_transaction``. Drops everything at the end.

    .venv/bin/python bench/search.py                  # 1,000,000 people
    .venv/bin/python bench/search.py --people 100000

Seeding uses COPY as the admin (superuser) connection: COPY FROM refuses tables under
row-level security for any role the policy binds, and the superuser is not bound.
The target (issue): name search p95 under 30 ms at 32 concurrent requests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import subprocess
import sys
import time
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

ADMIN_URL = os.environ.get(
    "CONFIDE_BENCH_ADMIN_URL", "postgresql://postgres@localhost:5432/postgres"
)
RUN = secrets.token_hex(4)
OWNER_ROLE = f"confide_owner_bench_{RUN}"
APP_ROLE = f"confide_app_bench_{RUN}"
DATABASE = f"confide_bench_{RUN}"
TENANTS = 20
CASEWORKERS = 6


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
Oliver George Arthur Noah Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie
Theo Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac Teddy Alexander Luca
Edward James Joshua Albie Elijah Max Mohammed Reggie Hudson Ethan Mason Sebastian Rory Louie
Jude Ezra Adam Hugo Ronnie Reuben Zachary Joseph Daniel Samuel Jesse Dylan Benjamin Toby
Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella Grace Daisy
Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte Harper Millie Matilda Maya
Sophie Alice Emilia Isabelle Ruby Luna Maisie Aria Penelope Mila Bonnie Eva Hallie Eliza
Ada Violet Esme Arabella Imogen Jessica Delilah Thea Layla Harriet Jasmine Aisha Priya Zara
Amara Chloe Megan Bethan Siobhan Niamh Aoife Ciaran Declan Rhys Gareth Dafydd Callum Fraser
Hamish Lachlan Kayden Tyler Connor Bradley Kieran Shannon Leanne Kelly Gemma Hayley Aaliyah
Yusuf Ibrahim Hamza Zain Ayaan Omar Ali Fatima Maryam Khadija Inaya Anaya Arjun Rohan Aarav
""")

SURNAMES = _words("""
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson
Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen
James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook
Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson
Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali
Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell
Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur
Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks
West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose
Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster
Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins
Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane
Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long
Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins
O'Connor Harper Coleman Watkins Moss McCarthy Chambers Okonkwo Adeyemi Mensah Nowak Kowalski
Wojcik Costa Silva Ferreira Rossi Nguyen Chen Wang Yilmaz Demir Mahmood Iqbal Rahman Chowdhury
""")

POSTCODE_AREAS = ["NM", "ED", "LS", "M", "B", "S", "NE", "BS", "L", "CF", "G", "EH", "YO", "HU"]


def _url(user: str, database: str) -> str:
    rest = ADMIN_URL.split("://", 1)[1].rsplit("@", 1)[-1]
    host = rest.split("/", 1)[0]
    return f"postgresql://{user}@{host}/{database}"


OWNER_URL = _url(OWNER_ROLE, DATABASE)
BENCH_URL = f"{ADMIN_URL.rsplit('/', 1)[0]}/{DATABASE}"  # the admin, in the bench database


def _environment(workers: int) -> None:
    os.environ.update(
        {
            "DATABASE_URL": OWNER_URL,
            "DATABASE_APP_ROLE": APP_ROLE,
            "DATABASE_POOL_MAX_SIZE": str(workers),
            "CONFIDE_SECRET_KEY": secrets.token_urlsafe(48),
            "CONFIDE_LOG_LEVEL": "WARNING",
        }
    )
    for name in ("DATABASE_APP_URL", "CELERY_BROKER_URL", "CONFIDE_BASE_DOMAIN"):
        os.environ.pop(name, None)


def confide(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "confide.platform.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"confide {args[0]} failed: {done.stderr[-2000:]}")


async def create() -> None:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEROLE")
        await admin.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER_ROLE}")
    finally:
        await admin.close()


async def drop() -> None:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await admin.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
        await admin.execute(f"DROP ROLE IF EXISTS {OWNER_ROLE}")
    finally:
        await admin.close()


async def leakproof() -> None:
    """What a superuser runs once per database (see ``search.LEAKPROOF_STATEMENT``)."""
    from confide.platform.casework.search import LEAKPROOF_STATEMENT

    admin = await asyncpg.connect(BENCH_URL)
    try:
        await admin.execute(LEAKPROOF_STATEMENT)
    finally:
        await admin.close()


def _postcode(rng: random.Random) -> str:
    area = rng.choice(POSTCODE_AREAS)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return (
        f"{area}{rng.randint(1, 20)} {rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    )


async def seed(people: int, rng: random.Random) -> dict[UUID, dict[str, Any]]:
    """COPY people, staff, cases and assignments; returns per tenant its staff and names."""
    admin = await asyncpg.connect(BENCH_URL)
    tenants: dict[UUID, dict[str, Any]] = {}
    try:
        rows = await admin.fetch("SELECT id, slug FROM tenants WHERE slug LIKE 'bench%'")
        # Secondary indexes are rebuilt after the load (much faster than row by row);
        # foreign key triggers are skipped for the load: the data is consistent by construction.
        indexes = await admin.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.schemaname = 'public'"
            " AND i.tablename IN ('people', 'cases', 'case_assignments')"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
        for index in indexes:
            await admin.execute(f'DROP INDEX "{index["indexname"]}"')
        await admin.execute("SET session_replication_role = replica")
        per_tenant = people // len(rows)
        today = date(2026, 11, 25)
        for n, row in enumerate(rows):
            tenant = row["id"]
            count = per_tenant + (people % len(rows) if n == 0 else 0)
            staff = [uuid4() for _ in range(CASEWORKERS + 1)]  # the last one is the manager
            await admin.copy_records_to_table(
                "staff_users",
                columns=["tenant_id", "id", "issuer", "subject", "display_name", "roles"],
                records=[
                    (tenant, s, "https://bench.invalid", f"sub-{s}", f"Staff {i}", "[]")
                    for i, s in enumerate(staff)
                ],
            )
            person_rows = []
            case_rows = []
            assignment_rows = []
            names = []
            for i in range(count):
                pid, cid = uuid4(), uuid4()
                first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                names.append((first, last))
                born = today - timedelta(days=rng.randint(365 * 2, 365 * 25))
                person_rows.append(
                    (tenant, pid, "child_or_young_person", first, last, born, _postcode(rng))
                )
                worker = staff[rng.randrange(CASEWORKERS)]
                opened = today - timedelta(days=rng.randint(0, 2000))
                case_rows.append(
                    (tenant, cid, f"B{n:02d}-{opened.year}-{i:06d}", pid, "parent", opened, worker)
                )
                assignment_rows.append((tenant, uuid4(), cid, worker, staff[-1]))
            await admin.copy_records_to_table(
                "people",
                columns=[
                    "tenant_id",
                    "id",
                    "kind",
                    "first_name",
                    "last_name",
                    "date_of_birth",
                    "postcode",
                ],
                records=person_rows,
            )
            await admin.copy_records_to_table(
                "cases",
                columns=[
                    "tenant_id",
                    "id",
                    "reference",
                    "subject_id",
                    "contacted_by",
                    "opened_on",
                    "created_by",
                ],
                records=case_rows,
            )
            await admin.copy_records_to_table(
                "case_assignments",
                columns=["tenant_id", "id", "case_id", "staff_id", "assigned_by"],
                records=assignment_rows,
            )
            tenants[tenant] = {"staff": staff, "names": names}
        await admin.execute("SET session_replication_role = origin")
        for index in indexes:
            await admin.execute(index["indexdef"])
        await admin.execute("VACUUM ANALYZE")
    finally:
        await admin.close()
    return tenants


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    change = rng.choice(["drop", "swap", "replace", "none"])
    if change == "drop":
        return word[:i] + word[i + 1 :]
    if change == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if change == "replace":
        return word[:i] + rng.choice("aeiouy") + word[i + 1 :]
    return word


def queries(tenants: dict[UUID, dict[str, Any]], count: int, rng: random.Random) -> list[Any]:
    """(tenant, staff, is_manager, text): mostly full names, some surnames, typos in most."""
    chosen = []
    tenant_ids = list(tenants)
    for _ in range(count):
        tenant = rng.choice(tenant_ids)
        first, last = rng.choice(tenants[tenant]["names"])
        text = f"{_typo(first, rng)} {_typo(last, rng)}" if rng.random() < 0.8 else _typo(last, rng)
        manager = rng.random() < 0.2
        staff = tenants[tenant]["staff"][-1 if manager else rng.randrange(CASEWORKERS)]
        chosen.append((tenant, staff, manager, text))
    return chosen


async def load(work: list[Any], workers: int, alone: int) -> list[tuple[int, list[float], float]]:
    """Run ``work`` ``workers`` at a time, then ``alone`` more one at a time."""
    from confide.platform.casework.search import SearchQuery, search
    from confide.platform.core.db import close_pool, start_pool, tenant_transaction
    from confide.platform.core.pagination import PageRequest
    from confide.platform.identity.schemas import StaffView
    from confide.platform.identity.tables import StaffStatus
    from confide.tenants.roles import StaffRole

    async def one(tenant: UUID, staff_id: UUID, manager: bool, text: str) -> float:
        staff = StaffView(
            id=staff_id,
            display_name="Bench",
            email=None,
            roles=frozenset({StaffRole.MANAGER if manager else StaffRole.CASEWORKER}),
            status=StaffStatus.ACTIVE,
            last_sign_in_at=None,
        )
        started = time.perf_counter()
        async with tenant_transaction(tenant):
            await search(SearchQuery(text), staff, PageRequest(limit=25))
        return (time.perf_counter() - started) * 1000

    async def run(items: list[Any], concurrency: int) -> tuple[list[float], float]:
        queue = list(reversed(items))
        latencies: list[float] = []

        async def worker() -> None:
            while queue:
                latencies.append(await one(*queue.pop()))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - started

    await start_pool()
    try:
        # Warm up every connection of the pool (prepared statements, the trigram check).
        warm, work = work[: workers * 4], work[workers * 4 :]
        await run(warm, workers)
        results = []
        for concurrency, items in ((workers, work[alone:]), (1, work[:alone])):
            latencies, elapsed = await run(items, concurrency)
            results.append((concurrency, latencies, elapsed))
        return results
    finally:
        await close_pool()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument(
        "--no-leakproof",
        action="store_true",
        help="leave the trigram operator as installed: the index cannot serve under RLS",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (drop it later)")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    _environment(options.workers)
    asyncio.run(create())
    try:
        started = time.perf_counter()
        confide("migrate")
        if not options.no_leakproof:
            asyncio.run(leakproof())
        for n in range(TENANTS):
            confide("tenants", "create", f"bench{n:02d}", "--name", f"Bench SENDIASS {n:02d}")
        prepared = time.perf_counter() - started
        started = time.perf_counter()
        tenants = asyncio.run(seed(options.people, rng))
        seeded = time.perf_counter() - started
        print(
            f"trigram operator leakproof: {not options.no_leakproof};"
            f" schema and {TENANTS} tenants: {prepared:.1f} s; seeded {options.people:,} people,"
            f" {options.people:,} cases and assignments (COPY, indexes,"
            f" VACUUM ANALYZE): {seeded:.1f} s"
        )
        alone = min(500, options.searches)
        work = queries(tenants, options.searches + alone + options.workers * 4, rng)
        for concurrency, latencies, elapsed in asyncio.run(load(work, options.workers, alone)):
            p50, p95, p99 = (_percentile(latencies, f) for f in (0.50, 0.95, 0.99))
            print(
                f"name search, {len(latencies):,} searches, {concurrency} at a time:"
                f" p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms,"
                f" {len(latencies) / elapsed:.0f} searches/s"
            )
    finally:
        if options.keep:
            print(f"kept: database {DATABASE}, roles {OWNER_ROLE}, {APP_ROLE}")
        else:
            asyncio.run(drop())


if __name__ == "__main__":
    main()
