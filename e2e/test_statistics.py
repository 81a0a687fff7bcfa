"""Journey (rule 12): a manager opens the annual return from the menu, picks a year,
sees the tables with hidden figures marked and explained, and downloads the CSV (read
and checked); no other kind of year offered (the service's is calendar), and the list of
releases. A large year (more cases than the served app's
``CONFIDE_STATISTICS_INLINE_CASES``) is released by the export worker: its progress page,
updated by the exports' script, then links to the return. axe on the pages, and on
the form shown again for a wrong year."""

from __future__ import annotations

import asyncio
import csv
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import uuid4

import asyncpg
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from e2e.artifacts import ARTIFACTS
from e2e.pages import ConfidePage
from tests.helpers.environment import OWNER_URL
from tests.helpers.tenants import TenantRef


async def _cases_of_a_year(tenant: TenantRef, cases: int = 13) -> tuple[int, list[str]]:
    """A year no other test has released a return for (the tests share the service's
    database), and ``cases`` opened in it, from parents but one from a professional: the
    year and the references."""
    references = []
    conn = await asyncpg.connect(OWNER_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            released = {
                r["year"]
                for r in await conn.fetch(
                    "SELECT extract(year FROM period_start)::int AS year"
                    " FROM statistics_releases WHERE period_kind = 'calendar'"
                )
            }
            year = next(y for y in range(2001, 2016) if y not in released)
            staff = await conn.fetchval(
                "SELECT id FROM staff_users WHERE subject = 'northmoor-cw-1'"
            )
            for n in range(cases):
                reference = f"NM-{year}-S{secrets.randbelow(10**6):06d}"
                await conn.execute(
                    "INSERT INTO cases (id, tenant_id, reference, contacted_by, topics,"
                    " support_level, status, opened_on, created_by, anonymous)"
                    " VALUES ($1, $2, $3, $4, jsonb_build_array('Transport'), 2, 'open',"
                    " make_date($5, 3, 1), $6, true)",
                    uuid4(), tenant.id, reference, "professional" if n == 0 else "parent",
                    year, staff,
                )  # fmt: skip
                references.append(reference)
    finally:
        await conn.close()
    return year, references


def test_a_manager_previews_the_annual_return_and_downloads_the_csv(
    sign_in_as: Callable[[Page, str], None], page: Page, tenants: dict[str, TenantRef]
) -> None:
    with ThreadPoolExecutor(1) as thread:  # Playwright's loop runs in this one
        year, references = thread.submit(
            asyncio.run, _cases_of_a_year(tenants["northmoor"])
        ).result()
    sign_in_as(page, "fiona")
    page.get_by_test_id("nav-annual-return").click()
    statistics = ConfidePage(page)
    assert statistics.heading() == "Annual return for the council"

    page.get_by_test_id("field-year").fill("20x9")
    page.get_by_test_id("show").click()
    assert page.get_by_test_id("error-summary").is_visible()
    statistics.assert_accessible()

    page.get_by_test_id("field-year").fill(str(year))
    page.get_by_test_id("show").click()
    # Not released yet: released only after the confirmation, by its button.
    assert "has not been released yet" in page.get_by_test_id("not-released").inner_text()
    page.get_by_test_id("release-link").click()
    assert statistics.heading() == f"Release the return for {year}?"
    statistics.assert_accessible()
    page.get_by_test_id("release").click()
    assert page.get_by_test_id("year-heading").inner_text() == f"Cases opened in {year}"
    assert page.get_by_test_id("suppressed").count() >= 1
    assert "to protect privacy" in page.get_by_test_id("suppression-note").inner_text()
    assert "Counts of 0 are shown" in page.get_by_test_id("method").inner_text()
    first = page.get_by_test_id("return-table").first
    assert first.locator("caption").inner_text() == "Cases by who made contact and referral route"
    statistics.assert_accessible()
    statistics.screenshot(ARTIFACTS, "annual-return")
    assert not any(reference in page.content() for reference in references)

    with page.expect_download() as downloading:
        page.get_by_test_id("download-csv").click()
    download = downloading.value
    assert download.suggested_filename == f"annual-return-{year}.csv"
    with open(download.path(), newline="") as file:
        rows = list(csv.DictReader(file))
    assert {r["year"] for r in rows} == {str(year)}
    professional = [
        r for r in rows
        if r["table"] == "Cases by who made contact and referral route"
        and r["row"] == "Professional" and r["column"] == "Total"
    ]  # fmt: skip
    assert [r["count"] for r in professional] == ["[c]"]
    assert not any(reference in str(rows) for reference in references)

    with page.expect_download() as downloading:
        page.get_by_test_id("download-xlsx").click()
    workbook = downloading.value
    assert workbook.suggested_filename == f"annual-return-{year}.xlsx"
    with open(workbook.path(), "rb") as file:
        book = load_workbook(file)
    assert book.sheetnames[:2] == ["Notes", "Table 1"]
    assert "Counts of 0 are shown" in str(book["Notes"]["A3"].value)
    first = book["Table 1"]
    assert first["A1"].value == "Cases by who made contact and referral route"
    by_row = {row[0].value: [c.value for c in row[1:]] for row in first.iter_rows(min_row=4)}
    assert by_row["Professional"][-1] == "[c]"
    text = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    assert not any(reference in text for reference in references)

    # The service reports on calendar years only (its policy setting), so no two of its
    # returns overlap: the form offers no other kind. Then every release.
    assert page.get_by_test_id("period-academic").count() == 0
    assert page.get_by_test_id("period-financial").count() == 0
    page.get_by_test_id("releases-link").click()
    assert statistics.heading() == "Releases of the annual return"
    assert page.get_by_test_id("release-row").count() >= 1
    statistics.assert_accessible()


def test_a_large_year_is_released_by_the_worker_and_its_progress_shown(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    tenants: dict[str, TenantRef],
    export_worker: Any,
) -> None:
    with ThreadPoolExecutor(1) as thread:  # Playwright's loop runs in this one
        year, references = thread.submit(
            asyncio.run, _cases_of_a_year(tenants["northmoor"], cases=60)
        ).result()
    sign_in_as(page, "fiona")
    page.get_by_test_id("nav-annual-return").click()
    statistics = ConfidePage(page)
    page.get_by_test_id("field-year").fill(str(year))
    page.get_by_test_id("show").click()
    page.get_by_test_id("release-link").click()
    page.get_by_test_id("release").click()
    # Its progress page: the export's live part, put in place by the script as it changes.
    assert statistics.heading() == f"The return for {year}"
    assert page.get_by_test_id("export-live").is_visible()
    statistics.assert_accessible()
    expect(page.get_by_test_id("view-return")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("export-status")).to_have_text("Ready")
    statistics.assert_accessible()
    statistics.screenshot(ARTIFACTS, "annual-return-built")
    page.get_by_test_id("view-return").click()
    assert page.get_by_test_id("year-heading").inner_text() == f"Cases opened in {year}"
    assert "Released" in page.get_by_test_id("released").inner_text()
    assert not any(reference in page.content() for reference in references)
    statistics.assert_accessible()


def test_a_manager_reads_the_service_report_for_a_period(
    sign_in_as: Callable[[Page, str], None], page: Page
) -> None:
    sign_in_as(page, "fiona")
    page.get_by_test_id("nav-service-report").click()
    report = ConfidePage(page)
    assert report.heading() == "Service report"
    assert page.get_by_test_id("weeks-table").is_visible()
    assert page.get_by_test_id("overdue-tell_client").is_visible()
    report.assert_accessible()
    report.screenshot(ARTIFACTS, "service-report")

    page.get_by_test_id("field-end-year").fill("2001")
    page.get_by_test_id("show").click()
    assert page.get_by_test_id("error-summary").is_visible()
    assert "on or after its start" in page.get_by_test_id("error-summary").inner_text()
    report.assert_accessible()

    page.get_by_test_id("field-start-day").fill("1")
    page.get_by_test_id("field-start-month").fill("1")
    page.get_by_test_id("field-start-year").fill("2001")
    page.get_by_test_id("show").click()
    assert page.get_by_test_id("period-heading").is_visible()
