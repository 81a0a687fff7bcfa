"""Fixtures for talking to the app from the outside, over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

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
async def client(pool: None) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app as served, over HTTP."""
    from confide.platform.app import create_app

    async with http_client(create_app()) as http:
        yield http
