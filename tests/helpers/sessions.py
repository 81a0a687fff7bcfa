"""A staff session as the store keeps it: read it, and age it as time passing would (the
store is the real one)."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from confide.platform.core.stores import store


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def stored_session(token: str) -> dict[str, Any]:
    """The session the cookie ``token`` holds, as stored."""
    raw = await store("sessions").get(_key(token))
    assert raw is not None, "no session for this token"
    found: dict[str, Any] = json.loads(raw)
    return found


async def idle_for(token: str, minutes: float) -> float:
    """Make the session last seen ``minutes`` ago: that moment (epoch seconds)."""
    seen = time.time() - minutes * 60
    await store("sessions").set(
        _key(token), json.dumps({**await stored_session(token), "last_seen": seen}), expires_in=3600
    )
    return seen
