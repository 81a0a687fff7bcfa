"""The database engine and the tenant context.

The tenant is set in exactly one place: ``tenant_transaction``. It opens one
transaction and sends ``set_config('app.tenant_id', ..., true)`` in the same
round trip as ``BEGIN``, so the setting lives only as long as the transaction.
Every tenant-owned table's row-level security policy reads that setting, and a
query run without it sees no rows. Piccolo joins nested transactions to the
outer one, so domain services may open their own ``transaction()`` freely.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import os
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from piccolo.engine.exceptions import TransactionError
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

from confide.platform.core.logs import get_logger
from confide.platform.core.outages import CommitUncertain, ConnectionLost, PoolBusy, is_outage
from confide.platform.core.settings import get_settings

# Piccolo finds its engine and apps through this module.
os.environ.setdefault("PICCOLO_CONF", "confide.platform.core.piccolo_conf")


class Role(StrEnum):
    """Which PostgreSQL role this process connects as."""

    APP = "app"  # owns nothing, no BYPASSRLS: the web app and the workers
    OWNER = "owner"  # owns the schema: migrations and provisioning commands


log = get_logger("confide.db")


class NoTenantError(RuntimeError):
    """Tenant-owned data was touched outside ``tenant_transaction``."""


class TenantRefused(RuntimeError):
    """``tenant_transaction``'s check found no row: the transaction never began."""


_role: Role = Role.APP
_engine: Engine | None = None
_reserved: contextvars.ContextVar[Any] = contextvars.ContextVar("confide_reserved", default=None)
_current_tenant: contextvars.ContextVar[UUID | None] = contextvars.ContextVar(
    "confide_tenant", default=None
)


def use_role(role: Role) -> None:
    """Choose the role before the first query; entry points call this once."""
    global _role, _engine
    if _engine is not None and role is not _role:
        raise RuntimeError("the database role is chosen before the engine is first used")
    _role = role


