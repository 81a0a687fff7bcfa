"""HTTP glue shared by the API and the pages: who is signed in, and the role guards.

``attach_staff`` is the tenant middleware's hook: it reads the session cookie
before the tenant's transaction and leaves the member of staff, or nobody, on
the request inside it. Guards are small named functions; the tenant admin
role alone does not open case work. Guards are coroutines: Litestar runs a plain
function guard in a worker thread, a hop that cost a fifth of a case read's CPU.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from confide.platform.core.logs import add_context
from confide.platform.identity import sessions, staff
from confide.platform.identity.schemas import StaffView
from confide.tenants.roles import StaffRole
from confide.tenants.schemas import TenantView

_SESSION = "confide_session"
_PENDING = "confide_session_pending"  # scope state: what prepare found, for enter
_GATED = "confide_session_gated"  # scope state: the session the body gate found

#: A route's ``opt`` for what a page's script asks on its own, over and over (an export's
#: progress): it never renews the session's idle timer, so a person who walked away from
#: the page is signed out on time. Anything a person does renews it as before.
BACKGROUND_POLL = {"renews_session": False}


def _renews_session(scope: Any) -> bool:
    handler = scope.get("route_handler")
    return bool(getattr(handler, "opt", {}).get("renews_session", True))


def _cookie(scope: Any, name: str) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _, cookie_value = part.strip().partition("=")
                if cookie_name == name:
                    return str(cookie_value)
    return None


class AttachStaff:
    """The tenant middleware's hook that finds who is signed in (``EnterHook``)."""

    async def prepare(self, scope: Any, tenant: TenantView) -> str | None:
        """Before the transaction: the session from the store, and, when this process
        keeps its member of staff, the condition the transaction's BEGIN checks (their
        row unchanged), which saves reading it again."""
        scope["user"] = None
        token = _cookie(scope, sessions.COOKIE)
        session = await sessions.load(token, tenant.id, renew=_renews_session(scope))
        check = None if session is None else staff.session_check(tenant.id, session.user)
        scope.setdefault("state", {})[_PENDING] = (token, session, check and check[1])
        return check and check[0]

    async def admits_body(self, scope: Any, tenant: TenantView) -> bool:
        """A large body is read only for a live session (``tenants.resolution.BodyGate``):
        an upload from nobody is refused before any of it is taken in."""
        session = await sessions.load(_cookie(scope, sessions.COOKIE), tenant.id)
        scope.setdefault("state", {})[_GATED] = session
        return session is not None

    async def enter(self, scope: Any, tenant: TenantView, checked: bool) -> None:
        """Inside the transaction: the request's ``user`` (``request.user``) is the
        ``StaffView`` or None. ``checked``: the condition ``prepare`` gave held."""
        token, session, version = scope["state"].pop(_PENDING)
        if session is None:
            return
        user = await staff.session_allowed(
            session.user,
            datetime.fromtimestamp(session.started, UTC),
            unchanged_since=version if checked else None,
        )
        if user is None:
            await sessions.end(token)
            return
        scope["user"] = user
        scope["state"][_SESSION] = (token, session)
        add_context(user_id=str(user.id))


attach_staff = AttachStaff()


def signed_in_without(scope: Any, role: StaffRole) -> bool:
    """Before the transaction, without the database: the session the body gate admitted
    was signed in without ``role``. A hint only (roles are read again inside, and change
    at a sign-in): it spares work for a request the guards will refuse, never admits one;
    a session from before roles were kept in it says nothing (False)."""
    session = scope.get("state", {}).get(_GATED)
    if not isinstance(session, sessions.StaffSession) or session.roles is None:
        return False
    return role.value not in session.roles


def pending_user_id(scope: Any) -> UUID | None:
    """Between ``prepare`` and ``enter``: whose session the request carries (not yet checked
    against their row: what is read for them must not outlive a refused session)."""
    pending = scope.get("state", {}).get(_PENDING)
    if not pending or pending[1] is None:
        return None
    user: UUID = pending[1].user
    return user


def current_staff(connection: ASGIConnection[Any, Any, Any, Any]) -> StaffView | None:
    """``request.user``, typed; None outside a tenant's routes or for nobody signed in."""
    user = connection.scope.get("user")
    return user if isinstance(user, StaffView) else None


def current_session(
    connection: ASGIConnection[Any, Any, Any, Any],
) -> tuple[str, sessions.StaffSession] | None:
    value = connection.scope.get("state", {}).get(_SESSION)
    return value if isinstance(value, tuple) else None


def provide_staff(request: Request[Any, Any, Any]) -> StaffView:
    """Dependency: the signed-in member of staff (guards have made sure there is one)."""
    user = current_staff(request)
    if user is None:
        raise NotAuthorizedException()
    return user


def _require(connection: ASGIConnection[Any, Any, Any, Any], *roles: StaffRole) -> StaffView:
    user = current_staff(connection)
    if user is None:
        raise NotAuthorizedException()
    if roles and not user.has(*roles):
        raise PermissionDeniedException()
    return user


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Any member of staff with a role."""
    _require(connection)


async def case_worker(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Case work is open to caseworkers and managers, not to the admin role alone."""
    _require(connection, StaffRole.CASEWORKER, StaffRole.MANAGER)


async def manager(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection, StaffRole.MANAGER)


async def manager_or_admin(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """The policy's review (policy 5.3): the service's managers, or its admins."""
    _require(connection, StaffRole.MANAGER, StaffRole.TENANT_ADMIN)


async def tenant_admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _require(connection, StaffRole.TENANT_ADMIN)
