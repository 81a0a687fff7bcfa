"""The bare endpoint the paths are measured against: the least a tenant-scoped read can do.

One Litestar route on the same database, role and pool size as Confide: take a pooled
connection, ``BEGIN``, ``set_config('app.tenant_id', ...)``, select 20 people under
row-level security (in name order, by the tenant's name index), ``COMMIT``, answer
JSON. No session, no audit, no templates. Served by ``bench/run`` with uvicorn and the
same processes and protocol as ``confide serve``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from litestar import Litestar, get

from confide.platform.core.settings import get_settings

_pool: asyncpg.Pool | None = None
_tenants: dict[str, str] = {}


@asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    global _pool
    database = get_settings().database
    _pool = await asyncpg.create_pool(
        database.application_url(), min_size=1, max_size=database.pool_max_size
    )
    async with _pool.acquire() as conn:
        for row in await conn.fetch("SELECT id, slug FROM tenants"):
            _tenants[row["slug"]] = str(row["id"])
    try:
        yield
    finally:
        await _pool.close()


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/t/{slug:str}/bare")
async def bare(slug: str) -> list[dict[str, Any]]:
    assert _pool is not None
    async with _pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", _tenants[slug])
        rows = await conn.fetch(
            "SELECT id, first_name, last_name FROM people"
            " ORDER BY lower(last_name), lower(first_name) LIMIT 20"
        )
    return [{"id": str(r["id"]), "name": f"{r['first_name']} {r['last_name']}"} for r in rows]


def create_app() -> Litestar:
    return Litestar([healthz, bare], lifespan=[_lifespan])
