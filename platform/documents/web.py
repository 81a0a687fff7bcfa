"""What the API and the pages share to take an upload and send a file (Litestar)."""

from __future__ import annotations

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

from confide.platform.documents import services
from confide.platform.documents.schemas import (
    FORM_ALLOWANCE,
    MAX_BYTES_CEILING,
    MAX_FILES,
    UPLOAD_BODY_CAP,
    UploadedFile,
)

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


async def inspect_uploads(scope: Scope) -> None:
    """Before the request's transaction (the tenant middleware's ``before_transaction``
    hook, for a request it lets send a body): each uploaded file's type from its bytes,
    and the scanning hook, so neither holds a pooled database connection. The checks
    inside the transaction use what this found (``uploaded_files``); more files than an
    upload may hold, and a body that is not a form, are left to the route, which answers
    them after its guards."""
    request: Request[Any, Any, Any] = Request(scope)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return
    try:
        files = await _read_files(await request.form(), "file")
    except ClientException:
        return  # a broken body: the route answers it after its guards, as before
    if len(files) > MAX_FILES:
        return
    scope.setdefault("state", {})[_INSPECTED] = [
        replace(f, inspection=await services.inspect(f.data)) if f.data else f for f in files
    ]


#: A route's ``opt``: its CSRF token is checked by the handler (``check_csrf``).
UNCHECKED_CSRF = {"exclude_from_csrf": True}
#: An upload route's ``opt``: its files are inspected before the transaction.
INSPECTED_UPLOAD = {"before_transaction": inspect_uploads}
#: Both, for a page's upload route.
INSPECTED_PAGE_UPLOAD = {**UNCHECKED_CSRF, **INSPECTED_UPLOAD}


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
