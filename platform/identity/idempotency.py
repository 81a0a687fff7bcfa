"""Idempotency keys: a create request sent again (after a 503, a dropped connection, a
browser's resend) creates nothing twice.

A client names each create with a key of its own choosing: the API's
``Idempotency-Key`` header, or the page forms' hidden ``idempotency_key`` field
(generated with the form). A route opts in with one line,
``middleware=[idempotent(...)]``. The middleware runs inside the request's tenant
transaction, after the member of staff is known. For a key this member of staff
has used before it replays the stored answer (its status and ``Location``) and
runs nothing; otherwise it runs the handler and, if that created something (201,
or a page's 303), stores the key in the same transaction as the record, so both
commit or neither does. Concurrent requests with one key queue on an advisory
lock. The same key with a different request is refused (422). Keys live a day.

The stored answer holds no personal data: a status, a path of ids, and an HMAC of
the request (to tell a retry from a different request).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException, NoRouteMatchFoundException, ValidationException
from litestar.middleware import ASGIMiddleware
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from confide.platform.core.db import current_tenant_id
from confide.platform.core.settings import get_settings
from confide.platform.identity import queries
from confide.platform.identity.web import current_staff
from confide.tenants.resolution import route_path

HEADER = "idempotency-key"
FIELD = "idempotency_key"  # the page forms' hidden field
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
_CREATED = frozenset({201, 303})


def new_key() -> str:
    """A fresh key for a form (the template puts it in a hidden field)."""
    return secrets.token_urlsafe(18)


def idempotent(route: str = "", **sources: str) -> IdempotencyMiddleware:
    """Route middleware making a create route idempotent by key.

    ``route``: for an API route, the name of the created record's route; its ``Location``
    is built from that name (``route_path``), each of its parameters taken from this
    request's path parameter of the same name or, named in ``sources``, from a top-level
    field of the response (``idempotent("api-get-case", case_id="id")``). A page's
    redirect carries its own.
    """
    return IdempotencyMiddleware(route, sources)


class IdempotencyMiddleware(ASGIMiddleware):
    def __init__(self, route: str, sources: Mapping[str, str]) -> None:
        self.route = route
        self.sources = dict(sources)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request[Any, Any, Any] = Request(scope, receive)
        staff = current_staff(request)
        key = await _key_of(request) if request.method == "POST" else None
        if staff is None or key is None:
            await next_app(scope, receive, send)
            return
        fingerprint = await _fingerprint(request)
        await queries.lock_key(staff.id, key)
        stored = await queries.stored_key(staff.id, key)
        if stored:
            if not hmac.compare_digest(stored.fingerprint, fingerprint):
                raise HTTPException(
                    status_code=422,
                    detail="Idempotency-Key: this key was used for a different request",
                )
            await _replay(send, stored.status, stored.location)
            return

        status = 0
        headers: dict[bytes, bytes] = {}
        body = bytearray()

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.update((k.lower(), v) for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body" and self.route:
                body.extend(message.get("body", b""))
            await send(message)

        await next_app(scope, receive, watch)
        if status in _CREATED:
            location = headers.get(b"location", b"").decode("latin-1")
            if not location and self.route:
                location = self._location(request, bytes(body))
            await _store(staff.id, key, fingerprint, status, location)

    def _location(self, request: Request[Any, Any, Any], body: bytes) -> str:
        """The created record's path, from its route's name; "" if a parameter is missing."""
        try:
            decoded = json.loads(body) if body else {}
        except ValueError:
            decoded = {}
        fields = decoded if isinstance(decoded, dict) else {}
        params = {k: v for k, v in request.path_params.items() if k != "tenant_slug"}
        for param, field in self.sources.items():
            params[param] = fields.get(field)
        if any(value is None for value in params.values()):
            return ""
        try:
            return route_path(request, self.route, **params)
        except NoRouteMatchFoundException:
            return ""


async def _key_of(request: Request[Any, Any, Any]) -> str | None:
    """The request's key, from the header or the form; a malformed one is a 400."""
    value = request.headers.get(HEADER)
    field = "Idempotency-Key"
    if value is None and request.content_type[0] in {
        RequestEncodingType.URL_ENCODED,
        RequestEncodingType.MULTI_PART,
    }:
        value = (await request.form()).get(FIELD)
        field = FIELD
    if value is None or value == "":
        return None
    if not _KEY.match(str(value)):
        raise ValidationException(
            detail=f"{field}: use 8 to 128 letters, digits, '-' or '_'",
            extra=[{"key": field, "message": "use 8 to 128 letters, digits, '-' or '_'"}],
        )
    return str(value)


async def _fingerprint(request: Request[Any, Any, Any]) -> str:
    """An HMAC of what was asked: the same key with another request is refused."""
    secret = get_settings().core.require_secret_key().encode()
    message = request.method.encode() + b" " + request.url.path.encode() + b"\n"
    message += await request.body()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


async def _store(staff_id: UUID, key: str, fingerprint: str, status: int, location: str) -> None:
    await queries.delete_expired_keys(staff_id)
    await queries.insert_key(
        current_tenant_id(), staff_id, key, fingerprint, status, location[:1000]
    )


async def _replay(send: Send, status: int, location: str) -> None:
    """The stored answer again: a page's redirect, or the API's status with ``Location``."""
    headers = [(b"idempotent-replayed", b"true")]
    if location:
        headers.append((b"location", location.encode("latin-1")))
    body = b""
    if status < 300 or status >= 400:
        body = json.dumps({"status_code": status, "replayed": True, "location": location}).encode()
        headers.append((b"content-type", b"application/json"))
    headers.append((b"content-length", str(len(body)).encode()))
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": headers,
    }
    await send(start)
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(end)
