"""Short-lived server-side state: sessions, pending sign-ins, rate-limit counters.

Redis when ``REDIS_URL`` is set (any number of web processes); otherwise a
folder under the data directory, which serves the single web process of the
embedded default. Redis keys begin with ``CONFIDE_REDIS_PREFIX``.
"""

from __future__ import annotations

import re
import time
from functools import cache

from litestar.stores.base import NamespacedStore
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from confide.platform.core.settings import get_settings

# Lower-case words joined by hyphens, each word starting with a letter: ``sign-in``.
_NAMESPACE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*")


def store_name(namespace: str) -> str:
    """The name every backend is given for ``namespace``: ``sign-in`` becomes ``signIn``.

    Litestar's ``FileStore`` takes only letters and digits (the name is a folder),
    while ``RedisStore`` takes anything, so a name that works on Redis could fail
    only in the embedded default. Deriving one name here for both closes that gap;
    the capitals mark the word breaks (on a case-blind disk, ``sign-in`` and
    ``signin`` would meet: do not name two namespaces so).
    """
    if not _NAMESPACE.fullmatch(namespace):
        raise ValueError(f"store namespace {namespace!r}: use lower-case words and hyphens")
    first, *rest = namespace.split("-")
    return first + "".join(word.capitalize() for word in rest)


@cache
def _root_store() -> NamespacedStore:
    settings = get_settings()
    if settings.redis.redis_url:
        # Bounded waits; a connection idle a while is checked before use, and a failed
        # command is tried again at once on a new connection (after a Redis restart every
        # pooled connection is dead), but not retried for seconds through an outage.
        client: Redis = Redis.from_url(
            settings.redis.redis_url,
            socket_timeout=2,
            socket_connect_timeout=2,
            health_check_interval=2,
            retry=Retry(NoBackoff(), 2),
        )
        return RedisStore(client, namespace=f"{settings.redis.key_namespace}confide")
    folder = settings.core.data_dir.expanduser().resolve() / "state"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return FileStore(folder)


def store(namespace: str) -> NamespacedStore:
    """The store for one kind of state (``sessions``, ``sign-in``, ``limits-...``)."""
    return _root_store().with_namespace(store_name(namespace))


class RateLimiter:
    """Fixed-window counters: at most ``limit`` hits per key per ``window`` seconds.

    Read-modify-write on the store: exact on Redis under light contention and
    in the single embedded process; a limit, not an accounting.
    """

    def __init__(self, namespace: str, limit: int, window: int) -> None:
        self.store = store(f"limits-{namespace}")
        self.limit = limit
        self.window = window

    async def hit(self, key: str) -> bool:
        """Count one hit for ``key``; False once the window's limit is exceeded."""
        bucket = f"{key}:{int(time.time()) // self.window}"
        raw = await self.store.get(bucket)
        count = int(raw or 0) + 1
        await self.store.set(bucket, str(count), expires_in=self.window)
        return count <= self.limit
