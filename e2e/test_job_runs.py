"""Journey: a tenant admin reads the scheduled jobs' runs and keeps only the failed ones."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import asyncpg
from playwright.sync_api import Page

from e2e.artifacts import ARTIFACTS
from e2e.pages import ConfidePage
from tests.helpers.environment import OWNER_URL
from tests.helpers.tenants import TenantRef


async def _runs(tenant: TenantRef) -> None:
    """Two runs of the heartbeat, one succeeded and one failed, as the worker records them."""
    conn = await asyncpg.connect(OWNER_URL)
    period = datetime(2003, 1, 1, tzinfo=UTC) + timedelta(minutes=15 * secrets.randbelow(10**6))
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            for status, counts, failure, at in (
                ("succeeded", '{"heartbeats": 1}', "", period),
                ("failed", "{}", "LookupError", period + timedelta(minutes=15)),
            ):
                await conn.execute(
                    "INSERT INTO job_runs (id, tenant_id, job, period_start, status, started_at,"
                    " finished_at, duration_ms, attempts, counts, failure, task_id) VALUES"
                    " (gen_random_uuid(), $1, 'housekeeping.heartbeat', $2, $3, now(), now(),"
                    " 12, 1, $4::jsonb, $5, 'e2e')",
                    tenant.id,
                    at,
                    status,
                    counts,
                    failure,
                )
    finally:
        await conn.close()


def test_the_admin_reads_the_scheduled_jobs_runs_on_an_accessible_page(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    tenants: dict[str, TenantRef],
) -> None:
    with ThreadPoolExecutor(1) as thread:  # Playwright's loop runs in this one
        thread.submit(asyncio.run, _runs(tenants["northmoor"])).result()
    sign_in_as(page, "gareth")
    page.get_by_test_id("nav-jobs").click()
    jobs = ConfidePage(page)
    assert jobs.heading() == "Scheduled jobs"
    assert page.get_by_test_id("run-row").count() >= 2
    jobs.assert_accessible()
    jobs.screenshot(ARTIFACTS, "admin-job-runs")
    page.get_by_test_id("filter-job").select_option("housekeeping.heartbeat")
    page.get_by_test_id("filter-status").select_option("failed")
    page.get_by_test_id("filter").click()
    failures = page.get_by_test_id("run-failure").all_inner_texts()
    assert failures
    assert set(failures) == {"LookupError"}
    assert page.get_by_test_id("run-row").count() == len(failures)
    jobs.assert_accessible()
