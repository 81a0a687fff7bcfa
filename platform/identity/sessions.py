"""Server-side staff sessions, bound to one tenant.

The cookie holds a random token; the store keeps the session under the
token's SHA-256, so the store never holds a usable cookie value. A session
ends on sign-out, after the tenant's idle timeout, at its absolute lifetime,
or when the user is suspended (``sessions_valid_after``, checked every
request). A session presented at another tenant is no session.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from uuid import UUID

from confide.platform.core.stores import store

COOKIE = "confide_session"
_RENEW_AFTER = 60  # seconds between idle-timer renewals, to spare the store


@dataclass(frozen=True, slots=True)
class StaffSession:
    tenant_id: str
    user_id: str
    started: float
    last_seen: float
    idle_seconds: int
    expires: float  # absolute end, epoch seconds
    id_token: str | None = None  # for the provider's end-session endpoint
    # The roles signed in with: a hint for checks made without the database (an upload's
    # inspection before the transaction); None in a session from before it was kept.
    roles: list[str] | None = None

    @property
    def user(self) -> UUID:
        return UUID(self.user_id)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start(
    *,
    tenant_id: UUID,
    user_id: UUID,
    idle_minutes: int,
    absolute_hours: int,
    id_token: str | None,
    roles: Iterable[str] | None = None,
) -> str:
    """A new session; returns the cookie token. The caller drops any old one (rotation)."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    session = StaffSession(
        tenant_id=str(tenant_id),
        user_id=str(user_id),
        started=now,
        last_seen=now,
        idle_seconds=idle_minutes * 60,
        expires=now + absolute_hours * 3600,
        id_token=id_token,
        roles=None if roles is None else sorted(str(r) for r in roles),
    )
    await store("sessions").set(
        _key(token), json.dumps(asdict(session)), expires_in=session.idle_seconds
    )
    return token


async def load(token: str | None, tenant_id: UUID, *, renew: bool = True) -> StaffSession | None:
    """The live session for ``token`` at this tenant, renewing its idle timer unless
    ``renew`` is false (a page's own background poll: someone who walked away from it is
    idle, and their session ends on time)."""
    if not token or len(token) > 100:
        return None
    sessions = store("sessions")
    raw = await sessions.get(_key(token))
    if raw is None:
        return None
    session = StaffSession(**json.loads(raw))
    now = time.time()
    if session.tenant_id != str(tenant_id):
        return None
    if now >= session.expires or now - session.last_seen >= session.idle_seconds:
        await sessions.delete(_key(token))
        return None
    if renew and now - session.last_seen >= _RENEW_AFTER:
        renewed = StaffSession(**{**asdict(session), "last_seen": now})
        remaining = int(min(session.idle_seconds, session.expires - now)) + 1
        await sessions.set(_key(token), json.dumps(asdict(renewed)), expires_in=remaining)
        session = renewed
    return session


async def end(token: str | None) -> None:
    if token:
        await store("sessions").delete(_key(token))
