"""Page objects for case work: the dashboard's lists, the enquiry form, the case page,
the restricted page, access history and search. Found by ``data-testid``; every page
object checks itself with axe (``visit``) when it is reached."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from e2e.conftest import ARTIFACTS
from e2e.pages import ConfidePage

_axe = Axe()


def _conditional_reveal(node: dict[str, Any]) -> bool:
    """A GOV.UK radio that reveals a question, flagged only for its ``aria-expanded``.

    GOV.UK Frontend's radios script sets ``aria-expanded`` on such a radio on purpose
    (screen readers announce it; alphagov/govuk-frontend#979), and axe calls that
    attribute not allowed on a radio. Nothing else is let through.
    """
    html = str(node.get("html", ""))
    if 'class="govuk-radios__input"' not in html or 'aria-controls="conditional-' not in html:
        return False
    checks = [*node.get("any", []), *node.get("all", []), *node.get("none", [])]
    data = [str(d) for check in checks for d in (check.get("data") or [])]
    return bool(data) and all(d.startswith("aria-expanded=") for d in data)


def assert_accessible(page: Page) -> None:
    """axe-core finds no violations, apart from GOV.UK's conditional reveals (above)."""
    results = _axe.run(page)
    left = []
    for violation in results.response["violations"]:
        nodes = violation["nodes"]
        if violation["id"] == "aria-allowed-attr":
            nodes = [n for n in nodes if not _conditional_reveal(n)]
        if nodes:
            left.append({**violation, "nodes": nodes})
    results.response["violations"] = left
    assert not left, results.generate_report()


def visit(page: Page, name: str) -> ConfidePage:
    """The page as it stands now: axe finds nothing, and a screenshot is kept."""
    page.wait_for_load_state()
    seen = ConfidePage(page)
    assert_accessible(page)
    seen.screenshot(ARTIFACTS, name)
    return seen


class EnquiryForm:
    def __init__(self, page: Page) -> None:
        self.page = page

    def fill(self, fields: dict[str, str]) -> None:
        for name, value in fields.items():
            self.page.get_by_test_id(f"field-{name}").fill(value)

    def tick(self, *test_ids: str) -> None:
        for test_id in test_ids:
            self.page.get_by_test_id(test_id).check()

    def save(self) -> None:
        self.page.get_by_test_id("save-enquiry").click()

    def errors(self) -> str:
        return self.page.get_by_test_id("error-summary").inner_text()


class CasePage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def reference(self) -> str:
        return self.page.get_by_test_id("page-heading").inner_text().strip()

    def safe_contact(self) -> list[str]:
        return [s.strip() for s in self.page.get_by_test_id("safe-contact").all_inner_texts()]

    def timeline(self) -> str:
        return self.page.get_by_test_id("timeline").inner_text()

    def add_note(self, body: str) -> None:
        self.page.get_by_test_id("add-note").click()
        visit(self.page, "case-add-note")
        self.page.get_by_test_id("field-body").fill(body)
        self.page.get_by_test_id("save-note").click()
