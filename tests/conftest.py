"""Fixtures for talking to the app from the outside, over HTTP, as the personas, and a
real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.environment import RUN
from tests.helpers.http import http_client
from tests.helpers.storage import S3Server, s3_server
from tests.helpers.tenants import TenantRef


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """A real S3-compatible server (SeaweedFS) for this run, started on first use."""
    with s3_server() as server:
        yield server


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


@pytest.fixture(scope="module")
def worker_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's Celery worker writes."""
    return tmp_path_factory.mktemp("worker") / "worker.log"


@pytest.fixture(scope="module")
def worker_includes() -> list[str]:
    """Modules of tasks the module's worker imports beside the app's (a module overrides it:
    ``tests/test_jobs.py`` adds its test job)."""
    return []


@pytest.fixture(scope="module")
def worker(
    database: Any, worker_log: Path, worker_includes: list[str]
) -> Iterator[subprocess.Popen[str]]:
    """A real Celery worker on the run's Redis, one per test module that asks for it."""
    out = worker_log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "confide.workers.celery_app:celery_app",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{RUN}@localhost",
            "--loglevel=INFO",
            *(f"--include={name}" for name in worker_includes),
        ],
        env=dict(os.environ),
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    out.close()