class Engine(PostgresEngine):
    """Piccolo's engine, made to fail fast and never lose a connection.

    A request waits at most ``DATABASE_ACQUIRE_TIMEOUT`` for a pool connection, and
    when ``DATABASE_POOL_QUEUE`` requests already wait it does not queue at all: both
    raise ``PoolBusy`` (a 503). Statements carry PostgreSQL's ``statement_timeout``,
    and the client gives up on any reply after ``DATABASE_COMMAND_TIMEOUT`` (a frozen
    server cannot cancel its own statements). A connection whose state is unknown
    (an outage, a failed ``BEGIN``) is terminated, which returns its slot to the
    pool; PostgreSQL rolls back whatever it had open. Returning a connection never
    raises: by then the work is done, and committed or not, it must be answered.
    """

    def __init__(self, config: dict[str, Any], *, pool_queue: int, acquire_timeout: float) -> None:
        self.pool_queue = pool_queue
        self.acquire_timeout = acquire_timeout
        self._waiting = 0
        self._held: dict[int, float] = {}  # id of each connection handed out -> when
        super().__init__(config=config, log_queries=False, log_responses=False)

    async def acquire(self) -> Any:
        """A connection from the pool (or a new one where there is no pool), bounded in time."""
        if self.pool is None:
            connection = await self.get_new_connection()
        else:
            if len(self._held) >= self.pool.get_max_size() and self._waiting >= self.pool_queue:
                raise PoolBusy("too many requests are waiting for a database connection")
            self._waiting += 1
            try:
                connection = await self.pool.acquire(timeout=self.acquire_timeout)
            except TimeoutError:
                raise PoolBusy("no database connection came free in time") from None
            finally:
                self._waiting -= 1
        self._held[id(connection)] = time.monotonic()
        return connection

    async def release(self, connection: Any) -> None:
        """Give the connection back; a failure is logged (it cannot undo a commit)."""
        self._held.pop(id(connection), None)
        try:
            if self.pool is None:
                await connection.close(timeout=self.acquire_timeout)
            else:
                await self.pool.release(connection, timeout=self.acquire_timeout)
        except Exception as error:  # asyncpg has terminated it, freeing its slot
            # In an outage the request's own line says so (one line a request); otherwise
            # a connection that would not go back is worth a warning of its own.
            report = log.debug if is_outage(error) else log.warning
            report("connection_release_failed", error=type(error).__name__)
            connection.terminate()

    def discard(self, connection: Any) -> None:
        """Terminate a connection in an unknown state; its pool slot comes free at once."""
        self._held.pop(id(connection), None)
        if not _closed(connection):
            connection.terminate()

    @asynccontextmanager
    async def reserve(self) -> AsyncIterator[None]:
        """Hold one connection for the block: its queries outside a transaction and its
        transaction all run on it, so a request waits for a connection once, not per step."""
        if _reserved.get() is not None:
            yield
            return
        connection = await self.acquire()
        token = _reserved.set(connection)
        failed = False
        try:
            yield
        except BaseException as error:
            failed = is_outage(error)
            raise
        finally:
            _reserved.reset(token)
            if failed:
                self.discard(connection)
            else:
                await self.release(connection)

    async def _run_in_new_connection(self, query: str, args: Sequence[Any] | None = None) -> Any:
        return await self._run_in_pool(query, args)

    async def _run_in_pool(self, query: str, args: Sequence[Any] | None = None) -> Any:
        reserved = _reserved.get()
        if reserved is not None:
            try:
                return await reserved.fetch(query, *(args or ()))
            except Exception as error:
                if _closed(reserved) and not is_outage(error):
                    raise ConnectionLost("the database connection was lost") from error
                raise
        connection = await self.acquire()
        try:
            response = await connection.fetch(query, *(args or ()))
        except BaseException as error:
            if is_outage(error):
                self.discard(connection)
            else:
                await self.release(connection)
            raise
        await self.release(connection)
        return response

    def transaction(self, allow_nested: bool = True) -> _Transaction:
        return _Transaction(self, allow_nested=allow_nested)

    def pool_state(self, stuck_after: float) -> PoolState:
        """The pool as health checks see it (``stuck``: handed out longer than ``stuck_after``)."""
        now = time.monotonic()
        pool = self.pool
        return PoolState(
            max=pool.get_max_size() if pool else 0,
            open=pool.get_size() if pool else 0,
            idle=pool.get_idle_size() if pool else 0,
            in_use=len(self._held),
            waiting=self._waiting,
            stuck=sum(1 for since in self._held.values() if now - since > stuck_after),
        )


@dataclass(frozen=True, slots=True)
class PoolState:
    max: int
    open: int
    idle: int
    in_use: int
    waiting: int
    stuck: int


def get_engine() -> Engine:
    """The process's engine (Piccolo's ``piccolo_conf.DB`` is this object)."""
    global _engine
    if _engine is None:
        database = get_settings().database
        config: dict[str, Any]
        if _role is Role.OWNER:
            # Migrations and provisioning may run long: no timeouts for the owner.
            config = {"dsn": database.require_owner_url()}
        else:
            config = {
                "dsn": database.application_url(),
                "timeout": database.acquire_timeout,  # to connect
                "command_timeout": database.command_timeout,
                "server_settings": {
                    "statement_timeout": str(int(database.statement_timeout * 1000)),
                    # A transaction left open by a lost client ends on the server too.
                    "idle_in_transaction_session_timeout": "60000",
                    # No JIT compiling: a statement whose plan looks costly (a year's
                    # statistics, the managers' report) spent longer compiling than running
                    # (3.0 s of the report's 4.9 s at 1,000,000 cases, bench/statistics.py).
                    "jit": "off",
                },
            }
        _engine = Engine(
            config, pool_queue=database.pool_queue, acquire_timeout=database.acquire_timeout
        )
    return _engine


async def start_pool() -> None:
    """Open the connection pool (web process start-up)."""
    await get_engine().start_connection_pool(
        min_size=1, max_size=get_settings().database.pool_max_size, reset=_keep_session
    )


