"""Fixtures for talking to the app from the outside, over HTTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from conftest import TenantRef


def http_client(app: Any, base_url: str = "http://testserver") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url=base_url
    )


@pytest.fixture(scope="session")
async def pool(database: dict[str, TenantRef]) -> AsyncIterator[None]:
    """The application role's connection pool, as the web process opens it."""
    from confide.platform.core.db import close_pool, start_pool

    await start_pool()
    yield
    await close_pool()


@pytest.fixture(scope="session")
def app(pool: None) -> Any:
    """The whole app as served."""
    from confide.platform.app import create_app

    return create_app()


@pytest.fixture(scope="session")
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-less client of the whole app, shared by tests that need no cookies."""
    async with http_client(app) as http:
        yield http


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client with a cookie jar of its own, like a fresh browser."""
    async with http_client(app) as http:
        yield http


def csrf_token(page: str) -> str:
    """The CSRF token from a page's form, as a browser would submit it."""
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def sign_in(
    http: httpx.AsyncClient, slug: str, sub: str, next_path: str | None = None
) -> httpx.Response:
    """The whole sign-in as a browser does it, through the development provider
    (``next_path``: the ``next`` the sign-in was started with)."""
    start = await http.get(f"/t/{slug}/login", params={"next": next_path} if next_path else None)
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    async with httpx.AsyncClient() as provider:
        form = await provider.get(authorize)
        assert form.status_code == 200, form.text
        chosen = await provider.post(authorize, data={"sub": sub})
    assert chosen.status_code == 302, chosen.text
    back = urlsplit(chosen.headers["location"])
    return await http.get(f"{back.path}?{back.query}")


# Personas (tests/personas.py): a fresh client signed in as each, by name.


@pytest.fixture
async def sign_in_as(
    app: Any, tenants: dict[str, TenantRef], dev_idp: str
) -> AsyncIterator[Callable[[str], Awaitable[httpx.AsyncClient]]]:
    """``await sign_in_as("fiona")``: a new client (its own cookie jar) signed in as her."""
    from tests.personas import sign_in_as as persona_sign_in

    async with AsyncExitStack() as stack:

        async def signed_in(name: str) -> httpx.AsyncClient:
            http = await stack.enter_async_context(http_client(app))
            await persona_sign_in(http, name, tenants, dev_idp)
            return http

        yield signed_in


@pytest.fixture
async def aisha(sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    """Aisha Rahman, a caseworker at Northmoor."""
    return await sign_in_as("aisha")


@pytest.fixture
async def tom(sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    """Tom Hargreaves, another caseworker at Northmoor."""
    return await sign_in_as("tom")


@pytest.fixture
async def fiona(sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    """Fiona MacLeod, Northmoor's service manager."""
    return await sign_in_as("fiona")


@pytest.fixture
async def gareth(sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    """Gareth Pryce, Northmoor's tenant admin (no case work)."""
    return await sign_in_as("gareth")


@pytest.fixture
async def priya(sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    """Priya Nair, a caseworker at Eastdale."""
    return await sign_in_as("priya")


@pytest.fixture
async def bronwen(sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    """Bronwen Ellis, Eastdale's service manager."""
    return await sign_in_as("bronwen")
