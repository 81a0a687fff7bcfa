"""The test harness shared by ``tests/`` and ``e2e/``: real PostgreSQL and Redis.

Each run creates its own owner role, database and application role on the
local PostgreSQL, and a Redis key prefix of its own; at the end it drops them
and deletes its keys, leaving the machine's services as it found them. The
schema is made by the real ``confide migrate`` (then, as infra/db/01-roles.sh does in
production, a superuser marks the trigram operator LEAKPROOF) and two tenants by the
real ``confide tenants create``, so a cross-tenant test costs one line.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import pytest

ROOT = Path(__file__).parent
T = TypeVar("T")
ADMIN_URL = os.environ.get(
    "CONFIDE_TEST_ADMIN_URL", "postgresql://postgres@localhost:5432/postgres"
)
REDIS_URL = os.environ.get("CONFIDE_TEST_REDIS_URL", "redis://localhost:6379/0")
RUN = secrets.token_hex(4)
OWNER_ROLE = f"confide_owner_{RUN}"
APP_ROLE = f"confide_app_{RUN}"
DATABASE = f"confide_test_{RUN}"


def _url(base: str, user: str, database: str) -> str:
    rest = base.split("://", 1)[1].rsplit("@", 1)[-1]
    host = rest.split("/", 1)[0]
    return f"postgresql://{user}@{host}/{database}"


OWNER_URL = _url(ADMIN_URL, OWNER_ROLE, DATABASE)
APP_URL = _url(ADMIN_URL, APP_ROLE, DATABASE)

# Settings are read from the environment, so they are set before Confide is imported.
os.environ.update(
    {
        "DATABASE_URL": OWNER_URL,
        "DATABASE_APP_ROLE": APP_ROLE,
        "REDIS_URL": REDIS_URL,
        "CONFIDE_REDIS_PREFIX": f"confide-test-{RUN}:",
        "CONFIDE_SECRET_KEY": secrets.token_urlsafe(48),
        "CONFIDE_LOG_LEVEL": "INFO",
        # The test clients speak plain HTTP; one test checks the Secure flag over HTTPS.
        "CONFIDE_SECURE_COOKIES": "false",
        # Every test signs in from the same address; tests/test_signin.py checks the limit.
        "CONFIDE_SIGNIN_LIMIT_PER_ADDRESS": "100000",
        "CONFIDE_OPERATOR_SIGNIN_LIMIT_PER_ADDRESS": "100000",
        # No beat runs in the tests: a day's schedule keeps the shared tenants' audit logs
        # "anchored in time" however long a run takes (test_audit_checkpoints.py uses 15).
        "CONFIDE_AUDIT_CHECKPOINT_MINUTES": "1440",
    }
)
for _name in ("DATABASE_APP_URL", "CELERY_BROKER_URL", "CONFIDE_BASE_DOMAIN"):
    os.environ.pop(_name, None)


@dataclass(frozen=True)
class TenantRef:
    id: UUID
    slug: str
    name: str


TENANTS = {
    "alpha": "Alphaton SEND Information, Advice and Support Service",
    "beta": "Betaford SENDIASS",
    "gamma": "Gammashire SENDIASS (suspended)",
}


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run set-up code on its own loop and thread: the browser journeys hold one here."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def confide(
    *args: str, check: bool = True, env: dict[str, str] | None = None, stdin: str | None = None
) -> Any:
    """Run the real ``confide`` command (``stdin``: what it reads on standard input)."""
    return subprocess.run(
        [sys.executable, "-m", "confide.platform.cli", *args],
        capture_output=True,
        text=True,
        check=check,
        input=stdin,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


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
        keys = list(client.scan_iter(match=f"confide-test-{RUN}:*", count=500))
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
    _run(_create())
    try:
        migrated = confide("migrate", check=False)
        assert migrated.returncode == 0, migrated.stderr
        _run(_leakproof())
        for slug, name in TENANTS.items():
            confide("tenants", "create", slug, "--name", name)
        confide("tenants", "suspend", "gamma")
        confide("seed-demo", "--idp", dev_idp)
        yield _run(_tenant_refs())
    finally:
        _run(_drop())
        _clear_redis()


async def _tenant_refs() -> dict[str, TenantRef]:
    conn = await asyncpg.connect(OWNER_URL)
    try:
        rows = await conn.fetch("SELECT id, slug, display_name FROM tenants")
    finally:
        await conn.close()
    return {r["slug"]: TenantRef(r["id"], r["slug"], r["display_name"]) for r in rows}


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
