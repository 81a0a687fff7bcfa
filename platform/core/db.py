"""The database engine and the tenant context.

The tenant is set in exactly one place: ``tenant_transaction``. It opens one
transaction and sends ``set_config('app.tenant_id', ..., true)`` in the same
round trip as ``BEGIN``, so the setting lives only as long as the transaction.
Every tenant-owned table's row-level security policy reads that setting, and a
query run without it sees no rows. Piccolo joins nested transactions to the
outer one, so domain services may open their own ``transaction()`` freely.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from enum import StrEnum
from typing import Any
from uuid import UUID

from piccolo.engine.exceptions import TransactionError
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.querystring import QueryString

from confide.platform.core.settings import get_settings

# Piccolo finds its engine and apps through this module.
os.environ.setdefault("PICCOLO_CONF", "confide.platform.core.piccolo_conf")


class Role(StrEnum):
    """Which PostgreSQL role this process connects as."""

    APP = "app"  # owns nothing, no BYPASSRLS: the web app and the workers
    OWNER = "owner"  # owns the schema: migrations and provisioning commands


class NoTenantError(RuntimeError):
    """Tenant-owned data was touched outside ``tenant_transaction``."""


_role: Role = Role.APP
_engine: PostgresEngine | None = None
_current_tenant: contextvars.ContextVar[UUID | None] = contextvars.ContextVar(
    "confide_tenant", default=None
)


def use_role(role: Role) -> None:
    """Choose the role before the first query; entry points call this once."""
    global _role, _engine
    if _engine is not None and role is not _role:
        raise RuntimeError("the database role is chosen before the engine is first used")
    _role = role


def get_engine() -> PostgresEngine:
    """The process's engine (Piccolo's ``piccolo_conf.DB`` is this object)."""
    global _engine
    if _engine is None:
        database = get_settings().database
        dsn = database.require_owner_url() if _role is Role.OWNER else database.application_url()
        _engine = PostgresEngine(config={"dsn": dsn}, log_queries=False, log_responses=False)
    return _engine


async def start_pool() -> None:
    """Open the connection pool (web process start-up)."""
    await get_engine().start_connection_pool(
        min_size=1, max_size=get_settings().database.pool_max_size
    )


async def close_pool() -> None:
    await get_engine().close_connection_pool()


class _TenantTransaction(PostgresTransaction):
    """A Piccolo transaction whose ``BEGIN`` carries the tenant setting."""

    __slots__ = ("_before_commit", "memo", "tenant_id")

    def __init__(self, engine: PostgresEngine, tenant_id: UUID) -> None:
        super().__init__(engine, allow_nested=False)
        self.tenant_id = tenant_id
        self._before_commit: list[Callable[[], Awaitable[object]]] = []
        # Values read once per transaction (the tenant's policy), see ``transaction_memo``.
        self.memo: dict[str, object] = {}

    async def begin(self) -> None:
        # The UUID type guarantees the literal is safe; one round trip, not two.
        await self.connection.execute(
            f"BEGIN; SELECT set_config('app.tenant_id', '{self.tenant_id}', true)"
        )

    async def commit(self) -> None:
        try:
            for hook in self._before_commit:
                await hook()
        except BaseException:
            await self.rollback()
            raise
        await self.connection.execute("COMMIT")
        self._committed = True

    async def __aexit__(self, *exc: Any) -> bool:
        try:
            return bool(await super().__aexit__(*exc))
        except BaseException:
            # A failed commit must still give the connection back.
            if self.engine.pool:
                await self.engine.pool.release(self.connection)
            else:
                await self.connection.close()
            self.engine.current_transaction.reset(self.context)
            raise

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self._rolled_back = True


@asynccontextmanager
async def tenant_transaction(tenant_id: UUID) -> AsyncIterator[_TenantTransaction]:
    """Run the block in one transaction scoped to one tenant. The only way in."""
    if not isinstance(tenant_id, UUID):
        raise TypeError("tenant_id must be a UUID")
    if _current_tenant.get() is not None or get_engine().current_transaction.get() is not None:
        # Never join or nest: a context that already holds one is a leak, not a caller.
        raise TransactionError("a transaction or tenant is already current in this context")
    token = _current_tenant.set(tenant_id)
    try:
        transaction = _TenantTransaction(get_engine(), tenant_id)
        async with transaction:
            yield transaction
    finally:
        _current_tenant.reset(token)


def before_commit(hook: Callable[[], Awaitable[object]]) -> None:
    """Run ``hook`` in the current tenant transaction just before it commits (not on rollback).

    The audit chain uses this for reads: its per-tenant lock is then held for the
    last few milliseconds of a transaction, not for the whole request.
    """
    transaction = get_engine().current_transaction.get()
    if not isinstance(transaction, _TenantTransaction):
        raise NoTenantError("no tenant transaction to attach to: use tenant_transaction()")
    transaction._before_commit.append(hook)


def transaction_memo() -> dict[str, object]:
    """A dict that lives as long as the current tenant transaction (empty and thrown away
    outside one): for settings a request reads in several places (the tenant's policy),
    read once. Whoever changes such a setting clears its key."""
    transaction = get_engine().current_transaction.get()
    return transaction.memo if isinstance(transaction, _TenantTransaction) else {}


def current_tenant_id() -> UUID:
    """The tenant of the enclosing ``tenant_transaction``; raises outside one."""
    tenant_id = _current_tenant.get()
    if tenant_id is None:
        raise NoTenantError("no tenant is set: use tenant_transaction()")
    return tenant_id


def advisory_key(*parts: bytes) -> int:
    """A stable 64-bit key for ``pg_advisory_xact_lock``, the same in every process."""
    digest = hashlib.sha256(b"".join(parts)).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    """A raw query (``{}`` placeholders, values bound) as rows, in the caller's transaction
    when there is one."""
    rows = await get_engine().run_querystring(QueryString(sql, *args))
    return [dict(row) for row in rows or []]
