"""What the fault tests check after each fault, and what clients saw, kept for the
end-of-run summary (``conftest.pytest_terminal_summary``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from tests.faults.load import Load, notes_by_marker
from tests.faults.stack import Stack

OBSERVED: dict[str, dict[str, Any]] = {}


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
