"""Counting what one request sends to PostgreSQL and Redis (Zulip's query-count pattern).

PostgreSQL: what crosses the wire, read from the bytes the app's pooled connections
write. Every connection the engine hands out while counting has its transport's
``write``/``writelines`` wrapped, and the frontend messages are parsed from the stream:
each ``Query`` (simple protocol: ``BEGIN; SELECT set_config...``, ``COMMIT``, the pool's
reset) and each ``Sync`` (extended protocol: a prepare, or a bind and execute) is one
round trip, the client waiting for the server. A statement asyncpg has not prepared on
that connection yet costs a prepare round trip before its execution, and that is counted
too (warm the path up first: a steady request runs on prepared statements).

Redis: every command the app's client sends (``execute_command``, which each command
method calls); a pipeline would be one round trip. The client's own health-check
``PING`` (after 2 s idle) is not counted: it is the client's, not the request's.
"""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RoundTrips:
    """What was sent while counting: one line per round trip, to read in a failure."""

    postgres: list[str] = field(default_factory=list)
    redis: list[str] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"PostgreSQL: {len(self.postgres)} round trips"]
        lines += [f"  {n}. {what}" for n, what in enumerate(self.postgres, 1)]
        lines.append(f"Redis: {len(self.redis)} commands")
        lines += [f"  {n}. {what}" for n, what in enumerate(self.redis, 1)]
        return "\n".join(lines)


class _Wire:
    """Parses one connection's frontend messages as they are written."""

    def __init__(self, connection: Any, sink: list[str]) -> None:
        self.connection = connection
        self.sink = sink
        self.pending = b""
        self.batch: list[str] = []  # what the messages before the next Sync asked for
        # Statement names asyncpg prepared before counting began, and their text.
        self.names: dict[str, str] = {}
        for state in connection._stmt_cache.iter_statements():
            self.names[state.name] = state.query

    def feed(self, data: bytes) -> None:
        self.pending += data
        while len(self.pending) >= 5:
            kind = self.pending[:1]
            (length,) = struct.unpack("!i", self.pending[1:5])
            if len(self.pending) < 1 + length:
                return
            body, self.pending = self.pending[5 : 1 + length], self.pending[1 + length :]
            self._message(kind, body)

    def _message(self, kind: bytes, body: bytes) -> None:
        if kind == b"Q":
            self.sink.append(_short(body.rstrip(b"\0").decode()))
        elif kind == b"P":  # Parse: statement name, query text
            name, _, rest = body.partition(b"\0")
            query = rest.partition(b"\0")[0].decode()
            self.names[name.decode()] = query
            self.batch.append(f"prepare {_short(query)}")
        elif kind == b"B":  # Bind: portal name, statement name
            statement = body.split(b"\0", 2)[1].decode()
            self.batch.append(_short(self.names.get(statement, f"statement {statement!r}")))
        elif kind == b"S":
            self.sink.append("; ".join(self.batch) or "sync")
            self.batch = []


def _short(sql: str) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= 160 else sql[:157] + "..."


@asynccontextmanager
async def counting() -> AsyncIterator[RoundTrips]:
    """Count the round trips of the block (one request through the app, typically)."""
    from confide.platform.core.db import get_engine
    from confide.platform.core.stores import _root_store

    found = RoundTrips()
    engine = get_engine()
    wrapped: list[Any] = []

    def watch(connection: Any) -> None:
        inner = getattr(connection, "_con", connection)  # a pool's proxy, or the connection
        transport = inner._transport
        if "write" in vars(transport):
            return
        wire = _Wire(inner, found.postgres)
        write, writelines = transport.write, transport.writelines

        def counted_write(data: Any) -> None:
            wire.feed(bytes(data))
            write(data)

        def counted_writelines(buffers: Any) -> None:
            for data in buffers:
                wire.feed(bytes(data))
            writelines(buffers)

        transport.write = counted_write
        transport.writelines = counted_writelines
        wrapped.append(transport)

    acquire = engine.acquire

    async def counted_acquire() -> Any:
        connection = await acquire()
        watch(connection)
        return connection

    redis = _root_store()._redis  # type: ignore[attr-defined]
    execute_command: Callable[..., Any] = redis.execute_command

    async def counted_command(*args: Any, **options: Any) -> Any:
        found.redis.append(" ".join(str(a) for a in args[:1]))
        return await execute_command(*args, **options)

    engine.acquire = counted_acquire  # type: ignore[method-assign]
    redis.execute_command = counted_command
    try:
        yield found
    finally:
        del engine.acquire
        del redis.execute_command
        for transport in wrapped:
            del transport.write
            del transport.writelines
