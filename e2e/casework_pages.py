"""Page objects for case work: the dashboard's lists, the enquiry form, the case page,
the restricted page, access history and search. Found by ``data-testid``; every page
object checks itself with axe (``visit``) when it is reached."""

from __future__ import annotations

from playwright.sync_api import Page

from e2e.artifacts import ARTIFACTS
from e2e.pages import ConfidePage


def visit(page: Page, name: str) -> ConfidePage:
    """The page as it stands now: axe finds nothing, and a screenshot is kept."""
    page.wait_for_load_state()
    seen = ConfidePage(page)
    seen.assert_accessible()
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
        """Save; where the duplicate check offers people already recorded (a name used by
        an earlier journey), say these are new people and save again."""
        self.page.get_by_test_id("save-enquiry").click()
        self.page.wait_for_load_state()
        asked = False
        for field in ("yp-person_id", "parent-person_id"):
            new = self.page.get_by_test_id(f"{field}-new")
            if new.count() and not new.is_checked():
                new.check()
                asked = True
        if asked:
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
