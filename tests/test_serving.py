"""`confide serve` on several processes answers a keep-alive connection as fast as one.

uvicorn's workers once kept Nagle's algorithm on every connection (the listening
socket they share is made with protocol 0, so asyncio never set ``TCP_NODELAY``):
each request after a connection's first then waited for the client's delayed ACK,
about 40 ms. The median of 20 sequential requests on one connection tells the two
apart by an order of magnitude, whatever else the machine is doing.
"""

from __future__ import annotations

import http.client
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from confide.platform.core.serving import processes
from tests.served import Served, serving


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture(scope="module")
def two_processes(database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    log = tmp_path_factory.mktemp("served") / "server.log"
    with serving(log, {"CONFIDE_WEB_WORKERS": "2"}) as served:
        yield served


def _keep_alive_times(served: Served, count: int) -> list[float]:
    """Seconds for each of ``count`` requests after the first, on one connection."""
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    try:
        times = []
        for _ in range(count + 1):
            started = time.perf_counter()
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            times.append(time.perf_counter() - started)
        return times[1:]
    finally:
        conn.close()


def test_two_processes_run(two_processes: Served) -> None:
    deadline = time.monotonic() + 10
    while len(_children(two_processes.proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(_children(two_processes.proc.pid)) >= 2


def test_keep_alive_requests_on_several_processes_are_not_held_by_nagle(
    two_processes: Served,
) -> None:
    times = _keep_alive_times(two_processes, 20)
    # With the stall every one takes 40 ms or more; without it, a few milliseconds.
    assert statistics.median(times) < 0.02, [round(t * 1000, 1) for t in times]


def test_auto_runs_one_process_per_core() -> None:
    assert processes("auto") == len(os.sched_getaffinity(0))
    assert processes(3) == 3


def test_a_stopped_server_logs_no_error(database: Any, tmp_path: Path) -> None:
    """SIGTERM closes the pool within its deadline and says nothing alarming (the shutdown
    hook once handed the app to ``close_pool`` as its deadline: a TypeError each stop)."""
    log = tmp_path / "server.log"
    with serving(log) as served:
        assert _keep_alive_times(served, 1)
    text = log.read_text()
    assert '"level": "error"' not in text
    assert "Traceback" not in text
