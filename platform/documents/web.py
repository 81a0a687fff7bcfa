"""What the API and the pages share to take an upload and send a file (Litestar)."""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import replace
from hmac import compare_digest
from typing import Any
from urllib.parse import quote
from uuid import UUID

from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException, PermissionDeniedException
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.types import Scope
from litestar.utils.scope.state import ScopeState

from confide.platform.core.settings import get_settings
from confide.platform.documents import services
from confide.platform.documents.schemas import (
    FORM_ALLOWANCE,
    MAX_BYTES_CEILING,
    MAX_FILES,
    UPLOAD_BODY_CAP,
    UploadedFile,
)
from confide.platform.identity.web import signed_in_without
from confide.tenants.roles import StaffRole

#: An upload's body: its files together at most ``UPLOAD_BODY_CAP`` (the body is read
#: whole before the handler runs, so this bounds what one upload holds in memory), each
#: within the service's limit and at most ``MAX_FILES`` of them, and the form.
#: Litestar refuses a body over a route's limit (413) before reading it; the service's own
#: limit is checked against the declared length before the form is read
#: (``declared_length`` and ``services.check_declared_size``); a body that declares no
#: length (chunked) is refused by the tenant middleware (411), and a large one is read only
#: for a live session (``tenants.resolution.BodyGate``).
#: The pages' upload routes leave Litestar's CSRF middleware (which reads a form's whole
#: body for its token, before the session is checked) and check the token themselves once
#: the session, need-to-know and the size are (``UNCHECKED_CSRF``, ``check_csrf``).
UPLOAD_MAX_BODY = UPLOAD_BODY_CAP + FORM_ALLOWANCE
#: A new version's body: one file.
VERSION_MAX_BODY = MAX_BYTES_CEILING + FORM_ALLOWANCE


_INSPECTED = "confide_inspected_uploads"  # scope state: the files inspect_uploads read

# Per process and event loop: how many uploads are sniffed and scanned at once before
# their transactions (``CONFIDE_UPLOAD_INSPECTIONS``). Inside the transaction the pool
# bounded it; out of it, nothing else would, and a flood would overrun the scanner.
_INSPECTIONS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _inspection_slots() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slots = _INSPECTIONS.get(loop)
    if slots is None:
        settings = get_settings()
        size = settings.web.upload_inspections or settings.database.pool_max_size
        slots = _INSPECTIONS[loop] = asyncio.Semaphore(size)
    return slots


def _worth_inspecting(request: Request[Any, Any, Any], opt: dict[str, Any], posted: Any) -> bool:
    """What the route's guards would refuse, as far as is known without the database: the
    role the session signed in with, the CSRF token of a page's form and the number of
    files. Such a request is left to the route, whose guards answer it before any file is
    read: only one the route may accept is inspected here. (A body over the route's
    ``request_max_body_size`` never gets here: reading it was a 413.)"""
    if opt.get(_MANAGERS_ONLY) and signed_in_without(request.scope, StaffRole.MANAGER):
        return False
    files = posted.getall("file", []) if hasattr(posted, "getall") else []
    if len(files) > opt.get(_MOST_FILES, MAX_FILES):
        return False
    if opt.get("exclude_from_csrf"):
        try:
            check_csrf(request, posted)
        except PermissionDeniedException:
            return False
    return True


async def inspect_uploads(scope: Scope) -> None:
    """Before the request's transaction (the tenant middleware's ``before_transaction``
    hook, for a request it lets send a body): each uploaded file's type from its bytes,
    and the scanning hook, so neither holds a pooled database connection. The checks
    inside the transaction use what this found (``uploaded_files``). A request the route
    would refuse without a file read (``_worth_inspecting``), and a body that is not a
    form, are left to the route; at most ``CONFIDE_UPLOAD_INSPECTIONS`` run at once."""
    request: Request[Any, Any, Any] = Request(scope)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return
    opt = getattr(scope.get("route_handler"), "opt", None) or {}
    try:
        posted = await request.form()
    except ClientException:
        return  # a broken body: the route answers it after its guards, as before
    if not _worth_inspecting(request, opt, posted):
        return
    async with _inspection_slots():
        files = await _read_files(posted, "file")
        scope.setdefault("state", {})[_INSPECTED] = [
            replace(f, inspection=await services.inspect(f.data)) if f.data else f for f in files
        ]


