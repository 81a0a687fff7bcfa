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
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.checks import OBSERVED
from tests.faults.load import Client, Load, signed_in
from tests.faults.stack import Stack, build

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"  # the run's logs and observations, kept for a look afterwards


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