async def _keep_session(connection: Any) -> None:
    """What a connection needs on its way back to the pool: nothing more than asyncpg does
    anyway (it rolls back a transaction left open). asyncpg's default reset sends
    ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` every time, a round
    trip per request, to undo session state this app never makes: its settings are
    transaction-local (``set_config(..., true)``), its locks ``pg_advisory_xact_lock``,
    and it neither listens nor keeps cursors past a transaction."""


async def close_pool(deadline: float = 10) -> None:
    """Close the pool, waiting at most ``deadline`` seconds for connections in use."""
    engine = get_engine()
    if engine.pool is None:
        return
    try:
        await asyncio.wait_for(engine.pool.close(), timeout=deadline)
    except TimeoutError:  # asyncpg has terminated every connection
        log.warning("pool_close_timed_out", in_use=len(engine._held))
    engine.pool = None


class _Transaction(PostgresTransaction):
    """Piccolo's transaction, taking its connection through ``Engine.acquire`` and never
    leaving it checked out: a failed ``BEGIN`` or a failure while finishing terminates
    it; an outage is not answered with a ``ROLLBACK`` the dead server cannot run."""

    engine: Engine

    _borrowed = False  # the connection is the block's reserved one: the block gives it back

    async def get_connection(self) -> Any:
        reserved = _reserved.get()
        if reserved is not None:
            self._borrowed = True
            return reserved
        return await self.engine.acquire()

    async def __aenter__(self) -> Any:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            self.transaction = self.connection.transaction()
            await self.begin()
        except TenantRefused:  # rolled back: the connection is as good as before
            if not self._borrowed:
                await self.engine.release(self.connection)
            raise
        except BaseException as error:
            lost = _closed(self.connection)
            self.engine.discard(self.connection)
            if lost and not is_outage(error):
                # It died before BEGIN (asyncpg then refuses the handed-back proxy with an
                # InterfaceError): an outage, not a bug.
                raise ConnectionLost("the database connection was lost before BEGIN") from error
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    def lost(self) -> bool:
        """The connection died under the transaction: the server has rolled it back."""
        return _closed(self.connection)

    async def begin(self) -> None:
        await self.transaction.start()

    async def rollback(self) -> None:
        if not self.lost():
            await self.transaction.rollback()
        self._rolled_back = True

    async def commit(self) -> None:
        try:
            await self.transaction.commit()
        except BaseException as error:
            _uncertain(error)
            raise
        self._committed = True

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if self._parent:
            return exc is None
        try:
            if self.lost() or (exc is not None and is_outage(exc)):
                self.engine.discard(self.connection)
                if exc is None and not self._committed and not self._rolled_back:
                    raise ConnectionLost("the database connection was lost before COMMIT")
                if exc is not None and not is_outage(exc):  # what the dead connection raised
                    raise ConnectionLost("the database connection was lost") from exc
            elif exc is not None:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException:
            self.engine.discard(self.connection)
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
        if not self._borrowed:
            await self.engine.release(self.connection)
        return exc is None


def _closed(connection: Any) -> bool:
    """A pool's connection handed back (which only its death does while a transaction holds
    it), or a connection of its own that is closed."""
    inner = getattr(connection, "_con", connection)  # a pool's proxy, or the connection
    return inner is None or bool(inner.is_closed())


def connection_lost() -> bool:
    """The current transaction's connection has died: what failed was an outage, not a bug."""
    transaction = get_engine().current_transaction.get()
    return isinstance(transaction, _Transaction) and transaction.lost()


def _uncertain(error: BaseException) -> None:
    """A ``COMMIT`` that failed for an outage may have committed: say so, never "failed"."""
    if is_outage(error) and not isinstance(error, CommitUncertain):
        raise CommitUncertain("the connection failed during COMMIT") from error


