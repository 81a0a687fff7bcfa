"""HTTP glue for the operator area: who is signed in, and the guard.

``OperatorSessionMiddleware`` sits on the ``/operator`` router only. It reads
the operator cookie, never the staff one, and leaves the operator, or nobody,
on the request; the tenant routes never run it, so an operator session opens
no tenant page.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from confide.platform.core.logs import add_context
from confide.platform.operators import sessions
from confide.platform.operators.schemas import OperatorView
from confide.platform.operators.services import get_active_operator

_OPERATOR = "confide_operator"
_SESSION = "confide_operator_session"


class OperatorSessionMiddleware(ASGIMiddleware):
    """Resolve the operator cookie to an active operator, or to nobody."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = ASGIConnection[Any, Any, Any, Any](scope).cookies.get(sessions.COOKIE)
        session = await sessions.load(token)
        if session is not None:
            operator = await get_active_operator(session.operator)
            if operator is None:
                await sessions.end(token)
            else:
                state = scope.setdefault("state", {})
                state[_OPERATOR] = operator
                state[_SESSION] = token
                add_context(user_id=str(operator.id))
        await next_app(scope, receive, send)


def current_operator(connection: ASGIConnection[Any, Any, Any, Any]) -> OperatorView | None:
    operator = connection.scope.get("state", {}).get(_OPERATOR)
    return operator if isinstance(operator, OperatorView) else None


def current_session_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    token = connection.scope.get("state", {}).get(_SESSION)
    return token if isinstance(token, str) else None


def provide_operator(connection: ASGIConnection[Any, Any, Any, Any]) -> OperatorView:
    """The signed-in operator (the guard has made sure there is one)."""
    operator = current_operator(connection)
    if operator is None:
        raise NotAuthorizedException()
    return operator


async def operator_required(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Every operator page but sign-in needs a signed-in, active operator."""
    provide_operator(connection)
