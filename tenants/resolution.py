"""Finding the tenant of a request, and the one place its transaction is opened.

A tenant is addressed by path (``/t/<slug>/``) or by subdomain
(``<slug>.<base domain>``, rewritten here to the path form). Every route under
``/t/{tenant_slug}`` passes through ``TenantTransactionMiddleware``: it reads
the body (a large one only once the ``BodyGate`` admits it), resolves the tenant,
opens ``tenant_transaction`` around the handler,
and commits only when the response is not a server error. Because Litestar turns
a handler's exception into a 500 response before a middleware sees it, the
middleware holds the response back until it has decided, then sends it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

from litestar import Litestar, Request, Router
from litestar.di import Provide
from litestar.enums import ParamType
from litestar.exceptions import (
    HTTPException,
    NoRouteMatchFoundException,
    NotAuthorizedException,
    NotFoundException,
)
from litestar.middleware import ASGIMiddleware
from litestar.openapi.spec import OpenAPI, OpenAPIType, Parameter, Schema
from litestar.params import FromPath
from litestar.status_codes import HTTP_408_REQUEST_TIMEOUT, HTTP_411_LENGTH_REQUIRED
from litestar.types import ASGIApp, ControllerRouterHandler, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from confide.platform.core import web
from confide.platform.core.db import TenantRefused, get_engine, tenant_transaction
from confide.platform.core.logs import add_context
from confide.platform.core.settings import get_settings
from confide.tenants.schemas import SLUG_PATTERN, TenantView
from confide.tenants.services import forget_tenant, get_active_tenant, request_check

TENANT_PATH = "/t/{tenant_slug:str}"
VIA_HOST = "confide.tenant_host"  # scope key: the tenant was addressed by its own host name
_STATE_KEY = "confide_tenant"


class EnterHook(Protocol):
    """What the app runs around each request's transaction (who is signed in)."""

    async def prepare(self, scope: Scope, tenant: TenantView) -> str | None:
        """Before the transaction, without the database: an SQL condition the
        transaction's BEGIN checks (what the hook kept is still current), or None."""

    async def enter(self, scope: Scope, tenant: TenantView, checked: bool) -> None:
        """First inside the transaction; ``checked``: the condition from ``prepare`` held."""


class TallyHook(Protocol):
    """Something counted with each request's BEGIN, at no round trip (the header's unread
    notifications): its rows ride the check's status (``tenants.queries.still_active``)."""

    def prepare_tally(self, scope: Scope, tenant: TenantView) -> str | None:
        """After the ``EnterHook``s' ``prepare``: a bounded ``SELECT`` of literals, or None."""

    def counted(self, scope: Scope, rows: int) -> None:
        """Inside the transaction, before the ``EnterHook``s enter: how many rows it found."""


class BodyGate(Protocol):
    """Who may send a large body: asked before it is read (the app's: a live session)."""

    async def admits_body(self, scope: Scope, tenant: TenantView) -> bool:
        """Without the database: may this request's body be read?"""


#: A body declared over this (or sent chunked, its size unknown) is read only once the
#: ``BodyGate`` admits it: nobody without a session makes the process take in an upload.
SMALL_BODY = 1024 * 1024


def _large_body(scope: Scope) -> bool:
    """A body declared over ``SMALL_BODY``; one sent chunked (no ``Content-Length``: its
    size is known only once it is all read) is refused at once, 411."""
    headers = dict(scope.get("headers", []))
    declared = headers.get(b"content-length", b"").decode("latin-1")
    if declared.isdigit():
        return int(declared) > SMALL_BODY
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        raise HTTPException(
            status_code=HTTP_411_LENGTH_REQUIRED,
            detail="The request must say how large it is (a Content-Length)",
            headers={"connection": "close"},
        )
    return False


