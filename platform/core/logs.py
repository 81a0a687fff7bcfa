"""Structured JSON logs on stdout.

A log line carries ids only: request id, tenant slug, user id, task id. Never
a name, a note, a query string or a request body. The request logger writes
the route template (``/t/{tenant_slug}/...``), not the raw path.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

# The only keys a caller may bind into the logging context.
CONTEXT_KEYS = frozenset({"request_id", "tenant", "tenant_id", "user_id", "task_id", "task"})


def configure_logging(level: str = "INFO") -> None:
    """JSON lines to stdout for structlog and for the standard library's loggers."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        # No file given: each line goes to the sys.stdout of the moment (tests capture it).
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Access logs carry raw paths and query strings: ours logs route templates instead.
    logging.getLogger("uvicorn.access").disabled = True
    # HTTP client lines quote whole URLs, which may carry codes or search terms.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


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


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
