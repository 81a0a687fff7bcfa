"""Who may keep a copy of a response: only what a handler marks cacheable, and never
anything that belongs to a signed-in person.

Without this, a browser keeps a case page in its cache and shows it again on
Back after its user has signed out, to whoever sits at the machine next.
"""

from __future__ import annotations

from collections.abc import Iterable

from confide.platform.core.web import ASGIApp, Message, Receive, Scope, Send

NO_STORE = (b"cache-control", b"no-store")


def _cookie_names(scope: Scope) -> set[str]:
    names: set[str] = set()
    for key, value in scope.get("headers") or []:
        if key.lower() == b"cookie":
            for pair in value.decode("latin-1").split(";"):
                names.add(pair.split("=", 1)[0].strip())
    return names


class CachePolicy:
    """Outer ASGI layer: ``Cache-Control: no-store`` unless the response may be kept.

    A response may be kept only when its handler set a ``Cache-Control`` of its
    own (the assets do), its request carried none of the session cookies, and
    it sets no cookie. Every other response (pages, API answers, redirects,
    files, errors) is ``no-store``: neither the browser nor a proxy keeps it.
    """

    def __init__(self, app: ASGIApp, session_cookies: Iterable[str]) -> None:
        self.app = app
        self.session_cookies = frozenset(session_cookies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        signed_in = not self.session_cookies.isdisjoint(_cookie_names(scope))

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {key.lower() for key, _ in headers}
                if signed_in or b"set-cookie" in names or b"cache-control" not in names:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_policy)
