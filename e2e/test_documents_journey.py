"""Journey (issue 16, rules 6, 28, 29): a caseworker uploads a decision letter and a consent
form to a case, shares the letter with a SENCO under the family's consent, builds the case
bundle, watches its progress update in place (JavaScript: the page is never reloaded) and
downloads it with the letter inside; the share's package (a ZIP) names the letter's
version in its printable record and holds the letter; a caseworker without grounds cannot
download the letter. axe checks every page on the way."""

from __future__ import annotations

import asyncio
import subprocess
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from e2e.casework_pages import visit
from tests.helpers.casework import enquiry
from tests.helpers.consent import consent
from tests.helpers.exports import open_bundle, pdf_text
from tests.helpers.tenants import TenantRef
from tests.personas import start_session

NM = "/t/northmoor"
LETTER = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nDecision letter: EHC plan agreed\n%%EOF\n"
CONSENT_FORM = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nSigned consent form\n%%EOF\n"


def _on(loop: asyncio.AbstractEventLoop, coroutine: Any) -> Any:
    """Run ``coroutine`` on the session's loop (the pool's), from Playwright's thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(loop.run_until_complete, coroutine).result(timeout=60)


def _upload(page: Page, path: Path, title: str, kind: str) -> None:
    page.get_by_test_id("field-file").set_input_files(str(path))
    page.get_by_test_id("field-title").fill(title)
    page.get_by_test_id(f"kind-{kind}").check()
    page.get_by_test_id("upload").click()
    page.wait_for_load_state()


def test_a_caseworker_shares_a_letter_builds_the_bundle_and_watches_it_in_place(
    export_worker: subprocess.Popen[bytes],
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    _, token = _on(session_loop, start_session("aisha", tenants, dev_idp))
    with httpx.Client(base_url=base_url, cookies={"confide_session": token}) as api:
        assert api.get(f"{NM}/dashboard").status_code == 200
        headers = {"x-csrftoken": api.cookies["confide_csrf"]}
        made = api.post(f"{NM}/api/enquiries", json=enquiry(), headers=headers)
        assert made.status_code == 201, made.text
        case = made.json()
        given = api.post(f"{NM}/api/cases/{case['id']}/consents", json=consent(), headers=headers)
        assert given.status_code == 201, given.text

    sign_in_as(page, "aisha")
    page.goto(f"{base_url}{NM}/cases/{case['id']}")
    page.get_by_test_id("case-documents").click()
    visit(page, "journey-documents")
    letter, form = tmp_path / "decision-letter.pdf", tmp_path / "consent-form.pdf"
    letter.write_bytes(LETTER)
    form.write_bytes(CONSENT_FORM)
    _upload(page, letter, "Decision letter", "decision_letter")
    _upload(page, form, "Signed consent form", "consent_form")
    visit(page, "journey-documents-uploaded")
    rows = page.get_by_test_id("document-row").all_inner_texts()
    assert any("Decision letter" in r for r in rows)
    assert any("Signed consent form" in r for r in rows)
    page.get_by_test_id("document-title").filter(has_text="Decision letter").click()
    letter_url = page.get_by_test_id("download-version").first.get_attribute("href")
    assert letter_url

    # The letter to the school's SENCO, under the consent the family gave.
    page.goto(f"{base_url}{NM}/cases/{case['id']}")
    page.get_by_test_id("share-information").click()
    visit(page, "journey-share")
    page.get_by_test_id("field-recipient_org").fill("Northmoor Academy")
    page.get_by_test_id("field-recipient_role").select_option("School or SENCO")
    page.get_by_test_id("field-purpose").fill("To plan support from the EHC plan")
    item = page.get_by_test_id("items").locator(".govuk-checkboxes__item", has_text="Decision")
    item.get_by_role("checkbox").check()
    page.get_by_test_id("check-consent").click()
    visit(page, "journey-share-check")
    assert page.get_by_test_id("check-allowed").is_visible()
    page.get_by_test_id("record-share").click()
    visit(page, "journey-share-record")
    shared = page.get_by_test_id("shared-item-text").inner_text()
    assert "decision-letter.pdf" in shared
    with page.expect_download() as packaged:
        page.get_by_test_id("package-link").click()
    with zipfile.ZipFile(Path(packaged.value.path())) as package:
        [record] = [n for n in package.namelist() if n.endswith(".pdf") and "/" not in n]
        assert "Decision letter (version 1)" in pdf_text(package.read(record))
        shared_files = [n for n in package.namelist() if n.startswith("documents/")]
        assert [package.read(n) for n in shared_files] == [LETTER]  # the very file shared

    # The case bundle: its progress comes in place, without reloading the page.
    page.goto(f"{base_url}{NM}/cases/{case['id']}")
    page.get_by_test_id("export-bundle").click()
    visit(page, "journey-bundle-new")
    page.get_by_test_id("request-bundle").click()
    visit(page, "journey-bundle-progress")
    page.evaluate("window.confideNotReloaded = true")
    expect(page.get_by_test_id("export-status")).to_have_text("Ready", timeout=60_000)
    assert export_worker.poll() is None, "the worker died"
    assert page.evaluate("window.confideNotReloaded") is True  # updated in place
    visit(page, "journey-bundle-ready")
    with page.expect_download() as downloading:
        page.get_by_test_id("download").click()
    with open(downloading.value.path(), "rb") as zipped:
        content = zipped.read()
    bundle = open_bundle(content)
    assert "Decision letter" in bundle.pdf_text
    with zipfile.ZipFile(downloading.value.path()) as archive:
        files = [archive.read(n) for n in archive.namelist() if n.startswith("documents/")]
    assert LETTER in files
    assert CONSENT_FORM in files

    # Tom works at the same service but has no grounds for this case.
    _, other = _on(session_loop, start_session("tom", tenants, dev_idp))
    with httpx.Client(base_url=base_url, cookies={"confide_session": other}) as tom:
        refused = tom.get(letter_url)
        assert refused.status_code in {303, 403}  # the page route sends to "restricted"
        assert LETTER not in refused.content
