"""Clients of the app over HTTP, as a browser or a script with a session talks to it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.helpers.html import parse


def http_client(app: Any, base_url: str = "http://testserver") -> httpx.AsyncClient:
    """A client of ``app`` in this process, with a cookie jar of its own."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url=base_url
    )


def csrf_token(page: str) -> str:
    """The CSRF token from a page's form, as a browser would submit it."""
    found = parse(page).first("input[name=_csrf_token]")
    assert found is not None, "the page has no CSRF token"
    return found.get("value") or ""


async def post(http: httpx.AsyncClient, path: str, body: dict[str, Any]) -> httpx.Response:
    """A state-changing API call as a script with the session would make it: CSRF header."""
    return await http.post(path, json=body, headers={"x-csrftoken": http.cookies["confide_csrf"]})


async def put(http: httpx.AsyncClient, path: str, body: dict[str, Any]) -> httpx.Response:
    """A whole change through the API, with the CSRF header as ``post`` sends it."""
    return await http.put(path, json=body, headers={"x-csrftoken": http.cookies["confide_csrf"]})


async def patch(http: httpx.AsyncClient, path: str, body: dict[str, Any]) -> httpx.Response:
    """A partial change through the API, with the CSRF header as ``post`` sends it."""
    return await http.patch(path, json=body, headers={"x-csrftoken": http.cookies["confide_csrf"]})
