"""The fault suite: Confide on its own PostgreSQL and Redis, under load, with faults injected.

Every test here is marked ``faults``. One stack serves the whole suite; each test
brings every part back up first. What clients saw during each fault and how long
recovery took is printed at the end of the run and kept, with the logs, in
``tests/faults/artifacts/``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.faults.load import Client, Load, notes_by_marker, signed_in
from tests.faults.stack import Stack, build

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"  # the run's logs and observations, kept for a look afterwards
OBSERVED: dict[str, dict[str, Any]] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.faults)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if OBSERVED:
        terminalreporter.section("faults: what clients saw, and recovery")
        for name, seen in OBSERVED.items():
            terminalreporter.write_line(f"{name}: {json.dumps(seen)}")


@pytest.fixture(scope="session")
def stack(dev_idp: str) -> Iterator[Stack]:
    # Under /tmp, readable by the postgres user that runs the cluster.
    root = Path(tempfile.mkdtemp(prefix="confide-faults-", dir="/tmp"))
    root.chmod(0o755)
    built = build(root, dev_idp)
    try:
        built.start_web()
        built.start_worker()
        yield built
    finally:
        built.stop_all()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "faults.json").write_text(json.dumps(OBSERVED, indent=2))
        for log in ("web.log", "worker.log", "pg/postgres.log", "redis/redis.log"):
            if (root / log).exists():
                shutil.copy(root / log, ARTIFACTS / Path(log).name)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
async def clients(stack: Stack) -> AsyncIterator[list[Client]]:
    assert stack.web is not None
    made = [
        await signed_in(stack.web.url, "northmoor", "northmoor-cw-1"),
        await signed_in(stack.web.url, "eastdale", "eastdale-cw-1"),
    ]
    yield made
    for client in made:
        await client.http.aclose()


@pytest.fixture
async def up(stack: Stack) -> Stack:
    """The stack with every part running (a previous test may have left one down)."""
    stack.ensure_up()
    return stack


@pytest.fixture
async def load(up: Stack, clients: list[Client]) -> AsyncIterator[Load]:
    running = Load(clients)
    yield running
    await running.stop()


def observe(name: str, seen: dict[str, Any]) -> None:
    OBSERVED[name] = seen


async def observe_load(name: str, stack: Stack, load: Load, seen: dict[str, Any]) -> None:
    """Keep what clients saw, and what was saved, before any check can fail."""
    seen.update(await count_writes(stack, load))
    observe(name, seen)


async def count_writes(stack: Stack, load: Load) -> dict[str, int]:
    """Notes saved more than once, and acknowledged notes not saved exactly once."""
    found = await notes_by_marker(stack)
    return {
        "saved_twice": sum(1 for n in found.values() if n > 1),
        "acknowledged_not_once": sum(1 for _, m in load.acknowledged if found[m] != 1),
    }


async def check_writes(stack: Stack, load: Load) -> None:
    """Every acknowledged note is there exactly once; no note is there twice."""
    counted = await count_writes(stack, load)
    assert not counted["saved_twice"], f"{counted['saved_twice']} notes saved more than once"
    assert not counted["acknowledged_not_once"], "acknowledged notes missing"
    assert not load.unresolved, f"{len(load.unresolved)} writes never got an answer"


async def check_pool_full(stack: Stack) -> dict[str, Any]:
    """Quiet again, the web's pool holds no connection and none is stuck."""
    assert stack.web is not None
    async with httpx.AsyncClient(base_url=stack.web.url, timeout=10) as http:
        ready = await http.get("/readyz")
    body: dict[str, Any] = ready.json()
    assert ready.status_code == 200, body
    pool = body.get("pool", {})
    assert pool.get("in_use") == 0, pool
    assert pool.get("stuck") == 0, pool
    return pool


def check_audit(stack: Stack) -> None:
    verified = stack.confide("audit", "verify", check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def check_one_line_per_request(lines: list[dict[str, Any]]) -> None:
    """An outage is a 503 with its own request line, not errors and tracebacks besides.

    asyncpg's pool, refilling its floor, logs its retries from a task that inherits the
    context of the request that started it: those lines are the pool's, not the request's.
    """
    own = [x for x in lines if "pool connection floor" not in str(x.get("event"))]
    per_request = Counter(x.get("request_id") for x in own if x.get("request_id"))
    unavailable = {x["request_id"] for x in own if x.get("status") == 503}
    assert unavailable, "no request met the outage"
    assert max(per_request[r] for r in unavailable) == 1, "more than one line per request"
    assert not [x for x in own if x.get("level") == "error"], "an outage logged an error"
