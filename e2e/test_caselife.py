"""Journey (issue 14): a caseworker corrects a child's details with a reason and reads the
history of changes, corrects a contact, filters the timeline, changes the case's details,
closes the case, reopens it, closes it again and opens a linked case for the returning
family. axe checks every new page on the way."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page

from e2e.casework_pages import EnquiryForm, visit


def test_a_case_s_life(sign_in_as: Callable[[Page, str], None], browser: Browser) -> None:
    aisha = browser.new_context().new_page()
    sign_in_as(aisha, "aisha")
    aisha.get_by_test_id("new-enquiry").click()
    form = EnquiryForm(aisha)
    form.tick("contacted_by-parent")
    form.fill(
        {
            "yp-first_name": "Tamsin",
            "yp-last_name": "Penhallow",
            "yp-date_of_birth-day": "3",
            "yp-date_of_birth-month": "5",
            "yp-date_of_birth-year": "2013",
            "parent-first_name": "Kerra",
            "parent-last_name": "Penhallow",
            "contact-summary": "Dad rang about transport.",
        }
    )
    form.tick("contact-kind-phone", "contact-direction-incoming", "support_level-1", "topic-1")
    form.tick("consent-decision-full", "consent-given_by-parent", "consent-method-verbal")
    form.save()
    assert "Tamsin Penhallow" in aisha.get_by_test_id("about-child").inner_text()
    visit(aisha, "caselife-case")

    # The child's surname was misspelt.
    aisha.get_by_test_id("change-person").first.click()
    visit(aisha, "caselife-change-person")
    aisha.get_by_test_id("field-last_name").fill("Penhallow-Tre")
    aisha.get_by_test_id("save-person").click()
    visit(aisha, "caselife-change-person-errors")
    aisha.get_by_test_id("field-reason").fill("Surname misheard on the phone")
    aisha.get_by_test_id("save-person").click()
    assert "Penhallow-Tre" in aisha.get_by_test_id("about-child").inner_text()
    aisha.get_by_test_id("history-link").click()
    visit(aisha, "caselife-history")
    assert "Surname misheard on the phone" in aisha.get_by_test_id("change").first.inner_text()
    aisha.get_by_test_id("back-to-case").click()

    # The first contact was Mum, not Dad.
    aisha.get_by_test_id("correct-contact").first.click()
    visit(aisha, "caselife-correct-contact")
    aisha.get_by_test_id("field-summary").fill("Mum rang about transport.")
    aisha.get_by_test_id("field-reason").fill("It was Mum who rang")
    aisha.get_by_test_id("save-contact-correction").click()
    assert "Mum rang about transport." in aisha.get_by_test_id("timeline").inner_text()
    aisha.get_by_test_id("kind-contact").check()
    aisha.get_by_test_id("filter-timeline").click()
    visit(aisha, "caselife-timeline-contacts")

    aisha.get_by_test_id("change-case").click()
    visit(aisha, "caselife-change-case")
    aisha.get_by_test_id("support_level-2").check()
    aisha.get_by_test_id("field-reason").fill("More help needed")
    aisha.get_by_test_id("save-details").click()

    # Closed, reopened, closed again, then the family comes back about something new.
    aisha.get_by_test_id("close-case").click()
    aisha.get_by_test_id("field-outcome").fill("Advice given")
    aisha.get_by_test_id("save-close").click()
    aisha.get_by_test_id("reopen-case").click()
    visit(aisha, "caselife-reopen")
    aisha.get_by_test_id("field-reason").fill("The same transport question carries on")
    aisha.get_by_test_id("save-reopen").click()
    aisha.get_by_test_id("close-case").click()
    aisha.get_by_test_id("field-outcome").fill("Resolved")
    aisha.get_by_test_id("save-close").click()
    aisha.get_by_test_id("returning-case").click()
    visit(aisha, "caselife-returning")
    aisha.get_by_test_id("contacted_by-parent").check()
    aisha.get_by_test_id("topic-2").check()
    aisha.get_by_test_id("save-returning").click()
    visit(aisha, "caselife-returning-case")
    assert aisha.get_by_test_id("follows").is_visible()
    aisha.context.close()
