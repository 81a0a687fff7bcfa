"""ASGI layers around the whole app: a fresh context, request id, the request log line,
security headers.

They wrap the app from outside so that every response gets them, including a
404 for a path no route matches.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from confide.platform.core.logs import bind_context, get_logger

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# Any ASGI callable (Litestar types its own scope and messages more narrowly).
ASGIApp = Callable[..., Awaitable[None]]

log = get_logger("confide.request")

_NOTES = "confide.log_notes"  # scope key: extra fields for the request's log line
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_SECURITY_HEADER_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class RequestLayer:
    """Runs each request in an empty context, binds its logging context, and writes one
    line when it ends.

    The empty context is what keeps one request's transaction and tenant out of the
    next: the server creates a request's task in whatever context its connection's
    read callback holds, and asyncio gives that callback the context of the moment
    reading was resumed, which for a body past uvicorn's 64 KB mark is inside the
    previous request (CPython issue 140947). Nothing a request sets can outlive it.

    The line holds the route template, never the raw path or query string,
    because either may carry a name or a date of birth.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        # A task of its own, in a context of its own; cancelling this one cancels it.
        await asyncio.create_task(
            self._request(scope, receive, send), context=contextvars.Context()
        )

    async def _request(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else str(uuid.uuid4())
        bind_context(request_id=request_id)
        notes: dict[str, str] = {}
        scope[_NOTES] = notes
        status = 500
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in _SECURITY_HEADER_NAMES
                ]
                headers.extend(SECURITY_HEADERS)
                if scope.get("scheme") == "https":
                    headers.append(HSTS)
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log.info(
                "request",
                method=scope.get("method"),
                route=scope.get("path_template", "unmatched"),
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
                **notes,
            )


def note_outage(scope: Mapping[str, Any], error: str) -> None:
    """Name, on the request's own log line, the outage that answered it (an error type)."""
    notes = scope.get(_NOTES)
    if isinstance(notes, dict):
        notes["outage"] = error