class _TenantTransaction(_Transaction):
    """A transaction whose ``BEGIN`` carries the tenant setting."""

    __slots__ = ("_with_commit", "check", "check_rows", "memo", "tenant_id")

    def __init__(self, engine: Engine, tenant_id: UUID, check: str | None = None) -> None:
        super().__init__(engine, allow_nested=False)
        self.tenant_id = tenant_id
        self.check = check
        self._with_commit: list[str] = []
        # How many rows the check found (at least one): a check may count something beside
        # its condition (``tenants.queries.still_active``'s tally), at no round trip.
        self.check_rows = 0
        # Values read once per transaction (the tenant's policy), see ``transaction_memo``.
        self.memo: dict[str, object] = {}

    async def begin(self) -> None:
        # The UUID type guarantees the literal is safe; one round trip, not two.
        begin = f"BEGIN; SELECT set_config('app.tenant_id', '{self.tenant_id}', true)"
        if self.check is None:
            await self.connection.execute(begin)
            return
        # The check goes in the same message: its status ("SELECT 1": one row; "SELECT n"
        # with a tally beside it) is the answer, so it costs no round trip of its own.
        status = await self.connection.execute(f"{begin}; {self.check}")
        verb, _, rows = str(status).partition(" ")
        if verb != "SELECT" or not rows.isdigit() or int(rows) < 1:
            await self.connection.execute("ROLLBACK")
            raise TenantRefused("the tenant's check found no row")
        self.check_rows = int(rows)

    async def commit(self) -> None:
        # The statements sent with COMMIT share its round trip; the first to fail stops
        # the rest (COMMIT included), and the transaction is rolled back.
        statements = [*self._with_commit, "COMMIT"]
        self._with_commit = []
        try:
            await self.connection.execute(";\n".join(statements))
        except BaseException as error:
            if is_outage(error):
                _uncertain(error)
            elif len(statements) > 1 and not self.lost():
                await self.connection.execute("ROLLBACK")  # nothing if COMMIT itself failed
                self._rolled_back = True
            raise
        self._committed = True

    async def rollback(self) -> None:
        if not self.lost():
            await self.connection.execute("ROLLBACK")
        self._rolled_back = True


@asynccontextmanager
async def tenant_transaction(
    tenant_id: UUID, *, check: str | None = None
) -> AsyncIterator[_TenantTransaction]:
    """Run the block in one transaction scoped to one tenant. The only way in.

    ``check``: a query sent with ``BEGIN`` (values as ``core/sql.literal``s) that must
    find a row, else ``TenantRefused`` and nothing runs: the request's tenant is still
    active, at no cost of a round trip. How many it found is the transaction's
    ``check_rows`` (one, or one and a tally: ``tenants.queries.still_active``)."""
    if not isinstance(tenant_id, UUID):
        raise TypeError("tenant_id must be a UUID")
    if _current_tenant.get() is not None or get_engine().current_transaction.get() is not None:
        # Never join or nest: a context that already holds one is a leak, not a caller.
        raise TransactionError("a transaction or tenant is already current in this context")
    token = _current_tenant.set(tenant_id)
    try:
        transaction = _TenantTransaction(get_engine(), tenant_id, check)
        async with transaction:
            yield transaction
    finally:
        _current_tenant.reset(token)


def with_commit(statement: str) -> None:
    """Send ``statement`` (whole SQL, its values as literals: ``core/sql.literal``) in the
    same round trip as the current tenant transaction's ``COMMIT``, just before it; on
    rollback it is never sent. One message carries both, so it costs no round trip of its
    own, and PostgreSQL gives it a snapshot of its own, taken after the statements before
    it in that message (READ COMMITTED).

    The audit chain uses this for reads: its per-tenant lock is then held only while
    the transaction commits, not for the whole request.
    """
    transaction = get_engine().current_transaction.get()
    if not isinstance(transaction, _TenantTransaction):
        raise NoTenantError("no tenant transaction to attach to: use tenant_transaction()")
    transaction._with_commit.append(statement.strip().rstrip(";"))


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


async def database_answers(within: float) -> bool:
    """Readiness: a connection of the probe's own (not the pool's) runs ``SELECT 1`` within
    ``within`` seconds."""
    connection = None
    try:
        async with asyncio.timeout(within):
            connection = await get_engine().get_new_connection()
            ok = await connection.fetchval("SELECT 1") == 1
            await connection.close()
            return bool(ok)
    except Exception:
        if connection is not None:
            connection.terminate()
        return False
