"""Journey (issue 16, rule 28): a caseworker opens the documents of her case, is told by
the error summary that a file must be chosen, uploads a decision letter (a PDF), sees it
listed and downloads it; a caseworker without grounds cannot download it. axe checks
every page on the way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page

from e2e.casework_pages import visit
from tests.helpers.casework import enquiry
from tests.helpers.tenants import TenantRef
from tests.personas import start_session

ED = "/t/eastdale"
LETTER = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nDecision letter\n%%EOF\n"


def _on(loop: asyncio.AbstractEventLoop, coroutine: Any) -> Any:
    """Run ``coroutine`` on the session's loop (the pool's), from Playwright's thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(loop.run_until_complete, coroutine).result(timeout=60)


def test_a_caseworker_uploads_a_decision_letter_and_downloads_it_and_another_cannot(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    _, token = _on(session_loop, start_session("callum", tenants, dev_idp))
    with httpx.Client(base_url=base_url, cookies={"confide_session": token}) as api:
        assert api.get(f"{ED}/dashboard").status_code == 200
        made = api.post(
            f"{ED}/api/enquiries",
            json=enquiry(),
            headers={"x-csrftoken": api.cookies["confide_csrf"]},
        )
        assert made.status_code == 201, made.text
        case = made.json()

    sign_in_as(page, "callum")
    page.goto(f"{base_url}{ED}/cases/{case['id']}")
    page.get_by_test_id("case-documents").click()
    visit(page, "documents-empty")
    assert page.get_by_test_id("no-documents").is_visible()

    page.get_by_test_id("upload").click()
    visit(page, "documents-error")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose a file to upload" in summary
    assert "Choose what kind of document it is" in summary

    letter = tmp_path / "decision-letter.pdf"
    letter.write_bytes(LETTER)
    page.get_by_test_id("field-file").set_input_files(str(letter))
    page.get_by_test_id("field-title").fill("Decision letter from the local authority")
    page.get_by_test_id("kind-decision_letter").check()
    page.get_by_test_id("upload").click()
    visit(page, "documents-uploaded")
    assert page.get_by_test_id("uploaded").is_visible()
    row = page.get_by_test_id("document-row").first.inner_text()
    assert "Decision letter from the local authority" in row
    with page.expect_download() as download:
        page.get_by_test_id("download").first.click()
    assert Path(download.value.path()).read_bytes() == LETTER
    assert download.value.suggested_filename == "decision-letter.pdf"

    page.get_by_test_id("document-title").first.click()
    visit(page, "document-versions")
    assert page.get_by_test_id("version-row").count() == 1
    file_url = page.get_by_test_id("download-version").first.get_attribute("href")
    assert file_url

    _, other = _on(session_loop, start_session("priya", tenants, dev_idp))
    with httpx.Client(base_url=base_url, cookies={"confide_session": other}) as priya:
        refused = priya.get(file_url)
        assert refused.status_code in {303, 403}
        assert LETTER not in refused.content
