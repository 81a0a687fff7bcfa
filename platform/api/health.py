"""Liveness and readiness, outside any tenant."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Controller, Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from piccolo.querystring import QueryString
from redis.asyncio import Redis

from confide.platform.core.db import get_engine
from confide.platform.core.settings import get_settings


async def _database_ok() -> bool:
    try:
        rows = await asyncio.wait_for(
            get_engine().run_querystring(QueryString("SELECT 1 AS ok")), timeout=2
        )
        return bool(rows and rows[0]["ok"] == 1)
    except Exception:
        return False


async def _broker_ok() -> bool:
    redis_settings = get_settings().redis
    if redis_settings.redis_url:
        client: Redis = Redis.from_url(redis_settings.redis_url, socket_timeout=2)
        try:
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

    @get("/healthz", sync_to_thread=False)
    def healthz(self) -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @get("/readyz")
    async def readyz(self) -> Response[dict[str, Any]]:
        """The database and the broker (Redis, or the embedded folder) answer."""
        database, broker = await asyncio.gather(_database_ok(), _broker_ok())
        ready = database and broker
        return Response(
            {"status": "ok" if ready else "unavailable", "database": database, "broker": broker},
            status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
        )
