"""Server-side operator sessions, apart from staff sessions.

Their own store namespace and their own cookie (``confide_operator``, path
``/operator``): a staff session token is unknown here and an operator's is
unknown to staff sessions, so neither opens the other's pages. The store keeps
a session under the token's SHA-256, never the cookie value itself. A session
ends on sign-out, after 30 minutes idle, 8 hours after sign-in, or when the
operator is disabled (checked every request, in ``web.py``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass
from uuid import UUID

from confide.platform.core.stores import store

COOKIE = "confide_operator"
COOKIE_PATH = "/operator"
NAMESPACE = "operator-sessions"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 8 * 3600
_RENEW_AFTER = 60  # seconds between idle-timer renewals, to spare the store


@dataclass(frozen=True, slots=True)
class OperatorSession:
    operator_id: str
    started: float
    last_seen: float
    expires: float  # absolute end, epoch seconds

    @property
    def operator(self) -> UUID:
        return UUID(self.operator_id)


def _now() -> float:
    return time.time()


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start(operator_id: UUID) -> str:
    """A new session; returns the cookie token. The caller ends any old one (rotation)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    session = OperatorSession(str(operator_id), now, now, now + ABSOLUTE_SECONDS)
    await store(NAMESPACE).set(_key(token), json.dumps(asdict(session)), expires_in=IDLE_SECONDS)
    return token


async def load(token: str | None) -> OperatorSession | None:
    """The live session for ``token``, renewing its idle timer."""
    if not token or len(token) > 100:
        return None
    sessions = store(NAMESPACE)
    raw = await sessions.get(_key(token))
    if raw is None:
        return None
    session = OperatorSession(**json.loads(raw))
    now = _now()
    if now >= session.expires or now - session.last_seen >= IDLE_SECONDS:
        await sessions.delete(_key(token))
        return None
    if now - session.last_seen >= _RENEW_AFTER:
        renewed = OperatorSession(**{**asdict(session), "last_seen": now})
        remaining = int(min(IDLE_SECONDS, session.expires - now)) + 1
        await sessions.set(_key(token), json.dumps(asdict(renewed)), expires_in=remaining)
        session = renewed
    return session


async def end(token: str | None) -> None:
    if token and len(token) <= 100:
        await store(NAMESPACE).delete(_key(token))
