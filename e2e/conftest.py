"""Browser journeys: the real app on a free port, driven in the OS package Chromium.

The server is the real ``confide serve`` against this run's database (made by
the harness in the repository's root conftest). Chromium is the OS package at
``/usr/bin/chromium`` or ``CONFIDE_CHROMIUM``; nothing is downloaded.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from e2e.artifacts import ARTIFACTS
from tests.helpers.environment import ROOT
from tests.helpers.tenants import TenantRef
from tests.personas import PERSONAS, start_session

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(ROOT / "e2e"):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(database: Any) -> Iterator[str]:
    port = _free_port()
    log = open(ARTIFACTS.parent / "artifacts" / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "confide.platform.cli", "serve", "--port", str(port)],
        # A period of more than 50 cases is released by the export worker (the statistics
        # journey makes one of each: tests/test_statistics_build.py has the rest).
        env={**os.environ, "CONFIDE_STATISTICS_INLINE_CASES": "50"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"confide serve did not start; see {log.name}")
        time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=15)
    log.close()


@pytest.fixture(scope="module")
def export_worker(database: Any) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker on the run's Redis, for a journey that waits on one (exports)."""
    log = open(ARTIFACTS.parent / "artifacts" / "worker.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "confide.workers.celery_app:celery_app",
            "worker", "--pool=solo", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-n", f"e2e-{os.getpid()}@localhost", "--loglevel=INFO",
        ],
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
async def session_loop(pool: None) -> asyncio.AbstractEventLoop:
    """The event loop of the session's async fixtures, which the pool belongs to."""
    return asyncio.get_running_loop()


@pytest.fixture(scope="session")
def sign_in_as(
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
) -> Callable[[Page, str], None]:
    """``sign_in_as(page, "priya")``: the page's browser holds a persona's session, written
    straight into the store the served app reads, and is on their dashboard. Only
    ``test_sign_in.py`` signs in through the provider.

    The session is written on the loop the pool belongs to (the session's async
    fixtures' loop, idle while a browser test runs), so the journeys and the async
    tests share one pool in one run."""
    from confide.platform.identity import sessions

    def signed_in(page: Page, name: str) -> None:
        slug = PERSONAS[name].tenant
        # Playwright's own loop runs in this thread, so the session loop runs in another.
        with ThreadPoolExecutor(1) as thread:
            writing = thread.submit(
                session_loop.run_until_complete, start_session(name, tenants, dev_idp)
            )
            _, token = writing.result(timeout=60)
        host = urlsplit(base_url).hostname or "127.0.0.1"
        page.context.add_cookies(
            [{"name": sessions.COOKIE, "value": token, "domain": host, "path": f"/t/{slug}"}]
        )
        page.goto(f"{base_url}/t/{slug}/dashboard")

    return signed_in


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("CONFIDE_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()
