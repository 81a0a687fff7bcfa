"""Sending tasks to the fault stack's broker and watching their rows appear."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg
from celery import Celery

from tests.faults.stack import Stack


async def tenant_id(stack: Stack, slug: str) -> str:
    rows = await stack.sql("SELECT id FROM tenants WHERE slug = $1", slug)
    return str(rows[0]["id"])


async def send_heartbeat(stack: Stack, tenant: str, period: datetime | str) -> str:
    """Queue a tenant's heartbeat on the stack's Redis, as beat's fan-out does; its task id."""
    value = period.isoformat() if isinstance(period, datetime) else period
    return await asyncio.to_thread(_send, stack.redis.url, tenant, value)


def _send(broker: str, tenant: str, period: str) -> str:
    producer = Celery(broker=broker)
    try:
        sent = producer.send_task("confide.housekeeping.heartbeat", args=[tenant, period])
        return str(sent.id)
    finally:
        producer.close()


async def heartbeats(stack: Stack, slug: str, period: datetime) -> int:
    rows = await stack.sql(
        "SELECT count(*) AS n FROM housekeeping_heartbeats h JOIN tenants t ON t.id = h.tenant_id"
        " WHERE t.slug = $1 AND h.period_start = $2",
        slug,
        period,
    )
    return int(rows[0]["n"])


async def wait_until(check: Callable[[], Awaitable[Any]], seconds: float) -> float:
    """Poll ``check`` until it is truthy; how long that took. Fails after ``seconds``."""
    started = time.monotonic()
    while True:
        try:
            if await check():
                return round(time.monotonic() - started, 2)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            pass  # the database itself may be on its way back
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        await asyncio.sleep(0.25)
