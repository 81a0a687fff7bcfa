"""Recall of name search on a misspelling set made at run time (a script, not a test).

The tests hold a fixed set (``tests/data/search_misspellings.csv``); this one is built
afresh from ``--seed`` by ``bench/_misspell.py`` (transposed, dropped, doubled and wrong
letters, sounds spelt another way, nicknames, first and last swapped) for names drawn
from a seeded database of ``--people`` people in 20 tenants (``bench/_setup.py``). Each
query is searched as the tenant's manager; it counts as found when a person of the
intended name is in the first five hits (the seeded names repeat, so the name is what
can be asked of a search). Prints recall overall and by kind of mistake, with
``pg_trgm`` and without it (the embedded database's case). Drops everything at the end.

    .venv/bin/python bench/search_recall.py --people 20000 --queries 1000
"""

from __future__ import annotations

import argparse
import asyncio
import random
from collections import Counter
from typing import Any
from uuid import UUID

from _misspell import misspell
from _setup import create, drop, environment, machine, prepare

TOP = 5


async def recall(work: list[tuple[UUID, UUID, str, str, tuple[str, str]]]) -> None:
    from confide.platform.casework.search import SearchQuery, search
    from confide.platform.core.db import close_pool, start_pool, tenant_transaction
    from confide.platform.core.pagination import PageRequest
    from confide.platform.identity.schemas import StaffStatus, StaffView
    from confide.tenants.roles import StaffRole

    await start_pool()
    try:
        for trigram, label in ((None, "with pg_trgm"), (False, "without pg_trgm")):
            found: Counter[str] = Counter()
            asked: Counter[str] = Counter()
            missed: list[str] = []
            for tenant, manager_id, text, kind, name in work:
                manager = StaffView(
                    id=manager_id,
                    display_name="Bench",
                    email=None,
                    roles=frozenset({StaffRole.MANAGER}),
                    status=StaffStatus.ACTIVE,
                    last_sign_in_at=None,
                )
                async with tenant_transaction(tenant):
                    page = await search(
                        SearchQuery(text), manager, PageRequest(limit=TOP), trigram=trigram
                    )
                asked[kind] += 1
                if name in {(h.first_name, h.last_name) for h in page.items}:
                    found[kind] += 1
                elif len(missed) < 10:
                    missed.append(f"{text!r} for {' '.join(name)}")
            total = sum(found.values()) / sum(asked.values())
            by_kind = ", ".join(
                f"{kind} {found[kind] / asked[kind]:.1%} of {asked[kind]}" for kind in sorted(asked)
            )
            print(f"recall in the first {TOP}, {label}: {total:.1%} ({by_kind})", flush=True)
            print(f"  some misses: {'; '.join(missed) or 'none'}", flush=True)
    finally:
        await close_pool()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261129)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    environment(4)
    asyncio.run(create())
    try:
        print(machine(), flush=True)
        tenants: dict[UUID, dict[str, Any]] = prepare(options.people, rng)
        work = []
        tenant_ids = list(tenants)
        for _ in range(options.queries):
            tenant = rng.choice(tenant_ids)
            first, last = rng.choice(tenants[tenant]["names"])
            text, kind = misspell(first, last, rng)
            work.append((tenant, tenants[tenant]["staff"][-1], text, kind, (first, last)))
        asyncio.run(recall(work))
    finally:
        asyncio.run(drop())


if __name__ == "__main__":
    main()
