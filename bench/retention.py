"""The retention sweep (issue 15, rule 14): erasing ``--erase`` cases of ``--cases`` in all
(goal: 100,000 of 1,000,000 under 60 s), with the memory kept flat by batches.

Builds its own database (``bench/_setup.py``: the real ``confide migrate`` and ``confide
tenants create``, 20 tenants, one case a person with one contact each), then, as the
superuser, makes ``--erase`` of the cases closed ten years ago with a subject born in 1990
(past both periods), a fifth more closed two years ago (within), and the rest open; each
tenant's admin has confirmed the sweep. Then runs ``retention.services.sweep`` for every
tenant, one tenant transaction each, ``--workers`` tenants at a time (as the daily job's fan-out
runs on a worker of that concurrency), and reports the time, cases
erased a second, and this process's resident memory before and at its peak during the
sweep (``VmHWM``, reset before the sweep). Checks that exactly the due cases went and the
facts are there. Drops everything at the end.

    .venv/bin/python bench/retention.py                              # 100,000 of 1,000,000
    .venv/bin/python bench/retention.py --cases 100000 --erase 10000  # a smaller run
    bash bench/run --only retention
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from _setup import BENCH_URL, DATABASE, create, drop, environment, machine, prepare


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):  # Linux: "5" resets VmHWM to the current RSS
        Path("/proc/self/clear_refs").write_text("5")


async def _age(tenants: dict[UUID, dict[str, Any]], erase: int, rng: random.Random) -> None:
    """Close ``erase`` cases ten years ago (subject born 1990), a fifth of the rest two
    years ago; confirm every tenant's sweep."""
    everyone = [(t, c) for t, info in tenants.items() for c, _ in info["cases"]]
    rng.shuffle(everyone)
    old = [c for _, c in everyone[:erase]]
    recent = [c for _, c in everyone[erase : erase + len(everyone) // 5]]
    admin = await asyncpg.connect(BENCH_URL)
    try:
        await admin.execute("SET session_replication_role = replica")
        for ids, years, born in ((old, 10, date(1990, 1, 1)), (recent, 2, None)):
            for i in range(0, len(ids), 50_000):
                chunk = ids[i : i + 50_000]
                await admin.execute(
                    "UPDATE cases SET status = 'closed', outcome = 'Advice given',"
                    " closed_on = current_date - make_interval(years => $2),"
                    " opened_on = current_date - make_interval(years => $2) - interval '30 days'"
                    " WHERE id = ANY($1::uuid[])",
                    chunk,
                    years,
                )
                await admin.execute(
                    "UPDATE case_contacts SET occurred_at = now() - make_interval(years => $2)"
                    " WHERE case_id = ANY($1::uuid[])",
                    chunk,
                    years,
                )
                if born:
                    await admin.execute(
                        "UPDATE people p SET date_of_birth = $2::date FROM cases c"
                        " WHERE c.id = ANY($1::uuid[]) AND p.tenant_id = c.tenant_id"
                        " AND p.id = c.subject_id",
                        chunk,
                        born,
                    )
        for tenant_id, info in tenants.items():
            await admin.execute(
                "INSERT INTO retention_confirmations (id, tenant_id, confirmed_by, cases_due,"
                " retention_years, retention_birthday)"
                " VALUES (gen_random_uuid(), $1, $2, 0, 6, 25)",
                tenant_id,
                info["staff"][-1],
            )
        await admin.execute("VACUUM ANALYZE")
    finally:
        await admin.close()


async def _sweep(tenants: dict[UUID, dict[str, Any]], workers: int) -> tuple[int, float, int, int]:
    """Each tenant's sweep in its own tenant transaction, ``workers`` tenants at a time, as
    the daily job's fan-out runs them on a worker of that concurrency (one task a tenant)."""
    from confide.platform.core.db import close_pool, start_pool, tenant_transaction
    from confide.platform.retention.services import sweep

    queue = list(tenants)

    async def work() -> int:
        erased = 0
        while queue:
            async with tenant_transaction(queue.pop()):
                erased += (await sweep())["erased"]
        return erased

    await start_pool()
    try:
        before = _rss_kib("VmRSS")
        _reset_peak()
        started = time.perf_counter()
        erased = sum(await asyncio.gather(*(work() for _ in range(workers))))
        elapsed = time.perf_counter() - started
        return erased, elapsed, before, _rss_kib("VmHWM")
    finally:
        await close_pool()


async def _check(erase: int) -> tuple[int, int]:
    admin = await asyncpg.connect(BENCH_URL)
    try:
        facts = await admin.fetchval("SELECT count(*) FROM retention_facts")
        entries = await admin.fetchval(
            "SELECT count(*) FROM audit_entries WHERE action = 'case_erased'"
        )
        return int(facts), int(entries)
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in all")
    parser.add_argument("--erase", type=int, default=None, help="past retention (a tenth)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="tenants swept at once, as a worker of that concurrency runs the fan-out"
        " (default: the cores, Celery's default)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (drop it later)")
    options = parser.parse_args()
    erase = options.erase if options.erase is not None else options.cases // 10
    rng = random.Random(options.seed)
    environment(max(2, options.workers))
    asyncio.run(create())
    try:
        print(machine(), flush=True)
        tenants = prepare(options.cases, rng, contacts=1)
        started = time.perf_counter()
        asyncio.run(_age(tenants, erase, rng))
        print(f"aged {erase:,} cases past retention: {time.perf_counter() - started:.1f} s")
        erased, elapsed, before, peak = asyncio.run(_sweep(tenants, options.workers))
        facts, entries = asyncio.run(_check(erase))
        assert erased == erase == facts == entries, (erased, erase, facts, entries)
        print(
            f"retention sweep: erased {erased:,} of {options.cases:,} cases in {elapsed:.1f} s"
            f" with {options.workers} tenants at a time"
            f" ({erased / elapsed:,.0f} cases/s; goal: 100,000 of 1,000,000 under 60 s);"
            f" resident memory {before / 1024:.0f} MiB before, peak {peak / 1024:.0f} MiB"
            f" during the sweep; {facts:,} facts and {entries:,} audit entries written"
        )
    finally:
        if options.keep:
            print(f"kept: database {DATABASE}")
        else:
            asyncio.run(drop())


if __name__ == "__main__":
    main()
