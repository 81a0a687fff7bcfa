"""Journey (issue 14, people): a parent rings about a second child. The caseworker records
the first child's enquiry and the household; when she rings again, finds her with the
header's search box by a misspelt name and opens her case; then records the second child's
enquiry: the duplicate check offers the parent already recorded, she is linked, her
safe-contact warning is already on the new case, the second child joins the household from
his case's people page, and recording the voicemail she refused is stopped. axe checks
every page on the way."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page

from e2e.casework_pages import EnquiryForm, visit


def _enquiry(page: Page, child: str, born: str) -> EnquiryForm:
    """The new-enquiry form filled in for ``child`` Penhaligon, their mother rang."""
    page.get_by_test_id("new-enquiry").click()
    form = EnquiryForm(page)
    form.tick("contacted_by-parent")
    form.fill(
        {
            "yp-first_name": child,
            "yp-last_name": "Penhaligon",
            "yp-date_of_birth-day": "3",
            "yp-date_of_birth-month": "4",
            "yp-date_of_birth-year": born,
            "parent-first_name": "Bryony",
            "parent-last_name": "Penhaligon",
            "parent-phone": "07700 900321",
            "parent-safe_contact_note": "Never call after 6pm",
            "contact-summary": f"Mum asked about support for {child} at school.",
        }
    )
    form.tick("field-parent-may_phone", "contact-kind-phone", "contact-direction-incoming")
    form.tick("support_level-2", "topic-1")
    form.tick("consent-decision-full", "consent-given_by-parent", "consent-method-verbal")
    return form


def test_a_parent_rings_about_a_second_child(
    sign_in_as: Callable[[Page, str], None], browser: Browser
) -> None:
    aisha = browser.new_context().new_page()
    sign_in_as(aisha, "aisha")
    _enquiry(aisha, "Isolde", "2011").save()
    visit(aisha, "people-first-case")
    assert "Never call after 6pm" in aisha.get_by_test_id("safe-contact-note").inner_text()

    # The household, from the first case's people page.
    aisha.get_by_test_id("case-people-link").click()
    visit(aisha, "people-case-people")
    aisha.get_by_test_id("field-name").fill("The Penhaligon family")
    aisha.get_by_test_id("member-isolde").select_option("young_person")
    aisha.get_by_test_id("member-bryony").select_option("parent")
    aisha.get_by_test_id("save-household").click()
    visit(aisha, "people-household")
    assert "Bryony Penhaligon" in aisha.get_by_test_id("members").inner_text()
    aisha.get_by_role("link", name="Bryony Penhaligon").click()
    visit(aisha, "people-person")
    assert "The Penhaligon family" in aisha.get_by_test_id("household").inner_text()

    # She rings again. The caseworker finds her with the header's search box, though the
    # name is misspelt, and opens her case from the results.
    aisha.get_by_test_id("header-search-q").fill("Briony Penhalligan")
    aisha.get_by_test_id("header-search-submit").click()
    visit(aisha, "people-header-search")
    found = aisha.get_by_test_id("result").filter(has_text="Bryony Penhaligon")
    assert found.count() == 1
    found.get_by_test_id("result-case").click()
    visit(aisha, "people-found-case")
    assert "Never call after 6pm" in aisha.get_by_test_id("safe-contact-note").inner_text()

    # This time about her second child: the check offers her record.
    aisha.get_by_test_id("nav-dashboard").click()
    form = _enquiry(aisha, "Casper", "2013")
    aisha.get_by_test_id("save-enquiry").click()
    visit(aisha, "people-enquiry-possible-matches")
    assert (
        "Is this someone already recorded?"
        in aisha.get_by_test_id("parent-person_id-matches").inner_text()
    )
    aisha.get_by_test_id("parent-person_id-match-bryony-penhaligon").check()
    sibling = aisha.get_by_test_id("yp-person_id-new")
    if sibling.count():
        sibling.check()  # Isolde may be offered too: Casper is new
    aisha.get_by_test_id("save-enquiry").click()
    visit(aisha, "people-second-case")
    # Her safe-contact warning is already there, from her own record.
    warnings = " ".join(aisha.get_by_test_id("safe-contact").all_inner_texts())
    assert "Do not leave a voicemail." in warnings
    assert "Never call after 6pm" in aisha.get_by_test_id("safe-contact-note").inner_text()
    second_case = aisha.url.split("?")[0]

    # Casper joins the family's household from his own case's people page.
    aisha.get_by_test_id("case-people-link").click()
    visit(aisha, "people-second-case-people")
    family = aisha.get_by_test_id("household").filter(has_text="The Penhaligon family")
    family.get_by_test_id("add-member-casper").select_option("sibling")
    family.get_by_test_id("add-to-household-submit").click()
    visit(aisha, "people-added-to-household")
    assert "They are added to the household." in aisha.get_by_test_id("done").inner_text()
    aisha.get_by_role("link", name="The Penhaligon family").click()
    visit(aisha, "people-household-both-children")
    members = aisha.get_by_test_id("members").inner_text()
    assert "Isolde Penhaligon" in members
    assert "Casper Penhaligon" in members

    # Leaving the voicemail she refused is stopped.
    aisha.goto(second_case)
    aisha.get_by_test_id("add-contact").click()
    aisha.get_by_test_id("kind-voicemail").check()
    aisha.get_by_test_id("direction-outgoing").check()
    aisha.locator("#with_person_id").select_option(label="Bryony Penhaligon (parent or carer)")
    aisha.get_by_test_id("field-summary").fill("Left a message about the school meeting")
    aisha.get_by_test_id("save-contact").click()
    visit(aisha, "people-voicemail-refused")
    assert "Bryony Penhaligon may not be left a voicemail" in form.errors()
