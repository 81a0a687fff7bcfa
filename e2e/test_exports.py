"""Journey (issue 16, rule 29): a caseworker asks for the parent's view of a case's bundle
from the case page, watches its progress by refreshing the page (no JavaScript needed),
downloads the ZIP and finds the export in her list; what the young person told in
confidence is not in it. axe checks every page on the way."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from playwright.sync_api import Page

from e2e.casework_pages import visit
from tests.helpers.casework import enquiry
from tests.helpers.exports import open_bundle
from tests.helpers.tenants import TenantRef
from tests.personas import start_session

NM = "/t/northmoor"


def _session(loop: asyncio.AbstractEventLoop, coroutine: Any) -> Any:
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(loop.run_until_complete, coroutine).result(timeout=60)


def test_a_caseworker_builds_the_parents_view_bundle_watches_it_and_downloads_it(
    export_worker: subprocess.Popen[bytes],
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
) -> None:
    _, token = _session(session_loop, start_session("aisha", tenants, dev_idp))
    shared, secret = f"Shared {uuid.uuid4().hex[:8]}", f"Confided {uuid.uuid4().hex[:8]}"
    with httpx.Client(base_url=base_url, cookies={"confide_session": token}) as api:
        assert api.get(f"{NM}/dashboard").status_code == 200
        headers = {"x-csrftoken": api.cookies["confide_csrf"]}
        made = api.post(
            f"{NM}/api/enquiries", json=enquiry(contacted_by="young_person"), headers=headers
        )
        assert made.status_code == 201, made.text
        case = made.json()
        for body, side in ((shared, "shared"), (secret, "young_person_only")):
            note = api.post(
                f"{NM}/api/cases/{case['id']}/notes",
                json={"body": body, "side": side},
                headers=headers,
            )
            assert note.status_code == 201, note.text

    sign_in_as(page, "aisha")
    page.goto(f"{base_url}{NM}/cases/{case['id']}")
    page.get_by_test_id("export-bundle").click()
    visit(page, "exports-new")
    page.get_by_test_id("view-parent").check()
    page.get_by_test_id("request-bundle").click()
    visit(page, "exports-progress")
    assert page.get_by_test_id("page-heading").inner_text() == "Case bundle"
    deadline = time.monotonic() + 60
    while page.get_by_test_id("export-status").inner_text() != "Ready":
        assert export_worker.poll() is None, "the worker died"
        assert time.monotonic() < deadline, "the bundle was never ready"
        page.get_by_test_id("refresh").click()
        page.wait_for_load_state()
    visit(page, "exports-ready")
    with page.expect_download() as downloading:
        page.get_by_test_id("download").click()
    download = downloading.value
    assert case["reference"] in download.suggested_filename
    with open(download.path(), "rb") as zipped:
        bundle = open_bundle(zipped.read())
    assert shared in bundle.pdf_text
    assert secret not in bundle.pdf_text
    assert secret not in bundle.json_text

    page.get_by_test_id("nav-exports").click()
    visit(page, "exports-list")
    assert case["reference"] in page.get_by_test_id("export-table").inner_text()
