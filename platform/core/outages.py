"""Telling an outage from a bug.

A database or Redis that is down, restarting, frozen or too busy is not a
defect of the request: the web answers 503 with ``Retry-After`` (the
transaction never committed, so nothing was saved) and tasks retry later.
Everything else stays a 500 or a failed task. The test looks along the whole
exception chain, because an outage often surfaces as a second error (a
rollback on a dead connection) raised while handling the first.
"""

from __future__ import annotations

import asyncio

import asyncpg
import redis.exceptions

RETRY_AFTER_SECONDS = 5


class Unavailable(Exception):
    """A dependency could not serve this request now; nothing was done."""


class PoolBusy(Unavailable):
    """Every database connection is in use and too many requests already wait for one."""


class ConnectionLost(Unavailable):
    """The transaction's connection died before ``COMMIT``: the server rolled it back."""


class CommitUncertain(Unavailable):
    """The connection failed during ``COMMIT``: the transaction may or may not have committed.

    Never tell the user it failed; a retry with the same idempotency key is safe.
    """


_OUTAGES: tuple[type[BaseException], ...] = (
    Unavailable,
    OSError,  # refused, reset, unreachable: a server that is down or restarting
    asyncio.TimeoutError,  # acquire, connect or command timeout: frozen or overloaded
    asyncpg.PostgresConnectionError,  # class 08: connection failures
    asyncpg.exceptions.OperatorInterventionError,  # class 57: shutdown, statement timeout
    asyncpg.exceptions.InsufficientResourcesError,  # class 53: too many connections
    asyncpg.ConnectionDoesNotExistError,  # the connection died under a query
    asyncpg.exceptions.InternalClientError,  # the protocol broke when the server went away
    redis.exceptions.ConnectionError,  # includes BusyLoadingError (Redis replaying its file)
    redis.exceptions.TimeoutError,
)


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from or while handling, as a traceback shows it: an
    error raised ``from None`` ends the chain (what it was raised while handling is put
    aside on purpose: a missing file is not a server that is down)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        if current.__cause__ is not None:
            current = current.__cause__
        elif current.__suppress_context__:
            current = None
        else:
            current = current.__context__
    return seen


def outage_of(exc: BaseException) -> BaseException | None:
    """The exception in ``exc``'s chain that shows a dependency outage, if any."""
    return next((e for e in _chain(exc) if isinstance(e, _OUTAGES)), None)


def is_outage(exc: BaseException) -> bool:
    return outage_of(exc) is not None


def commit_uncertain(exc: BaseException) -> bool:
    """True when the outage happened during ``COMMIT``, so the write may have been saved."""
    return any(isinstance(e, CommitUncertain) for e in _chain(exc))
