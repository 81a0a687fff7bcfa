"""The export page's script (issue 16): it asks for the progress alone and stops, at a
final state, when it is no longer answered with the progress (the session ended), and
after ten minutes, when the page says to refresh it; a server error or a 429 is asked
again, later. No worker runs in this module, so an
export waits until the test finishes it with the worker's own service calls; the page's
clock is Playwright's, so ten minutes pass at once. axe checks the page that stopped."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Page, expect

from confide.platform.core.db import tenant_transaction
from confide.platform.exports import services as exports
from confide.platform.identity import sessions
from e2e.casework_pages import visit
from tests.helpers.casework import enquiry
from tests.helpers.tenants import TenantRef
from tests.personas import start_session

NM = "/t/northmoor"


def _on(loop: asyncio.AbstractEventLoop, coroutine: Any) -> Any:
    """Run ``coroutine`` on the session's loop (the pool's), from Playwright's thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(loop.run_until_complete, coroutine).result(timeout=60)


class Watched:
    """An export's page with the clock installed, counting its progress requests."""

    def __init__(self, page: Page, base_url: str, export_id: str) -> None:
        self.page = page
        self.asked: list[str] = []
        page.on("request", self._seen)
        page.clock.install()
        page.goto(f"{base_url}{NM}/exports/{export_id}")
        expect(page.get_by_test_id("export-status")).to_have_text("Waiting to start")

    def _seen(self, request: Any) -> None:
        if request.url.endswith("/progress"):
            self.asked.append(request.url)

    def poll_once(self, forward: str | int = 5000) -> None:
        """Let the script's next poll go, and its answer come in."""
        before = len(self.asked)
        if isinstance(forward, str):
            self.page.clock.fast_forward(forward)
        else:
            self.page.clock.run_for(forward)
        for _ in range(50):
            if len(self.asked) > before:
                break
            self.page.wait_for_timeout(100)
        assert len(self.asked) > before, "the script did not ask again"
        self.page.wait_for_load_state("networkidle")

    def quiet_for_a_minute(self) -> None:
        """A minute on the page's clock: the script asks nothing more."""
        before = len(self.asked)
        self.page.clock.run_for(60_000)
        self.page.wait_for_timeout(1000)
        assert len(self.asked) == before, "the script kept asking"


def _export(base_url: str, token: str) -> tuple[str, str]:
    """A new case and its bundle asked for: the export's id (it waits: no worker here)."""
    with httpx.Client(base_url=base_url, cookies={"confide_session": token}) as api:
        assert api.get(f"{NM}/dashboard").status_code == 200
        headers = {"x-csrftoken": api.cookies["confide_csrf"]}
        made = api.post(f"{NM}/api/enquiries", json=enquiry(), headers=headers)
        assert made.status_code == 201, made.text
        asked = api.post(
            f"{NM}/api/cases/{made.json()['id']}/exports/bundle",
            json={"view": "full"},
            headers=headers,
        )
        assert asked.status_code == 202, asked.text
        return made.json()["id"], asked.json()["id"]


def _signed_in(
    page: Page, base_url: str, loop: asyncio.AbstractEventLoop, tenants: Any, idp: str
) -> str:
    _, token = _on(loop, start_session("aisha", tenants, idp))
    host = urlsplit(base_url).hostname or "127.0.0.1"
    page.context.add_cookies(
        [{"name": sessions.COOKIE, "value": token, "domain": host, "path": NM}]
    )
    return str(token)


async def _finish(tenant: TenantRef, export_id: uuid.UUID) -> None:
    async with tenant_transaction(tenant.id):
        await exports.start_build(export_id, 1)
    async with tenant_transaction(tenant.id):
        assert await exports.finish_build(export_id, b"built by the test")


def test_the_progress_script_stops_at_a_final_state(
    session_loop: asyncio.AbstractEventLoop,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    page: Page,  # after the session's loop: Playwright's runs in this thread from here
) -> None:
    token = _signed_in(page, base_url, session_loop, tenants, dev_idp)
    _, export_id = _export(base_url, token)
    watched = Watched(page, base_url, export_id)
    watched.poll_once()
    expect(page.get_by_test_id("export-status")).to_have_text("Waiting to start")
    _on(session_loop, _finish(tenants["northmoor"], uuid.UUID(export_id)))
    watched.poll_once()
    expect(page.get_by_test_id("export-status")).to_have_text("Ready")
    expect(page.get_by_test_id("download")).to_be_visible()
    watched.quiet_for_a_minute()
    expect(page.get_by_test_id("export-stopped")).to_be_hidden()


def test_the_progress_script_stops_after_ten_minutes_and_says_to_refresh(
    session_loop: asyncio.AbstractEventLoop,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    page: Page,  # after the session's loop: Playwright's runs in this thread from here
) -> None:
    token = _signed_in(page, base_url, session_loop, tenants, dev_idp)
    _, export_id = _export(base_url, token)
    watched = Watched(page, base_url, export_id)
    watched.poll_once()
    expect(page.get_by_test_id("export-stopped")).to_be_hidden()
    watched.poll_once("10:01")  # ten minutes on: this answer is the last it waits for
    expect(page.get_by_test_id("export-stopped")).to_be_visible()
    expect(page.get_by_test_id("export-status")).to_have_text("Waiting to start")
    watched.quiet_for_a_minute()
    visit(page, "exports-progress-stopped")


def test_the_progress_script_stops_when_the_session_has_ended(
    session_loop: asyncio.AbstractEventLoop,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    page: Page,  # after the session's loop: Playwright's runs in this thread from here
) -> None:
    token = _signed_in(page, base_url, session_loop, tenants, dev_idp)
    _, export_id = _export(base_url, token)
    watched = Watched(page, base_url, export_id)
    _on(session_loop, sessions.end(token))
    watched.poll_once()
    expect(page.get_by_test_id("export-stopped")).to_be_visible()
    watched.quiet_for_a_minute()


def test_the_progress_script_asks_again_after_a_server_error_or_a_429(
    session_loop: asyncio.AbstractEventLoop,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    page: Page,  # after the session's loop: Playwright's runs in this thread from here
) -> None:
    """A moment's trouble (a 503, then a 429) is not the end: the script waits longer and
    asks again, the page never says to refresh, and the progress comes in once answered."""
    token = _signed_in(page, base_url, session_loop, tenants, dev_idp)
    _, export_id = _export(base_url, token)
    troubles = [503, 429]

    def answer(route: Any) -> None:
        if troubles:
            route.fulfill(status=troubles.pop(0), body="Try again later")
        else:
            route.continue_()

    page.route("**/progress", answer)
    watched = Watched(page, base_url, export_id)
    watched.poll_once(30_000)
    watched.poll_once(30_000)
    assert troubles == []
    expect(page.get_by_test_id("export-stopped")).to_be_hidden()
    _on(session_loop, _finish(tenants["northmoor"], uuid.UUID(export_id)))
    watched.poll_once(30_000)
    expect(page.get_by_test_id("export-status")).to_have_text("Ready")
    expect(page.get_by_test_id("export-stopped")).to_be_hidden()