class TenantTransactionMiddleware(ASGIMiddleware):
    """Resolve the tenant and run the request in its transaction.

    ``on_enter`` hooks (the app passes the one that finds who is signed in) prepare
    before it, and enter first inside it, so they see only this tenant's rows. The
    transaction's BEGIN checks, in its own message, that the tenant is still active and
    that what the hooks kept still holds; when that fails the request starts again
    from the database, once.
    """

    def __init__(
        self,
        on_enter: Sequence[EnterHook] = (),
        tally: TallyHook | None = None,
        body_gate: BodyGate | None = None,
    ) -> None:
        self.on_enter = tuple(on_enter)
        self.tally = tally
        self.body_gate = body_gate

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        slug = str(scope.get("path_params", {}).get("tenant_slug", ""))
        admitted = False
        if _large_body(scope) and self.body_gate is not None:
            # Before a large body is read: the tenant (kept by the process, or one short
            # read) and the gate's word (a session), so it is never taken in for nobody.
            known = await get_active_tenant(slug)
            if known is None:
                raise NotFoundException()
            if not await self.body_gate.admits_body(scope, known):
                raise NotAuthorizedException("Sign in to send this")
            admitted = True
        await read_body(scope, receive)
        before = _before_transaction(scope)
        if before is not None and (admitted or await self._admits(scope, slug)):
            await before(scope)  # CPU or a wait (an upload's checks): no connection held
        held: list[Message] = []
        status = 500

        async def hold(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            held.append(message)

        async def run(tenant: TenantView, also: list[str]) -> None:
            tally = None if self.tally is None else self.tally.prepare_tally(scope, tenant)
            check = request_check(also, tally)
            async with tenant_transaction(tenant.id, check=check) as tx:
                if self.tally is not None and tally is not None:
                    self.tally.counted(scope, tx.check_rows - 1)
                for hook in self.on_enter:
                    await hook.enter(scope, tenant, bool(also))
                await next_app(scope, receive, hold)
                if status >= 500:
                    await tx.rollback()

        try:
            # One connection for the lookup (when this process has not read the tenant
            # lately) and the transaction: one wait, not two.
            async with get_engine().reserve():
                tenant = await get_active_tenant(slug)
                if tenant is None:
                    raise NotFoundException()
                scope.setdefault("state", {})[_STATE_KEY] = tenant
                add_context(tenant=tenant.slug)
                also = [c for hook in self.on_enter if (c := await hook.prepare(scope, tenant))]
                try:
                    await run(tenant, also)
                except TenantRefused:  # suspended since this process read it, or changed
                    forget_tenant(slug)
                    if not also:
                        raise NotFoundException() from None
                    tenant = await get_active_tenant(slug)
                    if tenant is None:
                        raise NotFoundException() from None
                    try:
                        await run(tenant, [])  # everything read again
                    except TenantRefused:
                        forget_tenant(slug)
                        raise NotFoundException() from None
        except Exception:
            # Nothing was sent: the held response is dropped and the error answered in its
            # place (Litestar would otherwise take it for an error after the response began).
            ScopeState.from_scope(scope).response_started = False
            raise
        for message in held:
            await send(message)

    async def _admits(self, scope: Scope, slug: str) -> bool:
        """Whether the body gate admits this request's body (a live session here)."""
        if self.body_gate is None:
            return False
        known = await get_active_tenant(slug)
        return known is not None and await self.body_gate.admits_body(scope, known)


#: Work a route does on its request before the tenant's transaction opens (its ``opt``
#: ``before_transaction``): only for a request the body gate admits, with no database.
BeforeTransaction = Callable[[Scope], Awaitable[None]]


def _before_transaction(scope: Scope) -> BeforeTransaction | None:
    opt = getattr(scope.get("route_handler"), "opt", None) or {}
    hook = opt.get("before_transaction")
    return hook if callable(hook) else None


_BODILESS = frozenset({"GET", "HEAD"})
_FRAMING = frozenset({b"content-length", b"transfer-encoding"})


async def read_body(scope: Scope, receive: Receive) -> None:
    """Read the whole body before any database connection is taken, within
    ``CONFIDE_BODY_TIMEOUT`` (else 408) and the size limit (else 413).

    Litestar keeps the body in the scope's state, where the handler finds it. A
    client sending a byte a second then holds a socket, never a pool connection.
    A ``GET`` or ``HEAD`` that declares no body (neither length nor chunks: HTTP/1.1 then
    has none) has nothing to wait for, and skips the request object and timer.
    """
    if scope.get("method") in _BODILESS and not any(
        name in _FRAMING for name, _ in scope.get("headers", ())
    ):
        return
    request: Request[Any, Any, Any] = Request(scope, receive)
    try:
        async with asyncio.timeout(get_settings().web.body_timeout):
            await request.body()
    except TimeoutError:
        raise HTTPException(
            status_code=HTTP_408_REQUEST_TIMEOUT,
            detail="The request took too long to arrive",
            headers={"connection": "close"},
        ) from None


def tenant_router(
    route_handlers: Sequence[ControllerRouterHandler],
    on_enter: Sequence[EnterHook] = (),
    dependencies: Mapping[str, Provide] | None = None,
    tally: TallyHook | None = None,
    body_gate: BodyGate | None = None,
) -> Router:
    """Every tenant route goes through here: ``/t/{tenant_slug}/...`` in its transaction,
    with the ``tenant`` dependency and those the app adds (who is signed in)."""
    return Router(
        path=TENANT_PATH,
        route_handlers=list(route_handlers),
        middleware=[TenantTransactionMiddleware(on_enter, tally, body_gate)],
        dependencies={
            "tenant": Provide(provide_tenant, sync_to_thread=False),
            **(dependencies or {}),
        },
    )


def request_tenant(request: Request[Any, Any, Any]) -> TenantView | None:
    """The tenant resolved for this request, if it is a tenant's route."""
    tenant = request.scope.get("state", {}).get(_STATE_KEY)
    return tenant if isinstance(tenant, TenantView) else None


def tenant_base_path(request: Request[Any, Any, Any], tenant: TenantView) -> str:
    """The path prefix the browser uses for this tenant: ``/t/<slug>``, or none on its own host."""
    return "" if request.scope.get(VIA_HOST) else f"/t/{tenant.slug}"


# In the app's state, per route name and parameter names: the route's path cut around
# its parameters, or None where a parameter is not text-like (Litestar checks those).
_TEMPLATES = "confide.route_templates"
_MARK = "\0"


def reverse(app: Litestar, name: str, **params: Any) -> str:
    """``app.route_reverse``, remembered: Litestar sorts and walks the route's variants on
    every call, a twelfth of the dashboard's CPU with a link per case. The path is cut
    once around marked parameters; each later call fills the marks."""
    return _reverse(app, app.state.setdefault(_TEMPLATES, {}), name, params)


def _reverse(
    app: Litestar,
    templates: dict[tuple[str, frozenset[str]], list[str] | None],
    name: str,
    params: Mapping[str, Any],
) -> str:
    key = (name, frozenset(params))
    if key not in templates:
        try:
            marked = app.route_reverse(name, **{p: f"{_MARK}{p}{_MARK}" for p in params})
            templates[key] = marked.split(_MARK)
        except NoRouteMatchFoundException:  # an int or other typed parameter
            templates[key] = None
    pieces = templates[key]
    if pieces is None:
        return app.route_reverse(name, **params)
    return "".join(piece if n % 2 == 0 else str(params[piece]) for n, piece in enumerate(pieces))


def route_paths(request: Request[Any, Any, Any]) -> Callable[..., str]:
    """``route_path`` for the many links of one request (a page has dozens): the tenant,
    how the browser addresses it and the remembered routes are looked up once."""
    app = request.app
    templates = app.state.setdefault(_TEMPLATES, {})
    tenant = request_tenant(request)
    if tenant is None:
        return lambda name, **params: _reverse(app, templates, name, params)
    slug = tenant.slug
    prefix = "" if tenant_base_path(request, tenant) else f"/t/{slug}"

    def path(name: str, **params: Any) -> str:
        found = _reverse(app, templates, name, {"tenant_slug": slug, **params})
        if prefix and found.startswith(prefix):
            return found[len(prefix) :] or "/"
        return found

    return path


def route_path(request: Request[Any, Any, Any], name: str, **params: Any) -> str:
    """The path the browser uses for the tenant page (or API route) named ``name``: built
    from the route's name, never by joining strings, so a moved route moves every link.
    On the tenant's own host (``<slug>.<base domain>``) the ``/t/<slug>`` part is left out."""
    return route_paths(request)(name, **params)


def provide_tenant(request: Request[Any, Any, Any], tenant_slug: FromPath[str]) -> TenantView:
    """Dependency: the tenant the middleware resolved for this request.

    It names ``tenant_slug`` so that the path parameter counts as used on every tenant
    route. Otherwise Litestar, documenting a parameter no handler takes, adds it to each
    handler's signature fields while building the OpenAPI document, and from then on every
    validation 400 also lists a bogus ``tenant_slug`` error (``document_tenant_slug``
    puts the parameter back in the document)."""
    tenant = request_tenant(request)
    if tenant is None or tenant.slug != tenant_slug:
        raise RuntimeError("tenant route outside TenantTransactionMiddleware")
    return tenant


_SLUG_PARAMETER = Parameter(
    name="tenant_slug",
    param_in=ParamType.PATH,
    required=True,
    description="The service's short name",
    schema=Schema(type=OpenAPIType.STRING, pattern=SLUG_PATTERN.pattern, max_length=40),
)


def document_tenant_slug(document: OpenAPI) -> None:
    """Declare ``tenant_slug`` on every operation under ``/t/{tenant_slug}`` that does not
    take the ``tenant`` dependency (``provide_tenant`` uses it for them all)."""
    for path, item in (document.paths or {}).items():
        if not path.startswith("/t/{tenant_slug}"):
            continue
        for method in ("get", "put", "post", "delete", "options", "head", "patch", "trace"):
            operation = getattr(item, method, None)
            if operation is None:
                continue
            parameters = operation.parameters = list(operation.parameters or [])
            if not any(getattr(p, "name", None) == "tenant_slug" for p in parameters):
                parameters.append(_SLUG_PARAMETER)


class SubdomainTenants:
    """Outer ASGI layer: ``cumbria.example.org/x`` is served as ``/t/cumbria/x``.

    On a tenant's own host, a path naming another tenant is not found, so one
    tenant's host never serves another's pages (or receives its cookies).
    """

    def __init__(self, app: web.ASGIApp, base_domain: str | None) -> None:
        self.app = app
        self.suffix = "." + base_domain.lower().strip(".") if base_domain else None

    def _slug(self, scope: web.Scope) -> str | None:
        if not self.suffix:
            return None
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").lower()
        host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if not host.endswith(self.suffix):
            return None
        slug = host[: -len(self.suffix)]
        return slug if SLUG_PATTERN.match(slug) else None

    async def __call__(self, scope: web.Scope, receive: web.Receive, send: web.Send) -> None:
        slug = self._slug(scope) if scope["type"] in {"http", "websocket"} else None
        if slug:
            path: str = scope["path"]
            if path.startswith("/t/"):
                named = path.split("/", 3)[2]
                if named != slug:
                    scope = {**scope, "path": "/t/-/", "raw_path": b"/t/-/"}
            elif not _is_platform_path(path):
                prefixed = f"/t/{slug}{path}"
                scope = {**scope, "path": prefixed, "raw_path": prefixed.encode(), VIA_HOST: True}
        await self.app(scope, receive, send)


def _is_platform_path(path: str) -> bool:
    return path.startswith(("/assets/", "/healthz", "/readyz", "/schema"))
