"""Journey: a tenant admin finds the audit log's latest checkpoint and downloads it."""

from __future__ import annotations

import json
from collections.abc import Callable

from playwright.sync_api import Page

from e2e.artifacts import ARTIFACTS
from e2e.pages import ConfidePage
from tests.helpers.command import confide
from tests.helpers.tenants import TenantRef


def test_the_admin_sees_the_latest_checkpoint_on_an_accessible_page_and_downloads_it(
    sign_in_as: Callable[[Page, str], None],
    page: Page,
    base_url: str,
    tenants: dict[str, TenantRef],
) -> None:
    confide("audit", "checkpoint", "--tenant", "northmoor")
    sign_in_as(page, "gareth")
    page.get_by_test_id("nav-audit").click()
    checkpoint = ConfidePage(page)
    assert checkpoint.heading() == "Audit log checkpoint"
    assert page.get_by_test_id("checkpoint").is_visible()
    checkpoint.assert_accessible()
    checkpoint.screenshot(ARTIFACTS, "admin-audit")
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    saved = json.loads(download.value.path().read_text())
    assert saved["tenant_id"] == str(tenants["northmoor"].id)
    assert str(saved["seq"]) == page.get_by_test_id("checkpoint-seq").inner_text().strip()
    assert saved["key_id"] == page.get_by_test_id("checkpoint-key-id").inner_text().strip()
