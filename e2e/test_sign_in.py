"""Journey: a caseworker signs in through the development provider, and out again (and
Back then shows nothing from the browser's cache); a user of one service is refused at
the other."""

from __future__ import annotations

from playwright.sync_api import Page

from e2e.artifacts import ARTIFACTS
from e2e.pages import ConfidePage, DashboardPage, StartPage, sign_in_through_provider


def test_a_caseworker_signs_in_lands_on_the_dashboard_and_signs_out(
    page: Page, base_url: str
) -> None:
    StartPage.open(page, base_url, "northmoor").assert_accessible()
    sign_in_through_provider(page, base_url, "northmoor", "northmoor-cw-1")
    assert page.url == f"{base_url}/t/northmoor/dashboard"
    dashboard = DashboardPage(page)
    assert dashboard.heading() == "Your dashboard"
    assert dashboard.signed_in_name() == "Aisha Rahman"
    dashboard.assert_accessible()
    dashboard.screenshot(ARTIFACTS, "dashboard")

    signed_out = dashboard.sign_out()
    assert page.url == f"{base_url}/t/northmoor/signed-out"
    assert signed_out.heading() == "You have signed out"
    signed_out.assert_accessible()
    page.goto(f"{base_url}/t/northmoor/dashboard")
    assert "/t/northmoor/dashboard" not in page.url, "still signed in after signing out"


def test_a_user_of_one_service_is_refused_at_the_other(page: Page, base_url: str) -> None:
    sign_in_through_provider(page, base_url, "eastdale", "northmoor-cw-1")
    refused = ConfidePage(page)
    assert refused.heading() == "You do not have access to this service"
    refused.assert_accessible()
    refused.screenshot(ARTIFACTS, "no-access")
    page.goto(f"{base_url}/t/eastdale/dashboard")
    assert "/t/eastdale/dashboard" not in page.url


def test_a_signed_in_session_does_not_carry_to_the_other_service(page: Page, base_url: str) -> None:
    sign_in_through_provider(page, base_url, "northmoor", "northmoor-manager")
    assert page.url.endswith("/t/northmoor/dashboard")
    response = page.goto(f"{base_url}/t/eastdale/dashboard")
    assert response is not None
    assert "/t/eastdale/dashboard" not in page.url


def test_the_admin_pages_are_accessible(page: Page, base_url: str) -> None:
    sign_in_through_provider(page, base_url, "northmoor", "northmoor-admin")
    for path, heading in (
        ("/admin/sso", "Sign-in settings"),
        ("/admin/case-lists", "Enquiry topics and support levels"),
        ("/admin/staff", "Staff"),
    ):
        page.goto(f"{base_url}/t/northmoor{path}")
        admin_page = ConfidePage(page)
        assert admin_page.heading() == heading
        admin_page.assert_accessible()
        admin_page.screenshot(ARTIFACTS, f"admin{path.replace('/', '-')}")
    page.goto(f"{base_url}/t/northmoor/admin/sso")
    page.get_by_test_id("field-client_id").fill("")
    page.get_by_test_id("save").click()
    with_errors = ConfidePage(page)
    assert page.get_by_test_id("error-summary").is_visible()
    with_errors.assert_accessible()
    page.goto(f"{base_url}/t/northmoor/admin/case-lists")
    page.get_by_test_id("field-topics").fill("")
    page.get_by_test_id("save").click()
    assert "Enter at least one topic" in page.get_by_test_id("error-summary").inner_text()
    ConfidePage(page).assert_accessible()


def test_back_after_signing_out_shows_no_case_from_the_browsers_cache(
    page: Page, base_url: str
) -> None:
    sign_in_through_provider(page, base_url, "northmoor", "northmoor-cw-1")
    case_link = page.get_by_test_id("case-link").first
    reference = case_link.inner_text().strip()
    case_link.click()
    page.wait_for_load_state()
    assert ConfidePage(page).heading() == reference
    case_url = page.url
    DashboardPage(page).sign_out()
    page.wait_for_url(f"{base_url}/t/northmoor/signed-out")

    page.go_back()
    page.wait_for_load_state()
    assert page.url != case_url, "Back showed the case page again"
    assert reference not in page.content(), "Back showed the case from the browser's cache"
