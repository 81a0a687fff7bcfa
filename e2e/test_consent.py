"""Journey: consent restricted to school/SENCO at first contact; two notes shared with a
SENCO (allowed); a share with a health visitor refused with the reason; the manager
authorises it on safeguarding grounds; the tell-the-client task appears on the
caseworker's dashboard and closes when she records telling the parent. axe checks
every page on the way."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Browser, Page

from e2e.casework_pages import CasePage, EnquiryForm, visit
from e2e.pages import sign_in_through_provider

FIRST_NOTE = "Agreed with mum that the SENCO should know about the sensory breaks."
SECOND_NOTE = "School asked for the speech and language report; mum is happy to share it."
PRIVATE_NOTE = "Mum mentioned money worries at home."
JUSTIFICATION = "Mum described an injury that suggests a risk of serious harm to the child."


def _record_enquiry(aisha: Page) -> str:
    aisha.get_by_test_id("new-enquiry").click()
    form = EnquiryForm(aisha)
    visit(aisha, "consent-new-enquiry")
    form.tick("contacted_by-parent")
    form.fill(
        {
            "yp-first_name": "Tegan",
            "yp-last_name": "Holloway",
            "yp-date_of_birth-day": "2",
            "yp-date_of_birth-month": "5",
            "yp-date_of_birth-year": "2015",
            "yp-school_or_setting": "Northmoor Primary Academy",
            "parent-first_name": "Rhiannon",
            "parent-last_name": "Holloway",
            "parent-phone": "07700 900456",
            "contact-summary": "Mum rang about support at school.",
        }
    )
    form.tick("field-parent-may_phone", "contact-kind-phone", "contact-direction-incoming")
    form.tick("support_level-2", "topic-1")
    # Restricted to school/SENCO, without saying who gave it: the form says what is missing.
    form.tick("consent-decision-restricted", "consent-role-1", "consent-method-verbal")
    form.save()
    assert "who gave" in form.errors().lower()
    visit(aisha, "consent-new-enquiry-errors")
    assert aisha.get_by_test_id("consent-decision-restricted").is_checked()
    assert aisha.get_by_test_id("consent-role-1").is_checked()
    form.tick("consent-given_by-parent")
    form.save()
    visit(aisha, "consent-case")
    panel = aisha.get_by_test_id("consent-panel").inner_text()
    assert "School or SENCO" in panel
    return aisha.url.split("?")[0]


def _share(aisha: Page, role: str, org: str, notes: list[str]) -> None:
    aisha.get_by_test_id("share-information").click()
    visit(aisha, f"consent-share-{role.split()[0].lower()}")
    aisha.get_by_test_id("field-recipient_org").fill(org)
    aisha.get_by_test_id("field-recipient_role").select_option(role)
    aisha.get_by_test_id("field-purpose").fill("To plan support for Tegan")
    for note in notes:
        item = aisha.get_by_test_id("items").locator(".govuk-checkboxes__item", has_text=note[:60])
        item.get_by_role("checkbox").check()
    aisha.get_by_test_id("check-consent").click()


def test_consent_share_refuse_authorise_and_tell(browser: Browser, base_url: str) -> None:
    aisha = browser.new_context().new_page()
    sign_in_through_provider(aisha, base_url, "northmoor", "northmoor-cw-1")
    visit(aisha, "consent-dashboard-caseworker")
    case_url = _record_enquiry(aisha)
    reference = CasePage(aisha).reference()
    for note in (FIRST_NOTE, SECOND_NOTE, PRIVATE_NOTE):
        CasePage(aisha).add_note(note)

    # Two notes to the SENCO: the consent covers it.
    _share(aisha, "School or SENCO", "Northmoor Primary Academy", [FIRST_NOTE, SECOND_NOTE])
    visit(aisha, "consent-check-allowed")
    assert aisha.get_by_test_id("check-allowed").is_visible()
    aisha.get_by_test_id("record-share").click()
    visit(aisha, "consent-disclosure-record")
    shared = aisha.get_by_test_id("shared-item-text").all_inner_texts()
    assert sorted(s.strip() for s in shared) == sorted([FIRST_NOTE, SECOND_NOTE])
    assert PRIVATE_NOTE not in aisha.content()

    # A health visitor: refused, with the reason; Aisha asks a manager.
    aisha.goto(case_url)
    _share(aisha, "Health", "Northmoor Health Visiting Team", [FIRST_NOTE])
    visit(aisha, "consent-check-refused")
    reason = aisha.get_by_test_id("check-refused").inner_text()
    assert "restricted to School or SENCO" in reason
    assert "Health is not one of them" in reason
    aisha.get_by_test_id("ask-manager").click()
    visit(aisha, "consent-awaiting")
    assert "Awaiting" in aisha.get_by_test_id("disclosure-status").inner_text()

    # Fiona authorises it on safeguarding grounds.
    fiona = browser.new_context().new_page()
    sign_in_through_provider(fiona, base_url, "northmoor", "northmoor-manager")
    visit(fiona, "consent-dashboard-manager")
    fiona.get_by_test_id("awaiting-authorisation").get_by_text(reference).click()
    visit(fiona, "consent-authorise")
    assert "Health is not one of them" in fiona.get_by_test_id("check-reason").inner_text()
    fiona.get_by_test_id("authorise").click()  # no basis chosen yet
    visit(fiona, "consent-authorise-errors")
    assert fiona.get_by_test_id("error-summary").is_visible()
    fiona.get_by_test_id("legal_basis-safeguarding").check()
    fiona.get_by_test_id("field-justification").fill(JUSTIFICATION)
    fiona.get_by_test_id("authorise").click()
    visit(fiona, "consent-authorised-record")
    assert "Risk of serious harm" in fiona.get_by_test_id("basis").inner_text()
    fiona.context.close()

    # The task to tell the parent is on Aisha's dashboard; she records telling her.
    aisha.goto(f"{base_url}/t/northmoor/dashboard")
    visit(aisha, "consent-dashboard-task")
    tasks = aisha.get_by_test_id("tell-client-tasks")
    assert reference in tasks.inner_text()
    tasks.get_by_text(reference).click()
    visit(aisha, "consent-tell-task")
    assert "Do not" in aisha.get_by_test_id("safe-contact").first.inner_text()
    aisha.get_by_test_id("told_how-phone").check()
    aisha.get_by_test_id("record-told").click()  # no date yet
    visit(aisha, "consent-tell-task-errors")
    assert aisha.get_by_test_id("error-summary").is_visible()
    today = date.today()
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        aisha.get_by_test_id(f"field-told_on-{part}").fill(str(value))
    aisha.get_by_test_id("told_how-phone").check()
    aisha.get_by_test_id("field-note").fill("Rang mum on her mobile and explained.")
    aisha.get_by_test_id("record-told").click()
    visit(aisha, "consent-tell-task-done")
    assert aisha.get_by_test_id("task-done").is_visible()
    aisha.goto(f"{base_url}/t/northmoor/dashboard")
    still_to_tell = aisha.get_by_test_id("tell-client-task").all_inner_texts()
    assert not [t for t in still_to_tell if reference in t]
    aisha.context.close()
