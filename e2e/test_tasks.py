"""Journey (issue 15, rule 24): an admin shortens the consent review interval; a consent
recorded afterwards falls due within the notice period, the consent-review job makes it a
task, and the caseworker finds it on the dashboard and in the task list; she adds a
follow-up from the case page (the form naming what is missing first) and marks it done.
axe checks every new page on the way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
from playwright.sync_api import Page

from confide.platform.core.clock import service_today
from e2e.casework_pages import visit
from tests.helpers.casework import enquiry
from tests.helpers.consent import consent
from tests.helpers.tenants import TenantRef
from tests.personas import start_session

# Eastdale, whose caseworker Callum no other test gives cases: the review is on the first
# page of his dashboard and task list however the suite ran before.
NM = "/t/eastdale"


def _on(loop: asyncio.AbstractEventLoop, coroutine: Any) -> Any:
    """Run ``coroutine`` on the session's loop (the pool's), from Playwright's thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(loop.run_until_complete, coroutine).result(timeout=60)


async def _run_job(tenant: TenantRef) -> dict[str, int]:
    """The consent-review job's body for one tenant, as the worker runs it (the worker
    itself is tested in tests/test_review_tasks_job.py)."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.tasks.services import make_review_tasks

    async with tenant_transaction(tenant.id):
        return await make_review_tasks()


def _set_interval(admin: Page, base_url: str, months: str) -> None:
    admin.goto(f"{base_url}{NM}/admin/policy/consent/")
    admin.get_by_test_id("field-review_months").fill(months)
    admin.get_by_test_id("save").click()
    admin.wait_for_load_state()


def test_an_admin_changes_the_review_interval_and_a_due_review_becomes_the_caseworkers_task(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
) -> None:
    sign_in_as(page, "seun")
    _set_interval(page, base_url, "1")
    try:
        _, token = _on(session_loop, start_session("callum", tenants, dev_idp))
        given = service_today() - timedelta(days=10)  # due in about three weeks
        with httpx.Client(base_url=base_url, cookies={"confide_session": token}) as api:
            assert api.get(f"{NM}/dashboard").status_code == 200
            headers = {"x-csrftoken": api.cookies["confide_csrf"]}
            made = api.post(f"{NM}/api/enquiries", json=enquiry(), headers=headers)
            assert made.status_code == 201, made.text
            case = made.json()
            recorded = api.post(
                f"{NM}/api/cases/{case['id']}/consents",
                json=consent(given_on=given.isoformat()),
                headers=headers,
            )
            assert recorded.status_code == 201, recorded.text
    finally:
        _set_interval(page, base_url, "12")
    assert _on(session_loop, _run_job(tenants["eastdale"]))["tasks_made"] >= 1

    callum = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    sign_in_as(callum, "callum")
    callum.goto(f"{base_url}{NM}/dashboard")
    visit(callum, "tasks-dashboard")
    due = callum.get_by_test_id("due-tasks").inner_text()
    assert f"{case['reference']}: Consent review" in due
    callum.get_by_test_id("nav-tasks").click()
    visit(callum, "tasks-list")
    callum.get_by_test_id("filter-kind").select_option("consent_review")
    callum.get_by_test_id("filter").click()
    visit(callum, "tasks-list-reviews")
    row = callum.get_by_test_id("task-row").filter(has_text=case["reference"])
    row.get_by_test_id("task-link").click()
    visit(callum, "tasks-review-task")
    assert callum.get_by_test_id("page-heading").inner_text() == "Consent review"

    callum.goto(f"{base_url}{NM}/cases/{case['id']}")
    assert "Review consent" in callum.get_by_test_id("next-consent-review").inner_text()
    callum.get_by_test_id("add-follow-up").click()
    visit(callum, "tasks-follow-up")
    callum.get_by_test_id("save-follow-up").click()
    visit(callum, "tasks-follow-up-errors")
    assert "Enter what needs to be done" in callum.get_by_test_id("error-summary").inner_text()
    callum.get_by_test_id("field-title").fill("Send the transport appeal form")
    soon = service_today() + timedelta(days=2)
    for part, value in (("day", soon.day), ("month", soon.month), ("year", soon.year)):
        callum.get_by_test_id(f"field-due_on-{part}").fill(str(value))
    callum.get_by_test_id("save-follow-up").click()
    visit(callum, "tasks-case-with-follow-up")
    callum.get_by_test_id("next-follow-up").get_by_role("link").click()
    visit(callum, "tasks-follow-up-task")
    callum.get_by_test_id("mark-done").click()
    visit(callum, "tasks-done")
    assert callum.get_by_test_id("done-banner").is_visible()
