"""Journey (issue 17, rules 26 and 27): a manager logs a parent's subject access request
from a case (the form naming what is missing first), confirms the parent's identity and
sees the deadline the engine gives, then finds the request on the register; a council
officer's request for a case file waits for the parent's signed consent form, then is
released into the case's disclosure log (rule 10). axe checks every page on the way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page

from confide.platform.core.clock import service_today
from confide.platform.core.deadlines import subject_access_clock
from e2e.casework_pages import visit
from tests.helpers.casework import enquiry
from tests.helpers.tenants import TenantRef
from tests.personas import start_session

ED = "/t/eastdale"


def _on(loop: asyncio.AbstractEventLoop, coroutine: Any) -> Any:
    """Run ``coroutine`` on the session's loop (the pool's), from Playwright's thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(loop.run_until_complete, coroutine).result(timeout=60)


def _date(page: Page, name: str, day: Any) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        page.get_by_test_id(f"field-{name}-{part}").fill(str(value))


def test_a_manager_logs_a_parents_subject_access_request_and_sees_its_deadline(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
) -> None:
    _, token = _on(session_loop, start_session("bronwen", tenants, dev_idp))
    with httpx.Client(base_url=base_url, cookies={"confide_session": token}) as api:
        assert api.get(f"{ED}/dashboard").status_code == 200
        headers = {"x-csrftoken": api.cookies["confide_csrf"]}
        made = api.post(f"{ED}/api/enquiries", json=enquiry(), headers=headers)
        assert made.status_code == 201, made.text
        case = made.json()

    sign_in_as(page, "bronwen")
    page.goto(f"{base_url}{ED}/cases/{case['id']}/requests/new")
    visit(page, "requests-log")
    page.get_by_test_id("save-request").click()
    visit(page, "requests-log-errors")
    assert "Choose what kind of request it is" in page.get_by_test_id("error-summary").inner_text()
    received = service_today() - timedelta(days=3)
    page.get_by_test_id("kind-subject_access").check()
    page.get_by_test_id("field-requester_name").fill("Ada Okafor")
    page.get_by_test_id("relation-parent").check()
    _date(page, "received_on", received)
    page.get_by_test_id("channel-email").check()
    page.get_by_test_id("save-request").click()
    visit(page, "requests-logged")
    assert page.get_by_test_id("request-stage").inner_text() == "Awaiting proof of identity"

    page.get_by_test_id("field-evidence").fill("Passport seen at the office")
    _date(page, "confirmed_on", received)
    page.get_by_test_id("confirm-identity").click()
    visit(page, "requests-identity-confirmed")
    due = subject_access_clock(received, identity_confirmed_on=received).due_on
    assert due is not None
    shown = page.get_by_test_id("request-deadline").inner_text()
    assert shown.startswith(f"{due.day} {due.strftime('%B %Y')}"), shown

    page.get_by_test_id("nav-requests").click()
    visit(page, "requests-register")
    row = page.get_by_test_id("request-row").filter(has_text=case["reference"])
    assert f"{due.day} {due.strftime('%B %Y')}" in row.get_by_test_id("request-due").inner_text()


SIGNED_FORM = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nI consent. Ada Okafor\n%%EOF\n"


def test_a_council_request_for_a_case_file_waits_for_the_parents_signed_consent_form(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    """Rule 10: a council officer's request for the case file is logged; its release is
    refused, naming the missing signed consent form; the parent's signed form is uploaded;
    the file is released and is in the case's disclosure log."""
    _, token = _on(session_loop, start_session("bronwen", tenants, dev_idp))
    with httpx.Client(base_url=base_url, cookies={"confide_session": token}) as api:
        assert api.get(f"{ED}/dashboard").status_code == 200
        headers = {"x-csrftoken": api.cookies["confide_csrf"]}
        made = api.post(f"{ED}/api/enquiries", json=enquiry(), headers=headers)
        assert made.status_code == 201, made.text
        case = made.json()
        note = api.post(
            f"{ED}/api/cases/{case['id']}/notes",
            json={"body": "Advice on the annual review"},
            headers=headers,
        )
        assert note.status_code == 201, note.text
        note_id = note.json()["note_id"]

    sign_in_as(page, "bronwen")
    page.goto(f"{base_url}{ED}/cases/{case['id']}/requests/new")
    received = service_today() - timedelta(days=2)
    page.get_by_test_id("kind-case_file").check()
    page.get_by_test_id("field-requester_name").fill("J. Clarke, SEN team")
    page.get_by_test_id("relation-council_officer").check()
    _date(page, "received_on", received)
    page.get_by_test_id("channel-email").check()
    page.get_by_test_id("save-request").click()
    visit(page, "case-file-logged")
    page.get_by_test_id("case-file-link").click()
    visit(page, "case-file-page")
    assert page.get_by_test_id("no-request-documents").is_visible()

    def fill_release() -> None:
        page.get_by_test_id("ground-signed_consent").check()
        page.get_by_test_id("given_by-parent").check()
        page.get_by_test_id("field-recipient_org").fill("Eastdale Council SEN team")
        page.get_by_test_id("field-recipient_role").fill("Local authority SEN officer")
        page.get_by_test_id(f"item-note:{note_id}").check()
        _date(page, "sent_on", service_today())
        page.get_by_test_id("method-secure_email").check()
        page.get_by_test_id("field-sent_to").fill("j.clarke@eastdale.example")

    fill_release()
    page.get_by_test_id("release").click()
    visit(page, "case-file-waits")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "signed consent form" in summary

    signed = tmp_path / "signed-consent.pdf"
    signed.write_bytes(SIGNED_FORM)
    page.get_by_test_id("field-file").set_input_files(str(signed))
    page.get_by_test_id("kind-signed_consent").check()
    page.get_by_test_id("field-title").fill("Signed consent form from Ada Okafor")
    page.get_by_test_id("request-upload").click()
    visit(page, "case-file-consent-uploaded")
    assert "Signed consent form" in page.get_by_test_id("request-documents").inner_text()

    fill_release()
    page.get_by_test_id("release").click()
    visit(page, "case-file-released")
    assert page.get_by_test_id("release-summary").is_visible()

    page.goto(f"{base_url}{ED}/cases/{case['id']}/disclosures")
    visit(page, "case-file-disclosure-log")
    row = page.get_by_test_id("disclosure-row").first.inner_text()
    assert "Eastdale Council SEN team" in row
