"""Page objects: what a person sees, found by ``data-testid``."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_axe = Axe()


class ConfidePage:
    """Any Confide page: its header, heading, accessibility check and screenshot."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def service_name(self) -> str:
        return self.page.get_by_test_id("service-name").inner_text().strip()

    def heading(self) -> str:
        return self.page.get_by_test_id("page-heading").inner_text().strip()

    def assert_accessible(self) -> None:
        """axe-core finds no violations on the page as it stands."""
        results = _axe.run(self.page)
        assert results.violations_count == 0, results.generate_report()

    def screenshot(self, folder: Path, name: str) -> Path:
        path = folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


class StartPage(ConfidePage):
    """A tenant's start page at ``/t/<slug>/``."""

    @classmethod
    def open(cls, page: Page, base_url: str, slug: str) -> StartPage:
        response = page.goto(f"{base_url}/t/{slug}/")
        assert response is not None
        assert response.status == 200
        return cls(page)

    def sign_in_link(self) -> str | None:
        return self.page.get_by_test_id("sign-in").get_attribute("href")


class DevProviderPage:
    """The development OpenID provider's sign-in page (not Confide's; no axe here)."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def choose(self, sub: str) -> None:
        self.page.get_by_test_id(f"sign-in-{sub}").click()


class DashboardPage(ConfidePage):
    def signed_in_name(self) -> str:
        return self.page.get_by_test_id("signed-in-name").inner_text().strip()

    def sign_out(self) -> ConfidePage:
        self.page.get_by_test_id("sign-out").click()
        return ConfidePage(self.page)


def sign_in_through_provider(page: Page, base_url: str, slug: str, sub: str) -> ConfidePage:
    """From the tenant's start page, through the provider, back to Confide."""
    start = StartPage.open(page, base_url, slug)
    page.get_by_test_id("sign-in").click()
    DevProviderPage(page).choose(sub)
    page.wait_for_load_state()
    return start
