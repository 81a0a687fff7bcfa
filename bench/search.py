"""Name search under load: p50/p95/p99, searches a second, CPU a search (a script, not a test).

Issue 14: the search keys (``person_search_keys``) serve the name search with or
without ``pg_trgm``; both are measured (``--modes``), 8 at a time and one at a time,
on queries with the mistakes of ``bench/_misspell.py`` (most of them) or the old
one-letter typos.

Creates its own owner role, application role and database on the local PostgreSQL
(as the test harness does; the set-up is ``bench/_setup.py``, shared with
``bench/case_page.py``), runs the real ``confide migrate`` and ``confide tenants
create``, seeds 20 tenants with ``--people`` people in all, each the subject of a case
assigned to one of a few caseworkers, runs ``VACUUM ANALYZE``, then runs name searches
(UK names with typos) through ``search()`` as the application role, ``--workers``
at a time, each in its own ``tenant_transaction``. Drops everything at the end.

    .venv/bin/python bench/search.py                  # 1,000,000 people, 8 at a time
    .venv/bin/python bench/search.py --people 100000 --searches 2000   # a quick run
    .venv/bin/python bench/search.py --workers 32     # issue 9's target: p95 < 30 ms at 32
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from typing import Any
from uuid import UUID

from _misspell import misspell
from _setup import (
    APP_ROLE,
    CASEWORKERS,
    DATABASE,
    OWNER_ROLE,
    create,
    database_cpu,
    drop,
    environment,
    machine,
    machine_busy,
    percentile,
    prepare,
)


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
        roll = rng.random()
        if roll < 0.6:
            text = misspell(first, last, rng)[0]
        elif roll < 0.85:
            text = f"{_typo(first, rng)} {_typo(last, rng)}"
        else:
            text = _typo(last, rng)
        manager = rng.random() < 0.2
        staff = tenants[tenant]["staff"][-1 if manager else rng.randrange(CASEWORKERS)]
        chosen.append((tenant, staff, manager, text))
    return chosen


async def load(
    work: list[Any], workers: int, alone: int, trigram: bool | None = None
) -> list[tuple[int, list[float], float, tuple[float, float, float]]]:
    """Run ``work`` ``workers`` at a time, then ``alone`` more one at a time. Per run:
    (concurrency, latencies ms, seconds, CPU seconds of this process (the searches and
    their callers), of PostgreSQL's backends for the bench database, of the machine)."""
    from confide.platform.casework.search import SearchQuery, search
    from confide.platform.core.db import close_pool, start_pool, tenant_transaction
    from confide.platform.core.pagination import PageRequest
    from confide.platform.identity.schemas import StaffStatus, StaffView
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
            await search(SearchQuery(text), staff, PageRequest(limit=25), trigram=trigram)
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
            database = database_cpu()
            before = (time.process_time(), machine_busy())
            latencies, elapsed = await run(items, concurrency)
            after = (time.process_time(), machine_busy())
            database_used = sum(v - database.get(k, 0.0) for k, v in database_cpu().items())
            cpu = (after[0] - before[0], database_used, after[1] - before[1])
            results.append((concurrency, latencies, elapsed, cpu))
        return results
    finally:
        await close_pool()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument(
        "--modes",
        default="trigram,keys",
        help="trigram: keys and pg_trgm (where installed); keys: the keys alone, as embedded",
    )
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument(
        "--no-leakproof",
        action="store_true",
        help="leave the trigram operator as installed: the index cannot serve under RLS",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (drop it later)")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    environment(options.workers)
    asyncio.run(create())
    try:
        print(machine(), flush=True)
        tenants = prepare(options.people, rng, leakproof_trigram=not options.no_leakproof)
        alone = min(500, options.searches)
        work = queries(tenants, options.searches + alone + options.workers * 4, rng)
        for mode in options.modes.split(","):
            trigram = None if mode == "trigram" else False
            results = asyncio.run(load(work, options.workers, alone, trigram))
            report(mode, results)
    finally:
        if options.keep:
            print(f"kept: database {DATABASE}, roles {OWNER_ROLE}, {APP_ROLE}")
        else:
            asyncio.run(drop())


def report(
    mode: str, results: list[tuple[int, list[float], float, tuple[float, float, float]]]
) -> None:
    for concurrency, latencies, elapsed, (python, database, busy) in results:
        p50, p95, p99 = (percentile(latencies, f) for f in (0.50, 0.95, 0.99))
        n = len(latencies)
        print(
            f"name search ({mode}), {n:,} searches, {concurrency} at a time:"
            f" p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms,"
            f" {n / elapsed:.0f} searches/s; CPU per search: this process"
            f" {python / n * 1000:.2f} ms, PostgreSQL {database / n * 1000:.2f} ms;"
            f" whole machine busy {busy / elapsed:.2f} of {os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
