"""The platform operators' pages under ``/operator``: sign-in, the tenant registry, sign-out.

Outside every tenant: no tenant transaction is opened here, so even a
mistake could not read a tenant-owned row (with no tenant set, row-level
security shows none). The pages show registry fields only. The controllers
translate HTTP; ``confide.platform.operators`` does the work and the auditing.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_429_TOO_MANY_REQUESTS,
)

from confide.platform.core.pagination import Page
from confide.platform.core.settings import get_settings
from confide.platform.core.stores import RateLimiter
from confide.platform.operators import sessions, tenancy
from confide.platform.operators.services import (
    SIGN_IN_FAILED,
    OperatorSignInFailed,
    authenticate,
)
from confide.platform.operators.web import (
    OperatorSessionMiddleware,
    current_operator,
    current_session_token,
    operator_required,
    provide_operator,
)
from confide.tenants.schemas import ControllerKind, TenantStatus
from confide.tenants.services import TenantError, count_tenants, list_tenants

FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AREA = "/operator"
SERVICE_NAME = "Confide operators"
TENANT_PAGE = 25
WINDOW = 300
TOO_MANY = "Too many sign-in attempts from your network. Wait 5 minutes, then try again."
CONTROLLER_KINDS = {ControllerKind.COUNCIL: "Council", ControllerKind.CHARITY: "Charity"}


def _context(request: Request[Any, Any, Any], **extra: Any) -> dict[str, Any]:
    """What base.html needs, for the platform: no tenant, no staff, maybe an operator."""
    return {
        "tenant": None,
        "staff": None,
        "service_name": SERVICE_NAME,
        "home_url": f"{AREA}/tenants",
        "base_path": AREA,
        "operator": current_operator(request),
        "controller_kinds": CONTROLLER_KINDS,
        **extra,
    }


def _cookie_flags(request: Request[Any, Any, Any]) -> dict[str, Any]:
    secure = get_settings().web.secure_cookies or request.url.scheme == "https"
    return {"httponly": True, "secure": secure, "samesite": "strict", "path": sessions.COOKIE_PATH}


def _client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _sign_in_first(request: Request[Any, Any, Any], _: NotAuthorizedException) -> Response[Any]:
    return Redirect(f"{AREA}/login", status_code=HTTP_303_SEE_OTHER)


class OperatorSignInController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", name="operator-home")
    async def home(self) -> Redirect:
        return Redirect(f"{AREA}/tenants")

    @get("/login", name="operator-login")
    async def login_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if current_operator(request) is not None:
            return Redirect(f"{AREA}/tenants")
        return Template("operator/login.html", context=_context(request, form={}, error=None))

    @post("/login", name="operator-login-submit")
    async def login(self, request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
        """Email, password and a fresh code; one message for every failure."""
        form = {"email": data.get("email", "")[:320]}
        limit = get_settings().web.operator_signin_limit_per_address
        if not await RateLimiter("operator-signin", limit, WINDOW).hit(_client_address(request)):
            return Template(
                "operator/login.html",
                context=_context(request, form=form, error=TOO_MANY),
                status_code=HTTP_429_TOO_MANY_REQUESTS,
            )
        try:
            operator = await authenticate(
                data.get("email", ""), data.get("password", ""), data.get("code", "")
            )
        except OperatorSignInFailed:
            return Template(
                "operator/login.html",
                context=_context(request, form=form, error=SIGN_IN_FAILED),
                status_code=HTTP_400_BAD_REQUEST,
            )
        # Rotation: whatever session this browser had ends; the new one has a new token.
        await sessions.end(request.cookies.get(sessions.COOKIE))
        token = await sessions.start(operator.id)
        response = Redirect(f"{AREA}/tenants", status_code=HTTP_303_SEE_OTHER)
        response.set_cookie(sessions.COOKIE, token, **_cookie_flags(request))
        return response

    @post("/logout", name="operator-logout", status_code=HTTP_303_SEE_OTHER)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        await sessions.end(current_session_token(request))
        response = Redirect(f"{AREA}/login", status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(sessions.COOKIE, path=sessions.COOKIE_PATH)
        return response


class OperatorTenantsController(Controller):
    path = "/tenants"
    include_in_schema = False
    guards = [operator_required]

    @get("/", name="operator-tenants")
    async def tenant_list(
        self,
        request: Request[Any, Any, Any],
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        created: Annotated[str | None, QueryParameter(max_length=40)] = None,
    ) -> Template:
        """Every tenant, a page at a time: registry fields only."""
        listed = await list_tenants(limit=TENANT_PAGE, offset=(page - 1) * TENANT_PAGE)
        pages = Page(listed, await count_tenants(), TENANT_PAGE, 0).page_count
        return Template(
            "operator/tenants.html",
            context=_context(request, tenants=listed, page=page, pages=pages, created=created),
        )

    @get("/new", name="operator-tenant-new")
    async def new_form(self, request: Request[Any, Any, Any]) -> Template:
        form = {"controller_kind": ControllerKind.COUNCIL.value}
        return Template("operator/new_tenant.html", context=_context(request, form=form, errors={}))

    @post("/new", name="operator-tenant-create")
    async def create(self, request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
        """Check each field, provision, and audit it in the new tenant's own log."""
        form = {
            "slug": data.get("slug", "").strip(),
            "display_name": data.get("display_name", "").strip(),
            "controller_kind": data.get("controller_kind", ""),
        }
        errors: dict[str, str] = {}
        if not form["slug"]:
            errors["slug"] = "Enter the service's short name"
        if not form["display_name"]:
            errors["display_name"] = "Enter the service's name"
        if form["controller_kind"] not in set(ControllerKind):
            errors["controller_kind"] = "Select who runs the service"
        if not errors:
            try:
                tenant = await tenancy.provision(
                    provide_operator(request),
                    form["slug"],
                    form["display_name"],
                    ControllerKind(form["controller_kind"]),
                )
            except TenantError as refused:
                errors.update(
                    (field, text[:1].upper() + text[1:]) for field, text in refused.errors.items()
                )
            else:
                created = f"{AREA}/tenants?created={tenant.slug}"
                return Redirect(created, status_code=HTTP_303_SEE_OTHER)
        return Template(
            "operator/new_tenant.html",
            context=_context(request, form=form, errors=errors),
            status_code=HTTP_400_BAD_REQUEST,
        )

    @post("/{slug:str}/status", name="operator-tenant-status")
    async def change_status(
        self, request: Request[Any, Any, Any], slug: FromPath[str], data: FormBody
    ) -> Redirect:
        """Suspend (its pages and tasks stop at once, its data is kept) or restore."""
        wanted = data.get("status")
        if wanted not in set(TenantStatus):
            raise NotFoundException()
        try:
            await tenancy.change_status(provide_operator(request), slug, TenantStatus(wanted))
        except TenantError:
            raise NotFoundException() from None
        return Redirect(f"{AREA}/tenants", status_code=HTTP_303_SEE_OTHER)


def operator_router() -> Router:
    """The operator area: its own session middleware, and sign-in for anyone not signed in."""
    return Router(
        path=AREA,
        route_handlers=[OperatorSignInController, OperatorTenantsController],
        middleware=[OperatorSessionMiddleware()],
        exception_handlers={NotAuthorizedException: _sign_in_first},
        include_in_schema=False,
    )
