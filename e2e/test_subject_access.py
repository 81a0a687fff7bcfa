"""Journeys (issue 17, rule 30): a manager logs a parent's subject access request about an
8-year-old, confirms identity, sees the deadline, has the bundle built by a real worker,
redacts a third party's name, approves and releases it; a 14-year-old's own request goes
ahead while their parent's request about them waits for the young person's agreement.
axe checks every page on the way."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import httpx
from playwright.sync_api import Page

from confide.platform.core.clock import service_today
from confide.platform.core.deadlines import subject_access_clock
from e2e.casework_pages import visit
from tests.helpers.casework import enquiry
from tests.helpers.exports import open_bundle
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


def _case(
    base_url: str, token: str, age: int, note: str | None = None
) -> tuple[dict[str, Any], httpx.Client, dict[str, str]]:
    api = httpx.Client(base_url=base_url, cookies={"confide_session": token}, timeout=30)
    assert api.get(f"{ED}/dashboard").status_code == 200
    headers = {"x-csrftoken": api.cookies["confide_csrf"]}
    today = service_today()
    young = {**enquiry()["young_person"], "date_of_birth": str(date(today.year - age, 1, 1))}
    made = api.post(f"{ED}/api/enquiries", json=enquiry(young_person=young), headers=headers)
    assert made.status_code == 201, made.text
    case: dict[str, Any] = made.json()
    if note:
        body = {"body": note, "side": "shared"}
        added = api.post(f"{ED}/api/cases/{case['id']}/notes", json=body, headers=headers)
        assert added.status_code == 201, added.text
    return case, api, headers


def _task(page: Page, name: str) -> str:
    item = page.get_by_test_id("sar-tasks").locator(".govuk-task-list__item", has_text=name)
    return item.locator(".govuk-task-list__status").inner_text().strip()


def test_a_manager_answers_a_parents_request_about_an_8_year_old_with_a_name_redacted(
    export_worker: subprocess.Popen[bytes],
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
) -> None:
    _, token = _on(session_loop, start_session("bronwen", tenants, dev_idp))
    third = f"Grimes{uuid.uuid4().hex[:6]}"
    case, api, _ = _case(base_url, token, 8, f"Mr {third} from next door rang about Sam")
    api.close()

    sign_in_as(page, "bronwen")
    page.goto(f"{base_url}{ED}/cases/{case['id']}/requests/new")
    received = service_today() - timedelta(days=3)
    page.get_by_test_id("kind-subject_access").check()
    page.get_by_test_id("field-requester_name").fill("Ada Okafor")
    page.get_by_test_id("relation-parent").check()
    _date(page, "received_on", received)
    page.get_by_test_id("channel-email").check()
    page.get_by_test_id("save-request").click()
    visit(page, "sar-logged")
    assert page.get_by_test_id("sar-waits-for").inner_text() == "Nothing: it can go ahead"
    assert _task(page, "Build the bundle") == "Cannot start yet"

    page.get_by_test_id("field-evidence").fill("Passport seen at the office")
    _date(page, "confirmed_on", received)
    page.get_by_test_id("confirm-identity").click()
    visit(page, "sar-identity-confirmed")
    due = subject_access_clock(received, identity_confirmed_on=received).due_on
    assert due is not None
    shown = page.get_by_test_id("request-deadline").inner_text()
    assert shown.startswith(f"{due.day} {due.strftime('%B %Y')}"), shown

    page.get_by_test_id("build-bundle").click()
    visit(page, "sar-bundle-building")
    deadline = time.monotonic() + 60
    while not page.get_by_test_id("start-review").count():
        assert export_worker.poll() is None, "the worker died"
        assert time.monotonic() < deadline, "the bundle was never ready"
        page.reload()
        page.wait_for_load_state()
    assert _task(page, "Review redactions") == "Incomplete"
    page.get_by_test_id("start-review").click()
    visit(page, "sar-review")
    row = page.get_by_test_id("review-item").filter(has_text=third)
    row.get_by_test_id("phrase").fill(third)
    row.get_by_test_id("redact-text").click()
    visit(page, "sar-review-marked")
    assert third in page.get_by_test_id("marks").inner_text()
    page.get_by_test_id("approve-release").click()
    # The redacted bundle is built by the worker: the page puts its progress, then the
    # release form, in place while it is open (JavaScript), as an export's own page does.
    page.get_by_test_id("record-release").wait_for(timeout=60_000)
    visit(page, "sar-approved")
    page.reload()
    assert _task(page, "Approve and release") == "Incomplete"
    page.get_by_test_id("method-secure_link").check()
    page.get_by_test_id("record-release").click()
    visit(page, "sar-released")
    assert _task(page, "Approve and release") == "Completed"
    assert "By a secure link" in page.get_by_test_id("sar-released").inner_text()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="The redacted bundle").click()
    with open(downloading.value.path(), "rb") as zipped:
        released = open_bundle(zipped.read())
    assert third not in released.pdf_text
    assert third not in released.json_text


def test_a_14_year_olds_own_request_proceeds_while_their_parents_waits_for_their_agreement(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
) -> None:
    _, token = _on(session_loop, start_session("bronwen", tenants, dev_idp))
    case, api, headers = _case(base_url, token, 14)
    ids: dict[str, str] = {}
    for relation, name in (("self", "Sam Okafor"), ("parent", "Ada Okafor")):
        body = {
            "kind": "subject_access", "requester_name": name, "relation": relation,
            "received_on": str(service_today()), "channel": "email", "case_id": case["id"],
        }  # fmt: skip
        logged = api.post(f"{ED}/api/requests", json=body, headers=headers)
        assert logged.status_code == 201, logged.text
        ids[relation] = logged.json()["id"]
    api.close()

    sign_in_as(page, "bronwen")
    page.goto(f"{base_url}{ED}/requests/{ids['self']}")
    visit(page, "sar-own-request")
    assert page.get_by_test_id("sar-route").inner_text() == "The young person's own request"
    assert page.get_by_test_id("sar-waits-for").inner_text() == "Nothing: it can go ahead"
    assert page.get_by_test_id("sar-view").inner_text() == "The full case file"

    page.goto(f"{base_url}{ED}/requests/{ids['parent']}")
    visit(page, "sar-parents-request-waits")
    waits = page.get_by_test_id("sar-waits-for").inner_text()
    assert waits.startswith("The young person's agreement"), waits
    assert _task(page, "Record the young person's agreement") == "Incomplete"
    page.get_by_test_id("record-agreement").click()
    visit(page, "sar-agreement-errors")
    _date(page, "agreed_on", service_today())
    page.get_by_test_id("field-agreement_evidence").fill("Signed letter from Sam")
    page.get_by_test_id("record-agreement").click()
    visit(page, "sar-agreed")
    assert page.get_by_test_id("sar-waits-for").inner_text() == "Nothing: it can go ahead"
    assert page.get_by_test_id("sar-view").inner_text().startswith("The parent's view")
