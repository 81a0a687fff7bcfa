"""Page objects of the platform operators' area at ``/operator``, found by ``data-testid``."""

from __future__ import annotations

from playwright.sync_api import Page

from e2e.pages import ConfidePage


class OperatorSignInPage(ConfidePage):
    """``/operator/login``: email, password and the authenticator app's code."""

    @classmethod
    def open(cls, page: Page, base_url: str) -> OperatorSignInPage:
        response = page.goto(f"{base_url}/operator/login")
        assert response is not None
        assert response.status == 200
        return cls(page)

    def sign_in(self, email: str, password: str, code: str) -> OperatorTenantsPage:
        self.page.get_by_test_id("field-email").fill(email)
        self.page.get_by_test_id("field-password").fill(password)
        self.page.get_by_test_id("field-code").fill(code)
        self.page.get_by_test_id("sign-in").click()
        self.page.wait_for_load_state()
        return OperatorTenantsPage(self.page)

    def error(self) -> str:
        return self.page.get_by_test_id("sign-in-error").inner_text().strip()


class OperatorTenantsPage(ConfidePage):
    """``/operator/tenants``: the registry, with suspend and restore."""

    def signed_in_as(self) -> str:
        return self.page.get_by_test_id("signed-in-operator").inner_text().strip()

    def slugs(self) -> list[str]:
        return [s.strip() for s in self.page.get_by_test_id("tenant-slug").all_inner_texts()]

    def status_of(self, slug: str) -> str:
        row = self.page.locator(f'[data-testid="tenant-row"][data-slug="{slug}"]')
        return row.get_by_test_id("tenant-status").inner_text().strip()

    def created_banner(self) -> str:
        return self.page.get_by_test_id("created").inner_text().strip()

    def create_tenant(self) -> NewTenantPage:
        self.page.get_by_test_id("create-tenant").click()
        self.page.wait_for_load_state()
        return NewTenantPage(self.page)

    def sign_out(self) -> OperatorSignInPage:
        self.page.get_by_test_id("sign-out").click()
        self.page.wait_for_load_state()
        return OperatorSignInPage(self.page)


class NewTenantPage(ConfidePage):
    """``/operator/tenants/new``: short name, service name, who runs it."""

    def submit(self, slug: str, name: str, controller: str) -> None:
        self.page.get_by_test_id("field-slug").fill(slug)
        self.page.get_by_test_id("field-display_name").fill(name)
        self.page.get_by_test_id(f"controller-{controller}").check()
        self.page.get_by_test_id("create").click()
        self.page.wait_for_load_state()

    def errors(self) -> str:
        return self.page.get_by_test_id("error-summary").inner_text()