_MANAGERS_ONLY = "inspect_managers_only"  # opt: the route is for managers
_MOST_FILES = "inspect_most_files"  # opt: the files the route takes at once

#: A route's ``opt``: its CSRF token is checked by the handler (``check_csrf``).
UNCHECKED_CSRF = {"exclude_from_csrf": True}
#: An upload route's ``opt``: its files are inspected before the transaction.
INSPECTED_UPLOAD: dict[str, Any] = {"before_transaction": inspect_uploads}
#: A new version's (one file).
INSPECTED_VERSION: dict[str, Any] = {**INSPECTED_UPLOAD, _MOST_FILES: 1}
#: A request's files (managers only).
INSPECTED_MANAGERS_UPLOAD: dict[str, Any] = {**INSPECTED_UPLOAD, _MANAGERS_ONLY: True}
#: The same, for a page's upload route (which checks CSRF itself).
INSPECTED_PAGE_UPLOAD = {**UNCHECKED_CSRF, **INSPECTED_UPLOAD}
INSPECTED_PAGE_VERSION = {**UNCHECKED_CSRF, **INSPECTED_VERSION}
INSPECTED_PAGE_MANAGERS_UPLOAD = {**UNCHECKED_CSRF, **INSPECTED_MANAGERS_UPLOAD}


def carry_csrf_token(request: Request[Any, Any, Any]) -> None:
    """The token a page rendered by a route that leaves the middleware puts in its form:
    the browser's CSRF cookie, as the middleware would (without it, the form shown again
    after a refusal carries no token and its next post is a 403)."""
    config = request.app.csrf_config
    assert config is not None
    state = ScopeState.from_scope(request.scope)
    cookie = request.cookies.get(config.cookie_name)
    if cookie and not isinstance(state.csrf_token, str):
        state.csrf_token = cookie


def check_csrf(request: Request[Any, Any, Any], posted: Any) -> None:
    """The CSRF check Litestar's middleware makes (the token in the header or the form,
    matching the cookie's), for a route that leaves the middleware: a mismatch is a 403."""
    config = request.app.csrf_config
    assert config is not None
    given = request.headers.get(config.header_name) or form_text(posted, "_csrf_token")
    cookie = request.cookies.get(config.cookie_name)

    def secret(token: str | None) -> str | None:
        if not token or len(token) <= CSRF_SECRET_LENGTH:
            return None
        head, mac = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
        expected = generate_csrf_hash(token=head, secret=config.secret)
        return head if compare_digest(mac, expected) else None

    mine, theirs = secret(given), secret(cookie)
    if mine is None or theirs is None or not compare_digest(mine, theirs):
        raise PermissionDeniedException("CSRF token verification failed")


def declared_length(request: Request[Any, Any, Any]) -> int | None:
    """The body's length as its ``Content-Length`` declares it (None: not declared)."""
    given = request.headers.get("content-length", "")
    return int(given) if given.isdigit() else None


async def uploaded_files(request: Request[Any, Any, Any], posted: Any) -> list[UploadedFile]:
    """The files of the multipart form's ``file`` field (its other values are text), with
    what ``inspect_uploads`` found before the transaction when it ran."""
    inspected = request.scope.get("state", {}).get(_INSPECTED)
    if inspected is not None:
        return list(inspected)
    return await _read_files(posted, "file")


async def _read_files(posted: Any, field: str) -> list[UploadedFile]:
    found = []
    for value in posted.getall(field, []) if hasattr(posted, "getall") else []:
        if isinstance(value, UploadFile):
            data = await value.read()
            if data or value.filename:
                found.append(UploadedFile(value.filename or "", data))
    return found


def form_text(posted: Any, name: str) -> str:
    value = posted.get(name) if hasattr(posted, "get") else None
    return value if isinstance(value, str) else ""


def form_uuid(posted: Any, name: str, errors: dict[str, str], message: str) -> UUID | None:
    value = form_text(posted, name).strip()
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        errors[name] = message
        return None


def attachment(filename: str) -> str:
    """A ``Content-Disposition`` that makes the browser save the file under its name."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def download_response(filename: str, content_type: str, data: bytes) -> Response[bytes]:
    """The file as an attachment of its sniffed type; never cached, never re-sniffed."""
    return Response(
        data,
        media_type=content_type,
        headers={
            "Content-Disposition": attachment(filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


async def read_form(request: Request[Any, Any, Any]) -> Any:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return {}
    return await request.form()
