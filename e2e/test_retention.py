"""Journey (rule 14): a tenant admin reads the retention dry run, finds a case past its
period in the list, confirms the sweep, and after the sweep the case is gone from the list
while its de-identified facts remain. axe on the page before and after."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID, uuid4

import asyncpg
from playwright.sync_api import Page

from e2e.artifacts import ARTIFACTS
from e2e.casework_pages import visit
from e2e.pages import ConfidePage
from tests.helpers.environment import OWNER_URL
from tests.helpers.tenants import TenantRef


async def _old_case(tenant: TenantRef) -> str:
    """A case closed ten years ago about a young person born in 1990: its reference."""
    reference = f"NM-2016-E{secrets.randbelow(10**6):06d}"
    conn = await asyncpg.connect(OWNER_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            staff = await conn.fetchval(
                "SELECT id FROM staff_users WHERE subject = 'northmoor-cw-1'"
            )
            person = uuid4()
            await conn.execute(
                "INSERT INTO people (id, tenant_id, kind, first_name, last_name, date_of_birth)"
                " VALUES ($1, $2, 'child_or_young_person', 'Eryl', 'Longago', '1990-05-01')",
                person,
                tenant.id,
            )
            await conn.execute(
                "INSERT INTO cases (id, tenant_id, reference, subject_id, contacted_by, topics,"
                " support_level, status, outcome, opened_on, closed_on, created_by)"
                " VALUES ($1, $2, $3, $4, 'parent', jsonb_build_array('Transport'), 2, 'closed',"
                " 'Advice given', current_date - interval '10 years 30 days',"
                " current_date - interval '10 years', $5)",
                uuid4(),
                tenant.id,
                reference,
                person,
                staff,
            )
    finally:
        await conn.close()
    return reference


async def _sweep(tenant_id: UUID) -> dict[str, int]:
    """What the daily job does for the tenant (the worker's own test is in tests/)."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.retention.services import sweep

    async with tenant_transaction(tenant_id):
        return await sweep()


def test_the_admin_previews_and_confirms_the_retention_sweep_and_the_case_goes(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    tenants: dict[str, TenantRef],
    session_loop: asyncio.AbstractEventLoop,
) -> None:
    northmoor = tenants["northmoor"]
    with ThreadPoolExecutor(1) as thread:  # Playwright's loop runs in this one
        reference = thread.submit(asyncio.run, _old_case(northmoor)).result()
    sign_in_as(page, "gareth")
    page.get_by_test_id("nav-retention").click()
    retention = ConfidePage(page)
    assert retention.heading() == "Retention"
    retention.assert_accessible()
    retention.screenshot(ARTIFACTS, "admin-retention-dry-run")
    pages = [page.get_by_test_id("due-table").inner_text()]
    while page.get_by_role("link", name="Next").count():
        page.get_by_role("link", name="Next").first.click()
        pages.append(page.get_by_test_id("due-table").inner_text())
    assert any(reference in text for text in pages)
    page.get_by_test_id("nav-retention").click()
    if page.get_by_test_id("confirm").count():  # once per service: a test may have done it
        page.get_by_test_id("confirm").click()
    assert page.get_by_test_id("confirmed").is_visible()
    retention.assert_accessible()

    with ThreadPoolExecutor(1) as thread:  # on the loop the app's pool belongs to
        counts = thread.submit(session_loop.run_until_complete, _sweep(northmoor.id)).result()
    assert counts["erased"] >= 1
    page.reload()
    assert reference not in page.content()


def test_a_manager_holds_a_case_past_retention_and_the_sweep_keeps_it_until_lifted(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
    session_loop: asyncio.AbstractEventLoop,
) -> None:
    """Fiona finds a closed case past its period, places a legal hold from its page (a
    blank reason first: the error summary), sees "On legal hold" on the case and in the
    list of cases on hold; the sweep leaves it; she lifts the hold. Without JavaScript's
    help: plain links and forms. axe on every page."""
    northmoor = tenants["northmoor"]
    with ThreadPoolExecutor(1) as thread:
        reference = thread.submit(asyncio.run, _old_case(northmoor)).result()
    sign_in_as(page, "fiona")
    page.goto(f"{base_url}/t/northmoor/cases/by-reference/{reference}")
    visit(page, "case-before-legal-hold")
    page.get_by_test_id("legal-hold-link").click()
    holding = visit(page, "legal-hold-form")
    assert holding.heading() == "Legal hold"
    page.get_by_test_id("place-hold").click()
    visit(page, "legal-hold-form-error")
    assert (
        "Enter the reason for the legal hold" in page.locator(".govuk-error-summary").inner_text()
    )
    page.get_by_label("Why must the case be kept?").fill("Appeal to the First-tier Tribunal")
    page.get_by_test_id("place-hold").click()
    visit(page, "legal-hold-placed")
    assert page.get_by_test_id("on-hold").is_visible()
    page.get_by_test_id("back-to-case").click()
    visit(page, "case-on-legal-hold")
    assert page.get_by_test_id("legal-hold-tag").inner_text() == "On legal hold"
    page.get_by_test_id("nav-legal-holds").click()
    visit(page, "cases-on-legal-hold")
    links = page.get_by_test_id("held-link")
    while not links.filter(has_text=reference).count():
        page.get_by_role("link", name="Next").first.click()  # the list a page at a time
        links = page.get_by_test_id("held-link")
    with ThreadPoolExecutor(1) as thread:  # confirm as the admin would, then the day's sweep
        thread.submit(session_loop.run_until_complete, _confirmed(northmoor.id)).result()
        thread.submit(session_loop.run_until_complete, _sweep(northmoor.id)).result()
    links.filter(has_text=reference).click()
    visit(page, "legal-hold-kept-by-the-sweep")
    assert page.get_by_test_id("current-reason").inner_text() == "Appeal to the First-tier Tribunal"
    page.get_by_test_id("lift-hold").click()
    visit(page, "legal-hold-lifted")
    assert page.get_by_test_id("not-on-hold").is_visible()
    assert page.get_by_test_id("hold-row").count() == 1


async def _confirmed(tenant_id: UUID) -> None:
    """The tenant admin's one confirmation (the other journey may have made it)."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.errors import Conflict
    from confide.platform.identity.staff import get_staff
    from confide.platform.retention import services

    conn = await asyncpg.connect(OWNER_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant_id))
            admin_id = await conn.fetchval(
                "SELECT id FROM staff_users WHERE subject = 'northmoor-admin'"
            )
    finally:
        await conn.close()
    async with tenant_transaction(tenant_id):
        admin = await get_staff(admin_id)
        with contextlib.suppress(Conflict):
            await services.confirm(admin)
