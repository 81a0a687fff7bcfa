"""The test harness shared by ``tests/`` and ``e2e/``: real PostgreSQL and Redis.

Each run creates its own owner role, database and application role on the
local PostgreSQL, and a Redis key prefix of its own; at the end it drops them
and deletes its keys, leaving the machine's services as it found them. The
schema is made by the real ``confide migrate`` (then, as infra/db/01-roles.sh does in
production, a superuser marks the trigram operator LEAKPROOF) and two tenants by the
real ``confide tenants create``, so a cross-tenant test costs one line.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest

from tests.helpers.command import confide, run_async

# First: it sets the run's settings in the environment before Confide is imported.
from tests.helpers.environment import (
    ADMIN_URL,
    APP_ROLE,
    APP_URL,
    DATABASE,
    OWNER_ROLE,
    OWNER_URL,
    REDIS_PREFIX,
    REDIS_URL,
    STORAGE_FOLDER,
)
from tests.helpers.tenants import TENANTS, TenantRef


async def _create() -> None:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEROLE")
        await admin.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER_ROLE}")
    finally:
        await admin.close()


async def _leakproof() -> None:
    """What infra/db/01-roles.sh has a superuser do in production: mark the trigram
    operator's function LEAKPROOF, so that name search uses its index under the policy."""
    from confide.platform.casework.search import LEAKPROOF_STATEMENT

    admin = await asyncpg.connect(f"{ADMIN_URL.rsplit('/', 1)[0]}/{DATABASE}")
    try:
        await admin.execute(LEAKPROOF_STATEMENT)
    finally:
        await admin.close()


async def _drop() -> None:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await admin.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
        await admin.execute(f"DROP ROLE IF EXISTS {OWNER_ROLE}")
    finally:
        await admin.close()


def _clear_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{REDIS_PREFIX}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture(scope="session")
def dev_idp() -> Iterator[str]:
    """The development OpenID provider, a real protocol server on loopback."""
    from confide.platform.devidp import run_in_thread

    with run_in_thread() as url:
        yield url


@pytest.fixture(scope="session")
def database(dev_idp: str) -> Iterator[dict[str, TenantRef]]:
    """The run's database, migrated, with tenants alpha and beta (active), gamma (suspended),
    and the demo tenants northmoor and eastdale signing in through the development provider."""
    run_async(_create())
    try:
        migrated = confide("migrate", check=False)
        assert migrated.returncode == 0, migrated.stderr
        run_async(_leakproof())
        for slug, name in TENANTS.items():
            confide("tenants", "create", slug, "--name", name)
        confide("tenants", "suspend", "gamma")
        confide("seed-demo", "--idp", dev_idp)
        yield run_async(_tenant_refs())
    finally:
        run_async(_drop())
        _clear_redis()
        shutil.rmtree(STORAGE_FOLDER, ignore_errors=True)


async def _tenant_refs() -> dict[str, TenantRef]:
    conn = await asyncpg.connect(OWNER_URL)
    try:
        rows = await conn.fetch("SELECT id, slug, display_name FROM tenants")
    finally:
        await conn.close()
    return {r["slug"]: TenantRef(r["id"], r["slug"], r["display_name"]) for r in rows}


@pytest.fixture(scope="session")
async def pool(database: dict[str, TenantRef]) -> AsyncIterator[None]:
    """The application role's connection pool, as the web process opens it."""
    from confide.platform.core.db import close_pool, start_pool

    await start_pool()
    yield
    await close_pool()


@pytest.fixture(scope="session")
def tenants(database: dict[str, TenantRef]) -> dict[str, TenantRef]:
    return database


@pytest.fixture
async def owner_conn(database: Any) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the owner role, for setting up and inspecting what tests need."""
    conn = await asyncpg.connect(OWNER_URL)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def app_conn(database: Any) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection as the application role: what the app itself can do."""
    conn = await asyncpg.connect(APP_URL)
    try:
        yield conn
    finally:
        await conn.close()
