"""Every hot path against the bare endpoint, in one run, on one dataset: one table.

Builds its own database (``bench/_setup.py``: the real ``confide migrate`` and
``confide tenants create``, 20 tenants, ``--people`` people in all, each the subject of
a case with a timeline), writes a session for every caseworker straight into the store,
and serves both the real app (``confide serve``) and ``bench/bare.py`` (the least a
tenant-scoped read can do) with the same processes, pool and protocol. Each path is
then loaded at ``--connections`` for ``--seconds`` and, for latency, one request at a
time. The table gives requests a second, the ratio to the bare endpoint (the goal
beside it), p50/p99 one at a time, and CPU per request of the app and of PostgreSQL.
The ``floor`` row is the bare read plus only what the policy makes every case read do
(session, checks, need-to-know, the audit entry: ``bench/bare.py``): the case API's
ceiling, however lean the app around it becomes.

The load comes from ``wrk`` (a compiled client that costs the server little CPU) when
it is installed; otherwise from a Python client, with a warning: on a small machine that
client's own CPU, about 3 ms a request, is more than a page costs.

    bash bench/run                        # the table, written to bench/last-run.md too
    bash bench/run --processes 2          # confide serve on two processes
    bash bench/run --only search-service  # an earlier issue's figures (its own script)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from _served import (
    SERVED_SETTINGS,
    clear_redis,
    free_port,
    serve,
    sessions,
    stop,
    tree_cpu,
)
from _setup import create, database_cpu, drop, environment, machine, prepare

HERE = Path(__file__).resolve().parent

# The earlier issues' own benchmarks, run whole by --only NAME.
SCRIPTS = {
    "search-service": "search.py",
    "search-recall": "search_recall.py",
    "case-page-load": "case_page.py",
    "cold-start": "cold_start.py",
    "retention": "retention.py",
    "consent-reviews": "consent_reviews.py",
    "bundle": "bundle.py",
    "statistics": "statistics.py",
}


# Each path's goal as a share of the bare endpoint's requests a second (issue 13).
GOALS = {"case-api": 0.50, "case-page": 0.40}


@dataclass
class Figures:
    name: str
    per_second: float
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    app_cpu_ms: float
    database_cpu_ms: float


def _paths(
    name: str,
    tenants: dict[UUID, dict[str, Any]],
    tokens: dict[UUID, list[str]],
    rng: random.Random,
) -> list[tuple[str, str]]:
    """(path, session token) pairs for one path, spread over tenants, cases and staff."""
    chosen = []
    tenant_ids = list(tenants)
    for _ in range(2000):
        tenant = rng.choice(tenant_ids)
        info = tenants[tenant]
        slug = info["slug"]
        case_id, worker = rng.choice(info["cases"])
        token = tokens[tenant][worker]
        if name == "bare":
            chosen.append((f"/t/{slug}/bare", ""))
        elif name == "floor":
            chosen.append((f"/t/{slug}/floor/{case_id}", token))
        elif name == "case-api":
            chosen.append((f"/t/{slug}/api/cases/{case_id}", token))
        elif name == "case-page":
            chosen.append((f"/t/{slug}/cases/{case_id}", token))
        elif name == "dashboard":
            chosen.append((f"/t/{slug}/dashboard", token))
        elif name == "search":
            first, last = rng.choice(info["names"])
            query = f"{first} {last}" if rng.random() < 0.8 else last
            chosen.append((f"/t/{slug}/search?q={query.replace(' ', '+')}", token))
    return chosen


def _cookie(token: str) -> str:
    """The cookies a signed-in browser sends: its session and the CSRF cookie the first page
    set (without it, every answer would set one, which no browser after its first page
    costs the server)."""
    if not token:
        return ""
    from litestar.middleware.csrf import generate_csrf_token

    from confide.platform.app import CSRF_COOKIE
    from confide.platform.core.settings import get_settings

    csrf = generate_csrf_token(get_settings().core.require_secret_key())
    return f"confide_session={token}; {CSRF_COOKIE}={csrf}"


def _lua(pairs: list[tuple[str, str]], folder: Path) -> Path:
    """A wrk script that sends the pairs in turn, each with a browser's cookies."""
    rows = ",\n".join(f'  {{"{path}", "{_cookie(token)}"}}' for path, token in pairs)
    script = folder / "paths.lua"
    script.write_text(
        f"local paths = {{\n{rows}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        "  local headers = {}\n"
        '  if paths[i][2] ~= "" then headers["Cookie"] = paths[i][2] end\n'
        '  return wrk.format("GET", paths[i][1], headers)\n'
        "end\n"
    )
    return script


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk(
    url: str, script: Path, connections: int, seconds: float
) -> tuple[int, int, dict[str, float]]:
    """Requests done, non-2xx/3xx answers and socket errors, and latency percentiles (ms)."""
    done = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "30s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(
        int(n)
        for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out)
        + re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
    )
    latency = {p: _ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    return requests, errors, latency


async def _python_client(
    url: str, pairs: list[tuple[str, str]], connections: int, seconds: float
) -> tuple[int, int, dict[str, float]]:
    """The fallback load: httpx, ``connections`` at a time, for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def worker(offset: int) -> None:
            nonlocal errors
            n = offset
            while time.monotonic() < deadline:
                path, token = pairs[n % len(pairs)]
                n += connections
                headers = {"cookie": _cookie(token)} if token else {}
                started = time.perf_counter()
                response = await client.get(path, headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code >= 400

        await asyncio.gather(*(worker(i) for i in range(connections)))
    ordered = sorted(latencies)
    pick = lambda f: ordered[min(len(ordered) - 1, int(f * len(ordered)))]  # noqa: E731
    return len(latencies), errors, {"50": pick(0.50), "99": pick(0.99)}


def _load(
    url: str, pairs: list[tuple[str, str]], connections: int, seconds: float, folder: Path
) -> tuple[int, int, dict[str, float]]:
    if shutil.which("wrk"):
        return _wrk(url, _lua(pairs, folder), connections, seconds)
    return asyncio.run(_python_client(url, pairs, connections, seconds))


# When a load ends, the server still works through the requests its clients gave up on (up
# to --connections of them): the next phase waits for that, or they overlap with it. On a
# slow path they did: more requests waited for the pool than it queues (503 PoolBusy at the
# start of the measured load), and the first requests one at a time waited behind them.
SETTLE_SECONDS = 1.0


def _profile(name: str, server: int, options: argparse.Namespace) -> subprocess.Popen[bytes] | None:
    """With --profile: py-spy samples the server under the load into one folded-stacks file
    per path (flamegraph.pl or speedscope read it). Its sampling costs the server little, but
    read the figures of a profiled run as a profile, not as the table."""
    if not options.profile or name.startswith("bare"):
        return None
    options.profile.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            options.profile_with,
            "record",
            "--pid",
            str(server),
            "--subprocesses",
            "--rate",
            "250",
            "--duration",
            str(max(1, round(options.seconds))),
            "--format",
            "raw",
            "--output",
            str(options.profile / f"{name}.folded"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure(
    name: str, url: str, pairs: list[tuple[str, str]], server: int, options: argparse.Namespace
) -> Figures:
    """One path: warm up, load at --connections (throughput, CPU), then one at a time."""
    with tempfile.TemporaryDirectory() as folder:
        _load(url, pairs, options.connections, 2, Path(folder))
        time.sleep(SETTLE_SECONDS)
        database, app = database_cpu(), tree_cpu(server)
        profiler = _profile(name, server, options)
        requests, errors, _ = _load(url, pairs, options.connections, options.seconds, Path(folder))
        app_used = tree_cpu(server) - app
        if profiler:
            profiler.wait()
        database_used = sum(v - database.get(k, 0.0) for k, v in database_cpu().items())
        time.sleep(SETTLE_SECONDS)
        alone, alone_errors, latency = _load(url, pairs, 1, options.seconds / 2, Path(folder))
    return Figures(
        name=name,
        per_second=requests / options.seconds,
        requests=requests + alone,
        errors=errors + alone_errors,
        p50_ms=latency.get("50", 0.0),
        p99_ms=latency.get("99", 0.0),
        app_cpu_ms=app_used / max(requests, 1) * 1000,
        database_cpu_ms=database_used / max(requests, 1) * 1000,
    )


def table(rows: list[Figures], options: argparse.Namespace) -> str:
    bares = [r.per_second for r in rows if r.name.startswith("bare")]
    bare = sum(bares) / len(bares)
    lines = [
        f"{options.people:,} people in 20 tenants,"
        f" {options.processes} web process(es), pool {options.pool},"
        f" {options.connections} connections for {options.seconds:g} s"
        f" ({'wrk' if shutil.which('wrk') else 'Python client'}); {machine()}",
        "",
        "| path | requests/s | of bare | goal | p50 alone | p99 alone"
        " | app CPU/request | PostgreSQL CPU/request | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ratio = f"{r.per_second / bare:.0%}" if bare else "-"
        goal = f"≥ {GOALS[r.name]:.0%}" if r.name in GOALS else ""
        lines.append(
            f"| {r.name} | {r.per_second:,.0f} | {ratio} | {goal} | {r.p50_ms:.1f} ms"
            f" | {r.p99_ms:.1f} ms | {r.app_cpu_ms:.2f} ms | {r.database_cpu_ms:.2f} ms"
            f" | {r.errors} |"
        )
    return "\n".join(lines)


PATHS = ("bare", "floor", "case-api", "case-page", "dashboard", "search")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=1, help="web processes for each server")
    parser.add_argument("--pool", type=int, default=10, help="database pool of each process")
    parser.add_argument(
        "--only",
        choices=[*PATHS, *SCRIPTS],
        action="append",
        help="a path of the table, or an earlier issue's benchmark script (repeatable)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "last-run.md")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument(
        "--profile",
        type=Path,
        help="a folder: py-spy (pip install py-spy) samples each path's load into NAME.folded",
    )
    options, rest = parser.parse_known_args()
    options.profile_with = shutil.which("py-spy") or ""
    if options.profile and not options.profile_with:
        parser.error("--profile needs py-spy on PATH (pip install py-spy)")
    only = options.only or list(PATHS)
    for name in [n for n in only if n in SCRIPTS]:
        subprocess.run([sys.executable, str(HERE / SCRIPTS[name]), *rest], check=True)
    paths = [n for n in PATHS if n in only]
    if not paths:
        return
    # The bare endpoint first and last: the ratios are to the mean of the two, so a
    # machine that got busier during the run moves both sides.
    paths = ["bare", *[n for n in paths if n != "bare"], "bare, again"]
    if not shutil.which("wrk"):
        print(
            "warning: wrk is not installed (apt install wrk); the Python client's own CPU"
            " competes with the server, so requests/s will read low",
            file=sys.stderr,
        )
    rng = random.Random(options.seed)
    environment(
        options.pool,
        {**SERVED_SETTINGS, "CONFIDE_WEB_WORKERS": str(options.processes)},
    )
    asyncio.run(create())
    servers: list[Any] = []
    try:
        tenants = prepare(options.people, rng, contacts=4, notes=2)
        tokens = asyncio.run(sessions(tenants))
        confide_port, bare_port = free_port(), free_port()
        servers.append(confide := serve(confide_port))
        bare_command = [
            sys.executable,
            "-m",
            "uvicorn",
            "bare:create_app",
            "--factory",
            "--app-dir",
            str(HERE),
            "--port",
            str(bare_port),
            "--workers",
            str(options.processes),
            "--http",
            "confide.platform.core.serving:NoDelayH11Protocol",
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        servers.append(bare := serve(bare_port, bare_command))
        rows = []
        for name in paths:
            if name.startswith("bare") or name == "floor":
                pairs = _paths(name.split(",")[0], tenants, tokens, rng)
                server, port = bare, bare_port
            else:
                server, port, pairs = confide, confide_port, _paths(name, tenants, tokens, rng)
            figures = measure(name, f"http://127.0.0.1:{port}", pairs, server.pid, options)
            print(f"{name}: {figures.per_second:,.0f}/s", flush=True)
            rows.append(figures)
        text = table(rows, options)
        print(text)
        options.out.write_text(text + "\n")
        print(f"written to {options.out}")
        if any(r.errors for r in rows):
            sys.exit("some requests failed: see the errors column")
    finally:
        for server in servers:
            stop(server)
        clear_redis()
        asyncio.run(drop())


if __name__ == "__main__":
    main()
