"""Liveness and readiness, outside any tenant.

``/healthz`` is liveness, what an orchestrator restarts the process on: it fails
only when the process can no longer serve, that is when every pool connection
has been held longer than ``DATABASE_POOL_STUCK_AFTER`` (no request may take so
long, so they have leaked or wedged). It does not touch the database: an outage
of PostgreSQL is not cured by restarting the web.

``/readyz`` is readiness, what a load balancer routes on. It never waits for the
pool: it opens a connection of its own, so a busy pool is "busy" (still 200) and
only a database or broker it cannot reach is "unavailable" (503). The whole check
has a hard deadline.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from litestar import Controller, Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from redis.asyncio import Redis

from confide.platform.core.db import database_answers, get_engine
from confide.platform.core.settings import get_settings

READY_DEADLINE = 2.0  # seconds: the whole readiness check, whatever hangs


async def _broker_ok() -> bool:
    redis_settings = get_settings().redis
    if redis_settings.redis_url:
        client: Redis = Redis.from_url(
            redis_settings.redis_url, socket_timeout=1, socket_connect_timeout=1
        )
        try:
            async with asyncio.timeout(READY_DEADLINE - 0.2):
                return bool(await client.ping())
        except Exception:
            return False
        finally:
            await client.aclose()
    folder = redis_settings.broker_folder
    return folder is not None and folder.is_dir()


class HealthController(Controller):
    path = "/"
    include_in_schema = False

    @get("/healthz", name="healthz", sync_to_thread=False)
    def healthz(self) -> Response[dict[str, Any]]:
        """The process can serve: its pool is not wholly stuck."""
        pool = get_engine().pool_state(get_settings().database.pool_stuck_after)
        stuck = pool.max > 0 and pool.stuck >= pool.max
        return Response(
            {"status": "stuck", "pool": dataclasses.asdict(pool)} if stuck else {"status": "ok"},
            status_code=HTTP_503_SERVICE_UNAVAILABLE if stuck else HTTP_200_OK,
        )

    @get("/readyz", name="readyz")
    async def readyz(self) -> Response[dict[str, Any]]:
        """The database and the broker (Redis, or the embedded folder) answer; the pool's load."""
        database, broker = await asyncio.gather(
            database_answers(READY_DEADLINE - 0.2), _broker_ok()
        )
        pool = get_engine().pool_state(get_settings().database.pool_stuck_after)
        busy = pool.waiting > 0 or (pool.max > 0 and pool.in_use >= pool.max)
        ready = database and broker
        status = "unavailable" if not ready else "busy" if busy else "ok"
        return Response(
            {
                "status": status,
                "database": database,
                "broker": broker,
                "pool": dataclasses.asdict(pool),
            },
            status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
        )
