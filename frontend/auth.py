"""Sign-in pages: start at the tenant's provider, come back, sign out.

The controllers only translate HTTP; ``confide.platform.identity.signin``
does the work and the auditing. Sign-in attempts are rate limited per tenant
and per client address.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import unquote

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_429_TOO_MANY_REQUESTS,
)

from confide.frontend.templating import page_context, page_url, redirect_to, tenant_site
from confide.platform.core.settings import get_settings
from confide.platform.core.stores import RateLimiter
from confide.platform.identity import sessions, signin
from confide.platform.identity.oidc import SignInRejected
from confide.platform.identity.web import current_session
from confide.tenants.schemas import TenantView
from confide.tenants.sso.addresses import post_sign_out_uri, redirect_uri

BINDING_COOKIE = "confide_signin"
WINDOW = 300
PLAIN_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")

# What a person is told, per reason code; the code itself goes to the audit log.
MESSAGES = {
    "not_configured": (
        "Sign-in has not been set up for this service yet. Contact your administrator."
    ),
    "provider_unreachable": (
        "Your organisation's sign-in service could not be reached. Try again later."
    ),
    "unknown_or_replayed_state": (
        "This sign-in link has expired or has already been used. Start again."
    ),
    "state_for_another_tenant": "This sign-in was started for a different service. Start again.",
    "state_from_another_browser": "This sign-in was started in a different browser. Start again.",
    "provider_error": "Your organisation's sign-in service did not sign you in.",
    "email_domain_not_allowed": "Your account's email domain is not allowed for this service.",
    "group_overage": (
        "Your account is in too many groups for this service to read. "
        "Ask your administrator to assign groups to the application."
    ),
    "suspended": "Your access to this service has been suspended. Contact your manager.",
}
DEFAULT_MESSAGE = (
    "We could not sign you in. Start again, and if it happens again contact your administrator."
)


def _client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


async def _within_limits(request: Request[Any, Any, Any], tenant: TenantView) -> None:
    web = get_settings().web
    per_address = RateLimiter("signin-address", web.signin_limit_per_address, WINDOW)
    per_tenant = RateLimiter("signin-tenant", web.signin_limit_per_tenant, WINDOW)
    allowed = await per_address.hit(f"{tenant.id}:{_client_address(request)}")
    allowed = await per_tenant.hit(str(tenant.id)) and allowed
    if not allowed:
        raise HTTPException(
            status_code=HTTP_429_TOO_MANY_REQUESTS,
            detail="Too many sign-in attempts. Wait a few minutes and try again.",
        )


def safe_next(next_path: str | None, base: str, home: str) -> str:
    """``next_path`` in its plain form if it stays inside this tenant (under ``base``),
    else ``home`` (the dashboard).

    The check is made on what the browser will resolve: percent-decoded once
    (browsers treat ``%2e`` as a dot) and with its dot segments resolved. What is
    left must be a plain path of unreserved characters (no scheme, host, query,
    backslash, control character, leftover ``%`` or empty segment) under ``base``.
    """
    if not next_path:
        return home
    try:
        decoded = unquote(next_path, errors="strict")
    except UnicodeDecodeError:
        return home
    if not PLAIN_PATH.match(decoded) or "//" in decoded:
        return home
    resolved: list[str] = []
    for segment in decoded.split("/")[1:]:
        if segment == "..":
            if not resolved:
                return home
            resolved.pop()
        elif segment != ".":
            resolved.append(segment)
    path = "/" + "/".join(resolved)
    return path if path.startswith(f"{base}/") else home


def _cookie_flags(request: Request[Any, Any, Any]) -> dict[str, Any]:
    secure = get_settings().web.secure_cookies or request.url.scheme == "https"
    return {"httponly": True, "secure": secure, "samesite": "lax"}


class SignInController(Controller):
    path = "/"
    include_in_schema = False

    @get("/login", name="login")
    async def login(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        next_path: Annotated[str | None, QueryParameter(name="next", max_length=500)] = None,
    ) -> Redirect | Template:
        """Send the browser to the tenant's provider."""
        await _within_limits(request, tenant)
        home = page_url(request, "start")  # the tenant's root: its cookies' path
        back_to = safe_next(next_path, home.rstrip("/"), page_url(request, "dashboard"))
        try:
            url, binding = await signin.begin(tenant, redirect_uri(tenant_site(request)), back_to)
        except SignInRejected as rejected:
            return _error_page(request, rejected.reason)
        response = Redirect(url, status_code=HTTP_303_SEE_OTHER)
        response.set_cookie(
            BINDING_COOKIE,
            binding,
            path=home,
            max_age=signin.PENDING_SECONDS,
            **_cookie_flags(request),
        )
        return response

    @get("/auth/callback", name="callback")
    async def callback(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        code: Annotated[str | None, QueryParameter(max_length=4000)] = None,
        returned_state: Annotated[str | None, QueryParameter(name="state", max_length=500)] = None,
        error: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> Redirect | Template:
        """Back from the provider: validate everything, then start a fresh session."""
        await _within_limits(request, tenant)
        home = page_url(request, "start")
        try:
            signed_in, next_path = await signin.complete(
                tenant,
                state=returned_state,
                code=code,
                provider_error=error,
                binding=request.cookies.get(BINDING_COOKIE),
                redirect_uri=redirect_uri(tenant_site(request)),
            )
        except SignInRejected as rejected:
            return _error_page(request, rejected.reason)
        except signin.NoAccess:
            return Template(
                "auth/no_access.html",
                context=page_context(request),
                status_code=HTTP_403_FORBIDDEN,
            )
        # Rotation: whatever session this browser had is ended; the new one has a new id.
        await sessions.end(request.cookies.get(sessions.COOKIE))
        response = Redirect(next_path, status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(BINDING_COOKIE, path=home)
        response.set_cookie(
            sessions.COOKIE, signed_in.session_token, path=home, **_cookie_flags(request)
        )
        return response

    @post("/logout", name="logout", status_code=HTTP_303_SEE_OTHER)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        """End the session, then offer to sign out at the provider too.

        A redirect straight to the provider after this form would be blocked by
        the pages' ``form-action 'self'`` policy, so the signed-out page links there.
        """
        held = current_session(request)
        if held is not None:
            await signin.sign_out(*held)
        response = redirect_to(request, "signed-out")
        response.delete_cookie(sessions.COOKIE, path=page_url(request, "start"))
        return response

    @get("/signed-out", name="signed-out")
    async def signed_out(self, request: Request[Any, Any, Any]) -> Template:
        start = post_sign_out_uri(tenant_site(request))
        return Template(
            "auth/signed_out.html",
            context=page_context(
                request, provider_sign_out=await signin.provider_sign_out_url(start)
            ),
        )


def _error_page(request: Request[Any, Any, Any], reason: str) -> Template:
    return Template(
        "auth/error.html",
        context=page_context(request, message=MESSAGES.get(reason, DEFAULT_MESSAGE)),
        status_code=HTTP_400_BAD_REQUEST,
    )
