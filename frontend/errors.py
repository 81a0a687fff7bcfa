"""Error responses: GOV.UK error pages for people, JSON for the API.

A 404 never says whether a tenant exists. A 500 is logged with the
exception (the logging set-up keeps only its type and frames), and its page
shows the request id as a reference staff can quote: it finds the log lines.
An outage of the database or Redis is a 503 that says so, not a 500
(``core/outages.py``).
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar.types import ExceptionHandlersMap

from confide.frontend.templating import page_context, page_url, redirect_to
from confide.platform.casework.access import CaseRestricted
from confide.platform.core.db import connection_lost
from confide.platform.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from confide.platform.core.logs import context_id, get_logger
from confide.platform.core.outages import (
    RETRY_AFTER_SECONDS,
    commit_uncertain,
    is_outage,
    outage_of,
)
from confide.platform.core.web import note_outage
from confide.tenants.resolution import request_tenant

log = get_logger("confide.errors")

_PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",  # a form or file past the 1 MB every request is held to
}


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    return "/api/" in path or path.startswith("/schema")


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if _wants_json(request):
        body: dict[str, Any] = {"status_code": status, "detail": exc.detail}
        if isinstance(exc, ValidationException) and exc.extra:
            body["errors"] = exc.extra
        if status == 413:  # only an upload is that large: its field is named
            body["errors"] = {"file": "The files are too large to send at once"}
        return Response(body, status_code=status, media_type=MediaType.JSON)
    if status == 401:
        return _sign_in_first(request)
    template = _PAGES.get(status)
    if template is None:
        if status >= 500:
            return server_error(request, exc)
        return Response(
            {"status_code": status, "detail": exc.detail},
            status_code=status,
            media_type=MediaType.JSON,
            headers=exc.headers,
        )
    return Template(template, context=page_context(request), status_code=status)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if is_outage(exc) or connection_lost():
        return unavailable(request, exc)
    log.error("unhandled_error", exc_info=exc)
    reference = context_id("request_id")
    if _wants_json(request):
        return Response(
            {"status_code": 500, "detail": "Internal Server Error", "reference": reference},
            status_code=HTTP_500_INTERNAL_SERVER_ERROR,
            media_type=MediaType.JSON,
        )
    return Template(
        "errors/500.html",
        context=page_context(request, reference=reference),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


def unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """503 with ``Retry-After`` for a database or Redis outage (or overload): the request's
    transaction never committed, so nothing was saved, unless the connection failed during
    ``COMMIT`` itself, which the answer then admits. The request's own log line names the
    outage; there is no error line, because nothing is wrong with the code."""
    outage = outage_of(exc)
    note_outage(request.scope, type(outage).__name__ if outage else "Unavailable")
    uncertain = commit_uncertain(exc)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _wants_json(request):
        detail = (
            "The service is briefly unavailable and could not confirm whether this was saved;"
            " retry with the same Idempotency-Key."
            if uncertain
            else "The service is briefly unavailable; nothing was saved. Try again shortly."
        )
        return Response(
            {"status_code": 503, "detail": detail, "saved": "unknown" if uncertain else False},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
            media_type=MediaType.JSON,
            headers=headers,
        )
    return Template(
        "errors/503.html",
        context=page_context(request, uncertain=uncertain, changing=request.method != "GET"),
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        headers=headers,
    )


def _sign_in_first(request: Request[Any, Any, Any]) -> Response[Any]:
    """A page that needs a signed-in member of staff sends the browser to sign in, and
    back to it afterwards (a form's post: to the dashboard)."""
    if request_tenant(request) is None:
        return Redirect("/", status_code=HTTP_303_SEE_OTHER)
    target = request.url.path if request.method == "GET" else page_url(request, "dashboard")
    return redirect_to(request, "login", query={"next": target})


def not_found_page(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    """Exception handler: the ordinary 404 page (a record missing or another tenant's)."""
    return http_error(request, NotFoundException())


def forbidden_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Exception handler: the 403 page (the person's role does not allow the act); on a
    page of a case without need-to-know, the case page, which says so and offers
    break-glass."""
    case_id = request.path_params.get("case_id") if isinstance(exc, CaseRestricted) else None
    on_case_page = getattr(request.scope.get("route_handler"), "name", None) == "case"
    if request_tenant(request) is not None and case_id is not None and not on_case_page:
        return redirect_to(request, "case", case_id=case_id)
    return http_error(request, PermissionDeniedException())


def refused_page(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """Exception handler: a rule refused what the page asked, and the page did not expect
    it; the service's own messages, and that nothing was changed."""
    messages = list(exc.errors.values()) if isinstance(exc, Invalid) else [exc.detail]
    return Template(
        "errors/refused.html",
        context=page_context(request, messages=messages),
        status_code=exc.status_code,
    )


# Registered once, on the pages' router (``frontend/routes.py``).
PAGE_ERRORS: ExceptionHandlersMap = {
    Invalid: refused_page,
    NotFound: not_found_page,
    Forbidden: forbidden_page,
    Conflict: refused_page,
}
