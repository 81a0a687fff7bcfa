"""The platform operators' pages under ``/operator``: sign-in, the tenant registry, sign-out.

Outside every tenant: no tenant transaction is opened here, so even a
mistake could not read a tenant-owned row (with no tenant set, row-level
security shows none). The pages show registry fields only. The controllers
translate HTTP; ``confide.platform.operators`` does the work and the auditing.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_429_TOO_MANY_REQUESTS,
)

from confide.frontend.operator_forms import NewTenantForm, SignInForm, TenantStatusForm
from confide.frontend.paging import PageNumber
from confide.frontend.templating import page_url, redirect_to
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
from confide.tenants.schemas import ControllerKind
from confide.tenants.services import TenantError, count_tenants, list_tenants

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
        "home_url": page_url(request, "operator-tenants"),
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
    return redirect_to(request, "operator-login")


def _sign_in_page(
    request: Request[Any, Any, Any], form: SignInForm, *, status_code: int = 200
) -> Template:
    return Template(
        "operator/login.html",
        context=_context(request, form=form, errors=form.errors),
        status_code=status_code,
    )


def _new_tenant_page(request: Request[Any, Any, Any], form: NewTenantForm) -> Template:
    status = HTTP_400_BAD_REQUEST if form.errors else 200
    return Template(
        "operator/new_tenant.html",
        context=_context(request, form=form, errors=form.errors),
        status_code=status,
    )


class OperatorSignInController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", name="operator-home")
    async def home(self, request: Request[Any, Any, Any]) -> Redirect:
        return Redirect(page_url(request, "operator-tenants"))

    @get("/login", name="operator-login")
    async def login_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if current_operator(request) is not None:
            return Redirect(page_url(request, "operator-tenants"))
        return _sign_in_page(request, SignInForm())

    @post("/login", name="operator-login-submit")
    async def login(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Email, password and a fresh code; one message for every failure."""
        form = SignInForm.posted(await request.form())
        limit = get_settings().web.operator_signin_limit_per_address
        if not await RateLimiter("operator-signin", limit, WINDOW).hit(_client_address(request)):
            form.fail("email", TOO_MANY)
            return _sign_in_page(request, form, status_code=HTTP_429_TOO_MANY_REQUESTS)
        try:
            operator = await authenticate(*form.credentials())
        except OperatorSignInFailed:
            form.fail("email", SIGN_IN_FAILED)
            return _sign_in_page(request, form, status_code=HTTP_400_BAD_REQUEST)
        # Rotation: whatever session this browser had ends; the new one has a new token.
        await sessions.end(request.cookies.get(sessions.COOKIE))
        token = await sessions.start(operator.id)
        response = redirect_to(request, "operator-tenants")
        response.set_cookie(sessions.COOKIE, token, **_cookie_flags(request))
        return response

    @post("/logout", name="operator-logout", status_code=HTTP_303_SEE_OTHER)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        await sessions.end(current_session_token(request))
        response = redirect_to(request, "operator-login")
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
        page: PageNumber = 1,
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
        return _new_tenant_page(request, NewTenantForm.blank())

    @post("/new", name="operator-tenant-create")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Check each field, provision, and audit it in the new tenant's own log."""
        form = NewTenantForm.posted(await request.form())
        wanted = form.tenant()
        operator = provide_operator(request)
        tenant = await form.save(lambda: tenancy.provision(operator, *wanted)) if wanted else None
        if tenant is None:
            return _new_tenant_page(request, form)
        return redirect_to(request, "operator-tenants", query={"created": tenant.slug})

    @post("/{slug:str}/status", name="operator-tenant-status")
    async def change_status(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Redirect:
        """Suspend (its pages and tasks stop at once, its data is kept) or restore."""
        wanted = TenantStatusForm.posted(await request.form()).status()
        if wanted is None:
            raise NotFoundException()
        try:
            await tenancy.change_status(provide_operator(request), slug, wanted)
        except TenantError:
            raise NotFoundException() from None
        return redirect_to(request, "operator-tenants")


def operator_router() -> Router:
    """The operator area: its own session middleware, and sign-in for anyone not signed in."""
    return Router(
        path=AREA,
        route_handlers=[OperatorSignInController, OperatorTenantsController],
        middleware=[OperatorSessionMiddleware()],
        exception_handlers={NotAuthorizedException: _sign_in_first},
        include_in_schema=False,
    )
