"""Journey: a member of staff opens their service's start page."""

from __future__ import annotations

from playwright.sync_api import Page

from e2e.artifacts import ARTIFACTS
from e2e.pages import ConfidePage, StartPage
from tests.helpers.tenants import TenantRef


def test_a_tenant_start_page_names_its_service_and_is_accessible(
    page: Page, base_url: str, tenants: dict[str, TenantRef]
) -> None:
    for slug in ("alpha", "beta"):
        start = StartPage.open(page, base_url, slug)
        assert start.service_name() == tenants[slug].name
        assert start.heading() == tenants[slug].name
        assert start.sign_in_link() == f"/t/{slug}/login"
        start.assert_accessible()
        shot = start.screenshot(ARTIFACTS, f"start-{slug}")
        assert shot.stat().st_size > 10_000


def test_the_not_found_page_is_accessible_and_reveals_nothing(
    page: Page, base_url: str, tenants: dict[str, TenantRef]
) -> None:
    response = page.goto(f"{base_url}/t/gamma/")
    assert response is not None
    assert response.status == 404
    not_found = ConfidePage(page)
    assert not_found.heading() == "Page not found"
    assert tenants["gamma"].name not in page.content()
    not_found.assert_accessible()
    not_found.screenshot(ARTIFACTS, "not-found")


def test_pages_run_under_the_strict_content_security_policy(page: Page, base_url: str) -> None:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    StartPage.open(page, base_url, "alpha")
    page.wait_for_load_state("networkidle")
    classes = page.evaluate("document.body.className")
    assert "js-enabled" in classes, "the external init script did not run"
    assert problems == []


def test_the_root_page_names_confide_lists_no_service_and_is_accessible(
    page: Page, base_url: str, tenants: dict[str, TenantRef]
) -> None:
    response = page.goto(f"{base_url}/")
    assert response is not None
    assert response.status == 200
    root = ConfidePage(page)
    assert root.heading() == "Confide"
    for tenant in tenants.values():
        assert tenant.name not in page.content()
    root.assert_accessible()
    root.screenshot(ARTIFACTS, "root")
