"""What the API and the pages share to take an upload and send a file (Litestar)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from litestar import Request, Response
from litestar.datastructures import UploadFile

from confide.platform.documents.schemas import (
    FORM_ALLOWANCE,
    MAX_BYTES_CEILING,
    MAX_FILES,
    UploadedFile,
)

#: An upload's body: up to ten files of the largest size a service may allow, and the form.
#: Litestar refuses a body over a route's limit (413) before reading it; the service's own
#: limit is checked against the declared length before the form is read
#: (``declared_length`` and ``services.check_declared_size``).
UPLOAD_MAX_BODY = MAX_FILES * MAX_BYTES_CEILING + FORM_ALLOWANCE
#: A new version's body: one file.
VERSION_MAX_BODY = MAX_BYTES_CEILING + FORM_ALLOWANCE


def declared_length(request: Request[Any, Any, Any]) -> int | None:
    """The body's length as its ``Content-Length`` declares it (None: not declared)."""
    given = request.headers.get("content-length", "")
    return int(given) if given.isdigit() else None


async def uploaded_files(posted: Any, field: str = "file") -> list[UploadedFile]:
    """The files of a multipart form's ``field`` (its other values are text)."""
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
