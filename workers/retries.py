"""What a task does when its work fails: retry an outage with backoff, give up on the rest.

An outage of PostgreSQL or Redis (``core/outages.py``) is retried after 1, 2, 4 ...
seconds, capped at ``CONFIDE_TASK_RETRY_BACKOFF_MAX``, up to
``CONFIDE_TASK_MAX_RETRIES`` times; bodies are idempotent, so running again is
safe. Anything else, or an outage that outlasts the retries, is a task that gave
up: it goes on the dead-letter list (``dead_letters.py``) and fails as before. A task
whose record would otherwise stay half-done (an export left ``running``) passes
``on_give_up``, which records the failure where the user sees it; it is tried once,
and if the outage still holds, that is logged and the record stays as it was (the
requests domain lets a stalled release be asked for again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from celery import Task
from celery.exceptions import TaskPredicate

from confide.platform.core.logs import get_logger
from confide.platform.core.outages import outage_of
from confide.platform.core.settings import get_settings
from confide.workers import dead_letters

R = TypeVar("R")
log = get_logger("confide.tasks")


def backoff(attempt: int) -> int:
    """Seconds before retry ``attempt`` (0 for the first): doubling, capped."""
    return int(min(get_settings().tasks.retry_backoff_max, 2**attempt))


def will_retry(task: Task[Any, Any], error: BaseException) -> bool:
    """Whether ``error`` in ``task``'s current attempt is an outage it will retry."""
    return outage_of(error) is not None and task.request.retries < get_settings().tasks.max_retries


def failure_kind(error: BaseException) -> str:
    """What failed, by type only (never a message): the outage's when it is one."""
    return type(outage_of(error) or error).__name__


def with_retries(
    task: Task[Any, Any],
    work: Callable[[], R],
    tenant_id: str = "",
    on_give_up: Callable[[BaseException], None] | None = None,
) -> R:
    """Run ``work`` for ``task``, retrying it on an outage and dead-lettering it on giving
    up, when ``on_give_up`` is called with the error (once; its own failure is logged)."""
    try:
        return work()
    except TaskPredicate:
        raise  # a retry (or reject) the work asked for itself: not a failure
    except Exception as error:
        attempt = task.request.retries
        kind = failure_kind(error)
        if will_retry(task, error):
            wait = backoff(attempt)
            log.warning("task_retry", error=kind, attempt=attempt + 1, in_seconds=wait)
            raise task.retry(countdown=wait, max_retries=get_settings().tasks.max_retries) from None
        dead_letters.record(task.name, task.request.id or "", tenant_id, kind, attempt + 1)
        log.error("task_gave_up", error=kind, attempts=attempt + 1)
        if on_give_up is not None:
            try:
                on_give_up(error)
            except Exception as also:
                log.error("task_give_up_failed", error=failure_kind(also))
        raise
