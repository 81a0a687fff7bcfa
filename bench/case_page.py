"""The case page under load: p50/p95/p99 and pages per second (a script, not a test).

Sets up its own database as ``bench/search.py`` does (``bench/_setup.py``: the real
``confide migrate`` and ``confide tenants create``, 20 tenants, ``--people`` people in
all, each the subject of a case assigned to one of six caseworkers), with ``--contacts``
contacts and ``--notes`` notes on every case so the page has a timeline. Then starts the
real app (``confide serve`` on a free loopback port, Redis for its sessions under a key
prefix of this run), starts sessions for every tenant's caseworkers straight in the
session store (no browser sign-in), and sends ``GET /t/<slug>/cases/<id>`` for cases
the caseworker is assigned to, ``--workers`` at a time with httpx, ``--pages`` requests
in all, then ``--alone`` one at a time. Each page is a real audited read. Stops the
server, deletes its Redis keys and drops everything at the end.

    .venv/bin/python bench/case_page.py                  # 1,000,000 people
    .venv/bin/python bench/case_page.py --people 100000

The target (issue): the case page under 50 ms p95 at 32 concurrent requests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from typing import Any
from uuid import UUID

import httpx
from _served import SERVED_SETTINGS, clear_redis, free_port, serve, sessions, stop
from _setup import (
    APP_ROLE,
    DATABASE,
    OWNER_ROLE,
    cpu_seconds,
    create,
    database_cpu,
    drop,
    environment,
    machine,
    machine_busy,
    percentile,
    prepare,
)


def requests(
    tenants: dict[UUID, dict[str, Any]],
    tokens: dict[UUID, list[str]],
    count: int,
    rng: random.Random,
) -> list[tuple[str, str]]:
    """(path, session token): a random tenant, a case there, its caseworker's session."""
    chosen = []
    tenant_ids = list(tenants)
    for _ in range(count):
        tenant = rng.choice(tenant_ids)
        case_id, worker = rng.choice(tenants[tenant]["cases"])
        chosen.append((f"/t/{tenants[tenant]['slug']}/cases/{case_id}", tokens[tenant][worker]))
    return chosen


async def load(
    base: str, work: list[tuple[str, str]], workers: int, alone: int, server: int
) -> list[tuple[int, list[float], float, tuple[float, float, float, float]]]:
    """Warm up, then ``work`` ``workers`` at a time, then ``alone`` one at a time. Per run:
    (concurrency, latencies ms, seconds, CPU seconds of the app, this client, PostgreSQL's
    backends for the bench database, the whole machine)."""
    failures: list[int] = []

    async def run(
        client: httpx.AsyncClient, items: list[tuple[str, str]], concurrency: int
    ) -> tuple[list[float], float]:
        queue = list(reversed(items))
        latencies: list[float] = []

        async def worker() -> None:
            while queue:
                path, token = queue.pop()
                started = time.perf_counter()
                response = await client.get(path, headers={"cookie": f"confide_session={token}"})
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:  # 403: restricted; 303/401: no session
                    failures.append(response.status_code)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - started

    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        warm, work = work[: workers * 4], work[workers * 4 :]
        await run(client, warm, workers)
        results = []
        for concurrency, items in ((workers, work[alone:]), (1, work[:alone])):
            database = database_cpu()
            before = (cpu_seconds(server), time.process_time(), machine_busy())
            latencies, elapsed = await run(client, items, concurrency)
            after = (cpu_seconds(server), time.process_time(), machine_busy())
            database_used = sum(v - database.get(k, 0.0) for k, v in database_cpu().items())
            cpu = (after[0] - before[0], after[1] - before[1], database_used, after[2] - before[2])
            results.append((concurrency, latencies, elapsed, cpu))
    if failures:
        raise RuntimeError(f"{len(failures)} pages failed, e.g. HTTP {failures[:5]}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=4, help="contacts on every case")
    parser.add_argument("--notes", type=int, default=2, help="notes on every case")
    parser.add_argument("--pages", type=int, default=3000, help="requests at --workers at once")
    parser.add_argument("--alone", type=int, default=300, help="then requests one at a time")
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--pool", type=int, default=32, help="the server's database pool")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--keep", action="store_true", help="keep the database (drop it later)")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    environment(options.pool, SERVED_SETTINGS)
    asyncio.run(create())
    server = None
    try:
        print(machine(), flush=True)
        tenants = prepare(options.people, rng, contacts=options.contacts, notes=options.notes)
        tokens = asyncio.run(sessions(tenants))
        port = free_port()
        server = serve(port)
        work = requests(tenants, tokens, options.pages + options.alone + options.workers * 4, rng)
        results = asyncio.run(
            load(f"http://127.0.0.1:{port}", work, options.workers, options.alone, server.pid)
        )
        for concurrency, latencies, elapsed, (app, client, database, busy) in results:
            p50, p95, p99 = (percentile(latencies, f) for f in (0.50, 0.95, 0.99))
            n = len(latencies)
            print(
                f"case page, {len(latencies):,} requests, {concurrency} at a time:"
                f" p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms,"
                f" {len(latencies) / elapsed:.0f} pages/s;"
                f" CPU per page: app {app / n * 1000:.1f} ms, PostgreSQL"
                f" {database / n * 1000:.1f} ms, this client {client / n * 1000:.1f} ms;"
                f" cores busy: app {app / elapsed:.2f}, PostgreSQL {database / elapsed:.2f},"
                f" whole machine {busy / elapsed:.2f} of {os.cpu_count()}"
            )
    finally:
        if server is not None:
            stop(server)
        clear_redis()
        if options.keep:
            print(f"kept: database {DATABASE}, roles {OWNER_ROLE}, {APP_ROLE}")
        else:
            asyncio.run(drop())


if __name__ == "__main__":
    main()
