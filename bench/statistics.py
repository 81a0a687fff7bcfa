"""The annual return (issue 18, rule 12): a year's return over one tenant with ``--cases``
cases (goal: 1,000,000 cases and 5,000,000 contacts, under 2 s to compute including
suppression) and the managers' report (goal: under 300 ms).

Builds its own database (``bench/_setup.py``: the real ``confide migrate`` and ``confide
tenants create``, then ``seed_bulk``: one tenant's schools, children and cases opened over
the last 2,000 days, with ``--contacts`` contacts each, made inside PostgreSQL: about 5
minutes for 1,000,000 cases), then, in one tenant transaction each as a request would:
the last calendar year's figures alone (the one statement), the first release of that
year (figures, disclosure control over every table, CSV and workbook, kept and audited),
the same release asked for again (the kept one), and the managers' report over the last
12 weeks; a contact recorded through the casework service, with the cases' first
contacts' trigger and without it (the write path it costs); then the report's page
served by ``confide serve`` (one connection, one request at a time). Drops everything at
the end unless ``--keep``; ``--reuse RUN`` measures a kept database again (after
``confide migrate``), ``--drop`` then drops it. The machine's load is printed beside the
figures: others may be using its cores.

    .venv/bin/python bench/statistics.py                          # 1,000,000 cases
    bash bench/run --only statistics --cases 100000 --keep        # prints its RUN
    bash bench/run --only statistics --reuse RUN [--drop]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import _setup
from _served import SERVED_SETTINGS
from _setup import (
    confide,
    create,
    database_cpu,
    drop,
    environment,
    leakproof,
    machine,
    prepare,
)


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


def _cpu() -> tuple[float, float]:
    """CPU seconds used so far by this process and by PostgreSQL's backends in the bench
    database: what a step cost, whatever else the machine's cores were doing."""
    return time.process_time(), sum(database_cpu().values())


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
        started, cpu = time.perf_counter(), _cpu()
        async with tenant_transaction(tenant_id):
            first = (await services.release_now(year, manager))[0]
        timings["first_release_s"] = time.perf_counter() - started
        timings["first_release_cpu"] = [a - b for a, b in zip(_cpu(), cpu, strict=True)]
        timings["hidden"] = sum(r.suppressed for r in services.readable(first).releases)
        started = time.perf_counter()
        async with tenant_transaction(tenant_id):
            again = await services.released(year, manager)
        timings["kept_release_s"] = time.perf_counter() - started
        assert again.csv_sha256 == first.csv_sha256
        started, cpu = time.perf_counter(), _cpu()
        async with tenant_transaction(tenant_id):
            await services.service_report(today - timedelta(weeks=12), today, manager)
        timings["report_s"] = time.perf_counter() - started
        timings["report_cpu"] = [a - b for a, b in zip(_cpu(), cpu, strict=True)]
        return timings
    finally:
        await close_pool()


