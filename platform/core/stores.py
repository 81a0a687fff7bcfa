"""Short-lived server-side state: sessions, pending sign-ins, rate-limit counters.

Redis when ``REDIS_URL`` is set (any number of web processes); otherwise a
folder under the data directory, which serves the single web process of the
embedded default. Keys are namespaced by ``CONFIDE_REDIS_PREFIX``.
"""

from __future__ import annotations

import time
from functools import cache

from litestar.stores.base import NamespacedStore
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from confide.platform.core.settings import get_settings


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
        return RedisStore(client, namespace=f"{settings.redis.key_prefix}confide")
    return FileStore(settings.core.data_dir.expanduser().resolve() / "state")


def store(namespace: str) -> NamespacedStore:
    """The store for one kind of state (``sessions``, ``sign-in``, ``limits``)."""
    return _root_store().with_namespace(namespace)


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
