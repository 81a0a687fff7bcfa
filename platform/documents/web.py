"""What the API and the pages share to take an upload and send a file (Litestar)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from litestar import Request, Response
from litestar.datastructures import UploadFile

from confide.platform.documents.schemas import UploadedFile

#: An upload's body: up to ten files of the largest size a service may allow, and the form.
UPLOAD_MAX_BODY = 260 * 1024 * 1024


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
