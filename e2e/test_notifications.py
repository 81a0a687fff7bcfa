"""Journey (issue 15): a caseworker asks a manager to authorise a share beyond consent; the
manager sees the count in the header, opens the notifications list, follows the
notification to the request and marks it read; then reviews a use of break-glass from
the log of those still to review. No JavaScript needed; axe checks each new page."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any

import httpx
from playwright.sync_api import Page

from e2e.casework_pages import visit
from tests.helpers.casework import enquiry
from tests.helpers.consent import consent, share_body
from tests.helpers.tenants import TenantRef
from tests.personas import start_session

NM = "/t/northmoor"


def _on(loop: asyncio.AbstractEventLoop, coroutine: Any) -> Any:
    """Run ``coroutine`` on the session's loop (the pool's), from Playwright's thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(loop.run_until_complete, coroutine).result(timeout=60)


def _api(base_url: str, token: str) -> httpx.Client:
    api = httpx.Client(base_url=base_url, cookies={"confide_session": token})
    assert api.get(f"{NM}/dashboard").status_code == 200
    api.headers["x-csrftoken"] = api.cookies["confide_csrf"]
    return api


def test_a_manager_sees_a_notification_for_a_share_awaiting_authorisation(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
) -> None:
    _, aisha_token = _on(session_loop, start_session("aisha", tenants, dev_idp))
    _, tom_token = _on(session_loop, start_session("tom", tenants, dev_idp))
    # Fiona starts with nothing unread, so the count she sees is this journey's.
    sign_in_as(page, "fiona")
    page.goto(f"{base_url}{NM}/notifications")
    if page.get_by_test_id("read-all").count():
        page.get_by_test_id("read-all").click()
        page.wait_for_load_state()
    assert page.get_by_test_id("unread-count").inner_text() == "0"

    with closing(_api(base_url, aisha_token)) as aisha:
        case = aisha.post(f"{NM}/api/enquiries", json=enquiry()).json()
        note = aisha.post(
            f"{NM}/api/cases/{case['id']}/notes", json={"body": "Bruising seen at the meeting"}
        ).json()["note_id"]
        assert aisha.post(f"{NM}/api/cases/{case['id']}/consents", json=consent()).is_success
        asked = aisha.post(
            f"{NM}/api/cases/{case['id']}/disclosures",
            json=share_body("Social care", [("note", note)], ask_manager=True),
        )
        assert asked.status_code == 201, asked.text
        request = asked.json()

    page.goto(f"{base_url}{NM}/dashboard")
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_test_id("header-notifications").click()
    visit(page, "notifications-list")
    row = page.get_by_test_id("notification-row").first
    assert row.get_attribute("data-kind") == "share_awaiting"
    assert row.get_by_test_id("notification-case").inner_text() == case["reference"]
    assert row.get_by_test_id("unread").count() == 1
    row.get_by_test_id("notification-link").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/cases/{case['id']}/disclosures/{request['id']}/authorise")
    page.go_back()
    page.get_by_test_id("notification-row").first.get_by_test_id("mark-read").click()
    visit(page, "notifications-read")
    assert page.get_by_test_id("unread-count").inner_text() == "0"
    assert page.get_by_test_id("notification-row").first.get_by_test_id("unread").count() == 0

    # Tom opens one of Aisha's cases with break-glass; Fiona reviews it from the log.
    with closing(_api(base_url, tom_token)) as tom:
        grant = tom.post(
            f"{NM}/api/cases/{case['id']}/break-glass", json={"reason": "Covering Aisha's cases"}
        )
        assert grant.status_code == 201, grant.text
    page.goto(f"{base_url}{NM}/notifications?show=unread")
    visit(page, "notifications-unread")
    page.get_by_test_id("notification-link").first.click()
    page.wait_for_load_state()
    page.get_by_test_id("show-unreviewed").click()
    visit(page, "break-glass-unreviewed")
    page.locator(f"a[href$='/break-glass/{grant.json()['id']}/review']").click()
    visit(page, "break-glass-review")
    page.get_by_test_id("save-review").click()
    visit(page, "break-glass-review-error")
    page.get_by_test_id("field-note").fill("Checked with the team leader: cover agreed")
    page.get_by_test_id("save-review").click()
    visit(page, "break-glass-reviewed")
    assert page.locator(f"a[href$='/break-glass/{grant.json()['id']}/review']").count() == 0
    assert page.get_by_test_id("unread-count").inner_text() == "0"
