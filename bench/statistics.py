"""The annual return (issue 18, rule 12): a year's return over one tenant with ``--cases``
cases (goal: 1,000,000 cases and 5,000,000 contacts, under 2 s to compute including
suppression) and the managers' report (goal: under 300 ms).

Builds its own database (``bench/_setup.py``: the real ``confide migrate`` and ``confide
tenants create``, one tenant, one case a person, opened over the last 2,000 days, with
``--contacts`` contacts each), then, in one tenant transaction each as a request would:
the last calendar year's figures alone (the one statement), the first release of that
year (figures, disclosure control over every table, CSV and workbook, kept and audited),
the same release asked for again (the kept one), and the managers' report over the last
12 weeks. Drops everything at the end.

    .venv/bin/python bench/statistics.py                          # 1,000,000 cases
    .venv/bin/python bench/statistics.py --cases 20000 --contacts 2
    bash bench/run --only statistics --cases 20000
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import timedelta
from typing import Any
from uuid import UUID

import _setup
from _setup import DATABASE, create, drop, environment, machine, prepare


async def _measure(tenant_id: UUID, manager_id: UUID) -> dict[str, Any]:
    from confide.platform.core.clock import service_today
    from confide.platform.core.db import close_pool, start_pool, tenant_transaction
    from confide.platform.identity.staff import get_staff
    from confide.platform.statistics import services

    year = service_today().year - 1
    today = service_today()
    await start_pool()
    try:
        async with tenant_transaction(tenant_id):
            manager = await get_staff(manager_id)
        assert manager is not None
        timings: dict[str, Any] = {"year": year}
        started = time.perf_counter()
        async with tenant_transaction(tenant_id):
            figures = await services.year_figures(year)
        timings["figures_s"] = time.perf_counter() - started
        timings["cases"] = figures.cases
        started = time.perf_counter()
        async with tenant_transaction(tenant_id):
            first = (await services.make_release(year, manager))[0]
        timings["first_release_s"] = time.perf_counter() - started
        timings["hidden"] = sum(r.suppressed for r in services.readable(first).releases)
        started = time.perf_counter()
        async with tenant_transaction(tenant_id):
            again = await services.released(year, manager)
        timings["kept_release_s"] = time.perf_counter() - started
        assert again.csv_sha256 == first.csv_sha256
        started = time.perf_counter()
        async with tenant_transaction(tenant_id):
            await services.service_report(today - timedelta(weeks=12), today, manager)
        timings["report_s"] = time.perf_counter() - started
        return timings
    finally:
        await close_pool()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the tenant")
    parser.add_argument("--contacts", type=int, default=5, help="contacts on every case")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--keep", action="store_true", help="keep the database (drop it later)")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    _setup.TENANTS = 1  # the goal is for one tenant's cases
    environment(2)
    asyncio.run(create())
    try:
        print(machine(), flush=True)
        tenants = prepare(options.cases, rng, leakproof_trigram=False, contacts=options.contacts)
        [(tenant_id, info)] = tenants.items()
        t = asyncio.run(_measure(tenant_id, info["staff"][-1]))
        print(
            f"annual return {t['year']} over {options.cases:,} cases"
            f" ({options.cases * options.contacts:,} contacts; {t['cases']:,} opened that year):"
            f" figures {t['figures_s'] * 1000:.0f} ms; first release (figures, disclosure"
            f" control, CSV and workbook, kept) {t['first_release_s'] * 1000:.0f} ms"
            f" (goal: under 2 s at 1,000,000 cases), {t['hidden']} figures hidden; kept release"
            f" again {t['kept_release_s'] * 1000:.0f} ms; managers' report (12 weeks)"
            f" {t['report_s'] * 1000:.0f} ms (goal: under 300 ms)"
        )
    finally:
        if options.keep:
            print(f"kept: database {DATABASE}")
        else:
            asyncio.run(drop())


if __name__ == "__main__":
    main()
