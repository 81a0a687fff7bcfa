"""The API's answer to a domain error, one JSON shape for each base class.

``{"status_code", "detail", ...}`` with what the error may tell beyond that
(``DomainError.details``): 400 with field-named ``errors``; 404 for a record that
does not exist or is another tenant's (the same body); 403, and for a case of this
tenant without need-to-know ``{"restricted": true, "case_id": ...}`` and nothing
else of it; 409 with the rule's ``code`` (and a refused share's reason).
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.types import ExceptionHandlersMap

from confide.platform.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound


def json_error(body: dict[str, Any], status: int) -> Response[Any]:
    return Response(body, status_code=status, media_type=MediaType.JSON)


def domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    body = {"status_code": exc.status_code, "detail": exc.detail, **exc.details()}
    return json_error(body, exc.status_code)


# Registered once, on the API's router (``platform/api/__init__.py``).
API_ERRORS: ExceptionHandlersMap = {
    Invalid: domain_error,
    NotFound: domain_error,
    Forbidden: domain_error,
    Conflict: domain_error,
}
