"""The consent-review job (issue 15, rule 24): one tenant with ``--cases`` open cases
(goal: 200,000 under 30 s), each with a current consent whose review falls due anywhere
from 60 days ago to a year ahead, so about a fifth fall within the 28 days' notice.

Builds its own database (``bench/_setup.py``: the real ``confide migrate`` and ``confide
tenants create``, one tenant, one case a person), gives every case a consent as the
superuser (COPY), then runs ``tasks.services.make_review_tasks`` (the daily job's work) in
one tenant transaction, as the worker does, and again (nothing new: the source key). Reports
both times, the tasks made and this process's peak resident memory, and checks that every
due consent has exactly one task. Drops everything at the end.

    .venv/bin/python bench/consent_reviews.py                   # 200,000 cases
    .venv/bin/python bench/consent_reviews.py --cases 20000     # a smaller run
    bash bench/run --only consent-reviews
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import _setup
import asyncpg
from _setup import BENCH_URL, DATABASE, create, drop, environment, machine, prepare

NOTICE_DAYS = 28  # the policy's default consent_review_notice_days


async def _consents(tenants: dict[UUID, dict[str, Any]], rng: random.Random) -> int:
    """A first consent on every case, its review due between 60 days ago and a year ahead;
    how many fall due within the notice (the tasks the job must make)."""
    from confide.platform.core.clock import service_today

    today = service_today()
    admin = await asyncpg.connect(BENCH_URL)
    due = 0
    try:
        await admin.execute("SET session_replication_role = replica")
        for tenant_id, info in tenants.items():
            records = []
            for case_id, worker in info["cases"]:
                review_due = today + timedelta(days=rng.randint(-60, 365))
                given_on = review_due - timedelta(days=365)
                due += review_due <= today + timedelta(days=NOTICE_DAYS)
                records.append(
                    (tenant_id, uuid4(), case_id, 1, "full", "parent", "verbal", given_on,
                     review_due, info["staff"][worker])
                )  # fmt: skip
            await admin.copy_records_to_table(
                "consents",
                columns=["tenant_id", "id", "case_id", "version", "decision", "given_by",
                         "method", "given_on", "review_due", "recorded_by"],
                records=records,
            )  # fmt: skip
        await admin.execute("VACUUM ANALYZE consents")
    finally:
        await admin.close()
    return due


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


async def _job(tenant_id: UUID) -> tuple[dict[str, int], float, dict[str, int], float]:
    from confide.platform.core.db import close_pool, start_pool, tenant_transaction
    from confide.platform.tasks.services import make_review_tasks

    await start_pool()
    try:
        started = time.perf_counter()
        async with tenant_transaction(tenant_id):
            first = await make_review_tasks()
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        async with tenant_transaction(tenant_id):
            again = await make_review_tasks()
        return first, first_s, again, time.perf_counter() - started
    finally:
        await close_pool()


async def _check(tenant_id: UUID) -> tuple[int, int]:
    admin = await asyncpg.connect(BENCH_URL)
    try:
        row = await admin.fetchrow(
            "SELECT count(*) AS tasks, count(DISTINCT case_id) AS cases FROM tasks"
            " WHERE tenant_id = $1 AND kind = 'consent_review'",
            tenant_id,
        )
        return int(row["tasks"]), int(row["cases"])
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=200_000, help="open cases in the tenant")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database (drop it later)")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    _setup.TENANTS = 1  # the goal is for one tenant's cases
    environment(2)
    asyncio.run(create())
    try:
        print(machine(), flush=True)
        tenants = prepare(options.cases, rng, leakproof_trigram=False)
        [(tenant_id, _)] = tenants.items()
        started = time.perf_counter()
        due = asyncio.run(_consents(tenants, rng))
        print(f"{options.cases:,} consents (COPY), {due:,} due within {NOTICE_DAYS} days:"
              f" {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        first, first_s, again, again_s = asyncio.run(_job(tenant_id))
        tasks, cases = asyncio.run(_check(tenant_id))
        assert first["tasks_made"] == due == tasks == cases, (first, due, tasks, cases)
        assert again["tasks_made"] == 0, again
        print(
            f"consent-review job: {first['tasks_made']:,} tasks made over {options.cases:,}"
            f" open cases in {first_s:.1f} s (goal: 200,000 cases under 30 s); run again:"
            f" {again['tasks_made']} made in {again_s:.1f} s; peak resident memory"
            f" {_rss_kib('VmHWM') / 1024:.0f} MiB"
        )
    finally:
        if options.keep:
            print(f"kept: database {DATABASE}")
        else:
            asyncio.run(drop())


if __name__ == "__main__":
    main()
