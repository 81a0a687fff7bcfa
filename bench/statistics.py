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
import os
import time
from datetime import timedelta
from typing import Any
from uuid import UUID

import _setup
from _setup import confide, create, drop, environment, machine, prepare


async def _fresh(tenant_id: UUID) -> tuple[int, int]:
    """Remove the bench's kept releases (a kept run measured again makes its first release
    again) and count what is there: the tenant's cases and contacts."""
    import asyncpg

    admin = await asyncpg.connect(_setup.BENCH_URL)
    try:
        await admin.execute("SET session_replication_role = replica")  # past the guards
        await admin.execute("DELETE FROM statistics_releases WHERE tenant_id = $1", tenant_id)
        cases = await admin.fetchval("SELECT count(*) FROM cases WHERE tenant_id = $1", tenant_id)
        contacts = await admin.fetchval(
            "SELECT count(*) FROM case_contacts WHERE tenant_id = $1", tenant_id
        )
    finally:
        await admin.close()
    return int(cases), int(contacts)


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
        all_cases, all_contacts = await _fresh(tenant_id)
        timings: dict[str, Any] = {
            "year": year,
            "all_cases": all_cases,
            "all_contacts": all_contacts,
        }
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


async def _kept_tenant() -> dict[UUID, dict[str, Any]]:
    """The kept run's tenant and its staff (the manager last), as ``seed_bulk`` returned."""
    import asyncpg

    admin = await asyncpg.connect(_setup.BENCH_URL)
    try:
        rows = await admin.fetch(
            "SELECT t.id AS tenant, t.slug, s.id FROM tenants t"
            " JOIN staff_users s ON s.tenant_id = t.id WHERE t.slug LIKE 'bench%'"
            " ORDER BY s.roles::text LIKE '%manager%', s.display_name"
        )
    finally:
        await admin.close()
    tenant = rows[0]["tenant"]
    return {tenant: {"slug": rows[0]["slug"], "staff": [r["id"] for r in rows]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the tenant")
    parser.add_argument("--contacts", type=int, default=5, help="contacts on every case")
    parser.add_argument("--keep", action="store_true", help="keep the database (drop it later)")
    parser.add_argument(
        "--reuse", metavar="RUN", help="measure a kept run's database again (--keep printed it)"
    )
    parser.add_argument("--drop", action="store_true", help="with --reuse: drop it after")
    options = parser.parse_args()
    _setup.TENANTS = 1  # the goal is for one tenant's cases
    if options.reuse:
        _setup.use_run(options.reuse)
    environment(2)
    if not options.reuse:
        asyncio.run(create())
    keep = options.keep or (options.reuse and not options.drop)
    try:
        print(machine(), f"load {_load()}", flush=True)
        if options.reuse:
            started = time.perf_counter()
            confide("migrate")  # what has landed since it was built
            print(f"confide migrate: {time.perf_counter() - started:.1f} s", flush=True)
            tenants = asyncio.run(_kept_tenant())
        else:
            tenants = prepare(
                options.cases, leakproof_trigram=False, bulk=True, contacts=options.contacts
            )
        [(tenant_id, info)] = tenants.items()
        t = asyncio.run(_measure(tenant_id, info["staff"][-1]))
        print(
            f"annual return {t['year']} over {t['all_cases']:,} cases"
            f" ({t['all_contacts']:,} contacts; {t['cases']:,} opened that year):"
            f" figures {t['figures_s'] * 1000:.0f} ms; first release (figures, disclosure"
            f" control, CSV and workbook, kept) {t['first_release_s'] * 1000:.0f} ms"
            f" (goal: under 2 s at 1,000,000 cases), {t['hidden']} figures hidden; kept release"
            f" again {t['kept_release_s'] * 1000:.0f} ms; managers' report (12 weeks)"
            f" {t['report_s'] * 1000:.0f} ms (goal: under 300 ms); load {_load()}"
        )
    finally:
        if keep:
            print(f"kept: database {_setup.DATABASE} (--reuse {_setup.RUN}; --drop to drop it)")
        else:
            asyncio.run(drop())


def _load() -> str:
    """The machine's load averages (1, 5, 15 minutes): other work shares its cores."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


if __name__ == "__main__":
    main()
