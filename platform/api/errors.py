"""The API's error bodies, shared by every controller so clients see one shape.

400 with field-named ``errors``; 404 for a record that does not exist or is another
tenant's (the same body); 403 ``{"restricted": true, "case_id": ...}`` for a case of this
tenant the person has no need-to-know for, with nothing of the case beyond its id; 403
for an act the person's role does not allow.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.types import ExceptionHandlersMap

from confide.platform.casework.access import CaseNotFound, CaseRestricted, NotPermitted
from confide.platform.casework.records import RecordNotFound
from confide.platform.casework.schemas import CaseworkError


def json_error(body: dict[str, Any], status: int) -> Response[Any]:
    return Response(body, status_code=status, media_type=MediaType.JSON)


def invalid(_: Request[Any, Any, Any], exc: CaseworkError) -> Response[Any]:
    return json_error({"status_code": 400, "detail": "Check the fields", "errors": exc.errors}, 400)


def not_found(_: Request[Any, Any, Any], __: Exception) -> Response[Any]:
    return json_error({"status_code": 404, "detail": "Not Found"}, 404)


def restricted(_: Request[Any, Any, Any], exc: CaseRestricted) -> Response[Any]:
    return json_error(
        {
            "status_code": 403,
            "restricted": True,
            "case_id": str(exc.case_id),
            "detail": "This case is restricted. Record a reason to open it with break-glass.",
        },
        403,
    )


def not_permitted(_: Request[Any, Any, Any], __: NotPermitted) -> Response[Any]:
    return json_error({"status_code": 403, "detail": "Forbidden"}, 403)


# The handlers of every controller over case data (a controller adds its own to them).
CASE_ERRORS: ExceptionHandlersMap = {
    CaseworkError: invalid,
    CaseNotFound: not_found,
    RecordNotFound: not_found,
    CaseRestricted: restricted,
    NotPermitted: not_permitted,
}
