"""Structured JSON logs on stdout.

A log line carries ids only: request id, tenant slug, user id, task id. Never
a name, a note, a query string or a request body. The request logger writes
the route template (``/t/{tenant_slug}/...``), not the raw path. An exception
is logged by its type and the frames it passed through, never its message,
which may quote the data that caused it; this holds for every logger, ours
and the libraries' alike.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

# The only keys a caller may bind into the logging context.
CONTEXT_KEYS = frozenset({"request_id", "tenant", "tenant_id", "user_id", "task_id", "task"})

# Library loggers whose messages quote data: kept, with the message replaced.
_CELERY_TRACE = "celery.app.trace"


def exception_summary(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Replace ``exc_info`` by the exception's type and frames: no message, no locals."""
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    elif isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if isinstance(exc_info, tuple) and exc_info[0] is not None:
        event["error"] = exc_info[0].__name__
        event["frames"] = [
            f"{frame.filename}:{frame.lineno}:{frame.name}"
            for frame in traceback.extract_tb(exc_info[2])[-10:]
        ]
    return event


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to ``file``, or to the ``sys.stdout`` of the moment, like the structlog side."""

    def __init__(self, file: TextIO | None = None) -> None:
        self._file = file
        super().__init__(sys.stdout)

    @property
    def stream(self) -> Any:
        return self._file or sys.stdout

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


class _TaskTraceFilter(logging.Filter):
    """Celery's trace lines quote a task's return value or exception: keep the outcome only."""

    def filter(self, record: logging.LogRecord) -> bool:
        data = record.args if isinstance(record.args, dict) else {}
        outcome = "failed" if record.levelno >= logging.ERROR else "done"
        record.msg = f"celery_task_{outcome} {data.get('name', '')}[{data.get('id', '')}]"
        record.args = None
        return True


class _ReconnectNoise(logging.Filter):
    """When the broker drops, Celery restarts its consumer's steps, and each step that cannot
    stop on the dead connection (Gossip, Mingle, ...) logs "Error on restarting" with a
    traceback. Celery already logs the lost connection and the reconnect once: drop these."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (str(record.msg).startswith("Error on %s") and args[:1] == ("restarting",))


def configure_logging(level: str = "INFO", file: TextIO | None = None) -> None:
    """JSON lines to stdout (or ``file``) for structlog and the standard library's loggers."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, exception_summary, structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        # No file given: each line goes to the sys.stdout of the moment (tests capture it).
        logger_factory=structlog.PrintLoggerFactory(file),
        cache_logger_on_first_use=False,
    )
    handler = _StdoutHandler(file)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                exception_summary,
                structlog.processors.JSONRenderer(),
            ],
            foreign_pre_chain=shared,
            pass_foreign_args=False,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Access logs carry raw paths and query strings: ours logs route templates instead.
    logging.getLogger("uvicorn.access").disabled = True
    # HTTP client lines quote whole URLs, which may carry codes or search terms.
    for noisy in ("httpx", "httpx2", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    trace = logging.getLogger(_CELERY_TRACE)
    if not any(isinstance(f, _TaskTraceFilter) for f in trace.filters):
        trace.addFilter(_TaskTraceFilter())
    bootsteps = logging.getLogger("celery.bootsteps")
    if not any(isinstance(f, _ReconnectNoise) for f in bootsteps.filters):
        bootsteps.addFilter(_ReconnectNoise())


def bind_context(**values: str) -> None:
    """Replace the logging context with these ids (per request, per task)."""
    unknown = set(values) - CONTEXT_KEYS
    if unknown:
        raise ValueError(f"not a logging context key: {sorted(unknown)}")
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(**values)


def add_context(**values: str) -> None:
    """Add ids to the current logging context (tenant once resolved, user once known)."""
    unknown = set(values) - CONTEXT_KEYS
    if unknown:
        raise ValueError(f"not a logging context key: {sorted(unknown)}")
    structlog.contextvars.bind_contextvars(**values)


def context_id(key: str) -> str | None:
    """An id bound in the logging context now (``request_id`` in a request): the value
    every log line of this request or task carries."""
    value = structlog.contextvars.get_contextvars().get(key)
    return str(value) if value is not None else None


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
