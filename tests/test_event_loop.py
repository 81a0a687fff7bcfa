"""Every guard, dependency and handler of the app runs on the event loop.

Litestar runs a plain function guard, dependency or handler in a worker thread unless
told otherwise: a thread hop per call, which once cost a fifth of a case read's CPU
(the role guards). A new one must be a coroutine, or declare ``sync_to_thread=False``
where it does no I/O.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.utils.predicates import is_async_callable


def _litestar() -> Litestar:
    from confide.platform.app import create_litestar

    return create_litestar()


def _handlers(app: Litestar) -> list[HTTPRouteHandler]:
    return [
        handler
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if isinstance(handler, HTTPRouteHandler)
    ]


def _off_the_loop(app: Litestar) -> list[str]:
    found: list[str] = []
    for handler in _handlers(app):
        name = handler.name or handler.handler_name
        for guard in handler.resolve_guards():
            if not is_async_callable(guard):
                found.append(
                    f"{name}: guard {getattr(getattr(guard, 'func', guard), '__name__', guard)}"
                )
        for key, provide in handler.resolve_dependencies().items():
            if provide.has_sync_callable and provide.sync_to_thread is not False:
                found.append(f"{name}: dependency {key}")
        if handler.has_sync_callable and handler.sync_to_thread is not False:
            found.append(f"{name}: handler")
    return found


def test_no_guard_dependency_or_handler_goes_to_a_thread() -> None:
    app = _litestar()
    assert len(_handlers(app)) > 50
    assert _off_the_loop(app) == []


def test_the_check_sees_a_plain_function_guard() -> None:
    from litestar import get

    def sync_guard(connection: Any, _: Any) -> None:
        return None

    @get("/probe", guards=[sync_guard])
    async def probe() -> None:
        return None

    app = Litestar([probe])
    assert _off_the_loop(app) == ["probe: guard sync_guard"]