async def _write_path(tenant_id: UUID, contacts: int = 200) -> dict[str, float]:
    """The cost of recording a contact (ms each): ``contacts`` incoming calls through the
    casework service, one transaction each as a request would, by the caseworker assigned
    to each open case, with the first contacts' trigger off (as before it was) and on. The
    two halves take different cases, alternating, after a few to warm up."""
    import asyncpg

    from confide.platform.casework import records
    from confide.platform.casework.schemas import ContactKind, Direction, NewContact
    from confide.platform.core.db import close_pool, start_pool, tenant_transaction
    from confide.platform.identity.staff import get_staff

    admin = await asyncpg.connect(_setup.BENCH_URL)
    await start_pool()
    try:
        rows = await admin.fetch(
            "SELECT a.case_id, a.staff_id FROM cases c JOIN case_assignments a"
            " ON a.tenant_id = c.tenant_id AND a.case_id = c.id AND a.ended_at IS NULL"
            " WHERE c.tenant_id = $1 AND c.status = 'open' ORDER BY c.id LIMIT $2",
            tenant_id, 2 * contacts + 20,
        )  # fmt: skip
        staff = {}
        async with tenant_transaction(tenant_id):
            for worker in {r["staff_id"] for r in rows}:
                staff[worker] = await get_staff(worker)
        when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        spent = {"off": 0.0, "on": 0.0}
        for n, row in enumerate(rows):
            state = "off" if n % 2 else "on"
            if n >= 20:
                trigger = "DISABLE" if state == "off" else "ENABLE"
                await admin.execute(
                    f"ALTER TABLE case_contacts {trigger} TRIGGER case_contacts_first_contacts"
                )
            contact = NewContact(kind=ContactKind.PHONE, direction=Direction.INCOMING,
                                 occurred_at=when, summary="Rang about the plan")  # fmt: skip
            started = time.perf_counter()
            async with tenant_transaction(tenant_id):
                await records.add_contact(row["case_id"], staff[row["staff_id"]], contact)
            if n >= 20:
                spent[state] += time.perf_counter() - started
        return {state: 1000 * total / ((len(rows) - 20) // 2) for state, total in spent.items()}
    finally:
        await admin.execute("ALTER TABLE case_contacts ENABLE TRIGGER case_contacts_first_contacts")
        await admin.close()
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


def _served_report(tenant_id: UUID, info: dict[str, Any], requests: int = 10) -> list[float]:
    """The managers' report page's HTTP time (ms) for each of ``requests`` GETs, one at a
    time on one connection, from ``confide serve`` signed in as the manager."""
    import httpx
    from _served import clear_redis, free_port, serve, staff_session, stop
    from suite import _cookie

    token = asyncio.run(staff_session(tenant_id, info["staff"][-1]))
    port = free_port()
    server = serve(port)
    try:
        timings = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            headers = {"cookie": _cookie(token)}
            for _ in range(requests + 1):  # the first warms the process up
                started = time.perf_counter()
                answer = client.get(f"/t/{info['slug']}/statistics/service", headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, answer.status_code
        return timings[1:]
    finally:
        stop(server)
        clear_redis()


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
    environment(2, SERVED_SETTINGS)
    if not options.reuse:
        asyncio.run(create())
    keep = options.keep or (options.reuse and not options.drop)
    try:
        print(machine(), f"load {_load()}", flush=True)
        if options.reuse:
            started = time.perf_counter()
            confide("migrate")  # what has landed since it was built
            asyncio.run(leakproof())  # as deployed, whatever the kept run was built with
            print(f"confide migrate: {time.perf_counter() - started:.1f} s", flush=True)
            tenants = asyncio.run(_kept_tenant())
        else:
            # The trigram operator made LEAKPROOF as a deployment does (docs: the superuser's
            # step), so the scale audit over this database times search as deployed.
            tenants = prepare(
                options.cases, leakproof_trigram=True, bulk=True, contacts=options.contacts
            )
        [(tenant_id, info)] = tenants.items()
        t = asyncio.run(_measure(tenant_id, info["staff"][-1]))
        release_cpu = [f"{v * 1000:.0f}" for v in t["first_release_cpu"]]
        report_cpu = [f"{v * 1000:.0f}" for v in t["report_cpu"]]
        print(
            f"annual return {t['year']} over {t['all_cases']:,} cases"
            f" ({t['all_contacts']:,} contacts; {t['cases']:,} opened that year):"
            f" figures {t['figures_s'] * 1000:.0f} ms; first release (figures, disclosure"
            f" control, CSV and workbook, kept) {t['first_release_s'] * 1000:.0f} ms"
            f" (goal: under 2 s at 1,000,000 cases; CPU: Python {release_cpu[0]} ms,"
            f" PostgreSQL {release_cpu[1]} ms),"
            f" {t['hidden']} figures hidden; kept release"
            f" again {t['kept_release_s'] * 1000:.0f} ms; managers' report (12 weeks)"
            f" {t['report_s'] * 1000:.0f} ms (goal: under 300 ms; CPU: Python"
            f" {report_cpu[0]} ms, PostgreSQL {report_cpu[1]} ms);"
            f" load {_load()}",
            flush=True,
        )
        written = asyncio.run(_write_path(tenant_id))
        print(
            f"a contact recorded (the casework service, one transaction each, alternating):"
            f" {written['on']:.2f} ms with the first contacts' trigger,"
            f" {written['off']:.2f} ms without it; load {_load()}",
            flush=True,
        )
        page = sorted(_served_report(tenant_id, info))
        print(
            f"managers' report page over HTTP (confide serve, 12 weeks, {len(page)} requests"
            f" one at a time): median {page[len(page) // 2]:.0f} ms, slowest {page[-1]:.0f} ms"
            f" (goal: under 300 ms); load {_load()}"
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
