"""Tasks that act for one tenant.

A tenant task takes the tenant's id as its first argument, explicitly, and
runs its body inside ``tenant_transaction`` for that tenant: the same single
place the web requests use. A task for a suspended or unknown tenant does
nothing. Tasks acknowledge late, and are retried after an outage (``retries.py``), so
a body must be idempotent.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

from celery import Celery, Task

from confide.platform.core.db import get_engine, tenant_transaction
from confide.platform.core.logs import add_context, get_logger
from confide.tenants.services import get_active_tenant_by_id
from confide.workers.retries import with_retries

P = ParamSpec("P")
R = TypeVar("R")
log = get_logger("confide.tasks")


async def run_for_tenant(
    tenant_id: str, body: Callable[..., Awaitable[R]], *args: Any, **kwargs: Any
) -> R | None:
    """Re-enter the tenant's context and run ``body`` in its transaction."""
    async with get_engine().reserve():  # one connection for the lookup and the work
        tenant = await get_active_tenant_by_id(UUID(tenant_id))
        if tenant is None:
            log.info("task_skipped_inactive_tenant", tenant_id=tenant_id)
            return None
        add_context(tenant=tenant.slug, tenant_id=str(tenant.id))
        started = time.perf_counter()
        async with tenant_transaction(tenant.id):
            result = await body(*args, **kwargs)
    log.info("tenant_task_finished", ms=round((time.perf_counter() - started) * 1000, 1))
    return result


#: Called with the task, the tenant's id, the error, when the attempt started and the
#: task's arguments, after the body's transaction rolled back and before the retry or the
#: dead letter: a hook that records the failure in a transaction of its own.
OnError = Callable[..., Awaitable[None]]


async def _attempt(
    task: Task[Any, Any],
    tenant_id: str,
    body: Callable[..., Awaitable[R]],
    on_error: OnError | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> R | None:
    started = datetime.now(UTC)
    try:
        return await run_for_tenant(tenant_id, body, task, *args, **kwargs)
    except Exception as error:
        if on_error is not None:
            await on_error(task, tenant_id, error, started, *args, **kwargs)
        raise


def tenant_task(
    app: Celery, name: str, *, on_error: OnError | None = None
) -> Callable[[Callable[..., Awaitable[R]]], Task[Any, Any]]:
    """Register ``body`` as a Celery task called as ``task.delay(tenant_id, ...)``.

    The task receives its own request (``self``) so bodies can use its id. ``on_error``,
    if given, hears of each failed attempt (``OnError``).
    """

    def register(body: Callable[..., Awaitable[R]]) -> Task[Any, Any]:
        @app.task(name=name, bind=True, acks_late=True)
        @functools.wraps(body)
        def run(self: Task[Any, Any], tenant_id: str, *args: Any, **kwargs: Any) -> Any:
            return with_retries(
                self,
                lambda: asyncio.run(_attempt(self, tenant_id, body, on_error, args, kwargs)),
                tenant_id,
            )

        return run

    return register
