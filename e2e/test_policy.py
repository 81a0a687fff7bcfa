"""Journey: a tenant admin changes the policy's review interval and the service's own text;
the public policy page, read without signing in, shows the service's own settings. A
manager records a review. axe checks every page on the way."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page

from e2e.casework_pages import visit


def _save_document(page: Page, months: str, introduction: str) -> None:
    page.get_by_test_id("field-review_months").fill(months)
    page.get_by_test_id("field-introduction").fill(introduction)
    page.get_by_test_id("save").click()
    page.wait_for_load_state()


def test_an_admin_changes_the_review_interval_and_the_public_page_shows_it(
    sign_in_as: Callable[[Page, str], None], page: Page, browser: Browser, base_url: str
) -> None:
    sign_in_as(page, "gareth")
    page.get_by_test_id("nav-policy").click()
    assert visit(page, "policy-settings").heading() == "Policy settings"
    page.get_by_test_id("change-retention").click()
    page.get_by_test_id("field-years").fill("0")
    page.get_by_test_id("save").click()
    visit(page, "policy-retention-error")
    assert "between 1 and 25" in page.get_by_test_id("error-summary").inner_text()
    page.goto(f"{base_url}/t/northmoor/admin/policy")
    page.get_by_test_id("change-document").click()
    visit(page, "policy-document")
    _save_document(page, "18", "Northmoor families can talk to us in confidence.")
    assert page.get_by_test_id("saved").is_visible()
    visit(page, "policy-document-saved")
    page.goto(f"{base_url}/t/northmoor/admin/policy")
    page.get_by_test_id("history-link").click()
    visit(page, "policy-history")
    assert "policy_review_months" in page.get_by_test_id("changes").inner_text()

    family = browser.new_context().new_page()  # no session: anyone on the internet
    response = family.goto(f"{base_url}/t/northmoor/policy")
    assert response is not None
    assert response.status == 200
    visit(family, "policy-public")
    assert "every 18 months" in family.get_by_test_id("review").inner_text()
    assert family.get_by_test_id("text-introduction").inner_text() == (
        "Northmoor families can talk to us in confidence."
    )
    assert "12" in family.get_by_test_id("capacity-age").inner_text()
    family.context.close()

    manager = browser.new_context().new_page()
    sign_in_as(manager, "fiona")
    manager.goto(f"{base_url}/t/northmoor/policy-review")
    visit(manager, "policy-review")
    manager.get_by_test_id("save").click()
    manager.wait_for_load_state()
    assert manager.get_by_test_id("saved").is_visible()
    visit(manager, "policy-review-saved")
    manager.context.close()

    page.goto(f"{base_url}/t/northmoor/admin/policy/document")  # as it was, for other tests
    _save_document(
        page,
        "24",
        "We offer impartial information, advice and support to children and young people"
        " with special educational needs and disabilities, and to their parents and carers.",
    )
