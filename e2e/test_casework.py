"""Journey: a caseworker records a parent's phone enquiry with safe-contact preferences and
adds a note; a second caseworker finds the case restricted and breaks glass with a reason;
the manager sees the alert and the case's access history; search finds a misspelt name.
axe checks every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Browser, Page

from e2e.casework_pages import CasePage, EnquiryForm, visit

NM = "/t/northmoor"
REASON = "Parent rang the duty line while Aisha is on leave and needs an answer today"


def test_record_restrict_break_glass_and_alert(
    sign_in_as: Callable[[Page, str], None], browser: Browser, base_url: str
) -> None:
    # Aisha records the enquiry.
    aisha = browser.new_context().new_page()
    sign_in_as(aisha, "aisha")
    visit(aisha, "casework-dashboard-caseworker")
    aisha.get_by_test_id("new-enquiry").click()
    form = EnquiryForm(aisha)
    visit(aisha, "casework-new-enquiry")
    form.tick("contacted_by-parent")
    form.fill(
        {
            "yp-first_name": "Morwenna",
            "yp-last_name": "Featherstonhaugh",
            "yp-date_of_birth-day": "14",
            "yp-date_of_birth-month": "9",
            "yp-date_of_birth-year": "2012",
            "yp-school_or_setting": "Northmoor Academy",
            "yp-primary_need": "Speech and language",
            "parent-first_name": "Ellen",
            "parent-last_name": "Featherstonhaugh",
            "parent-phone": "07700 900789",
            "parent-preferred_times": "Weekdays 9:30am to 2pm",
            "parent-safe_contact_note": "Use her mobile only",
            "contact-duration_minutes": "20",
            "contact-summary": "Mum asked about an EHC needs assessment request.",
        }
    )
    form.tick("field-parent-may_phone", "field-parent-may_text", "contact-kind-phone")
    form.tick("contact-direction-incoming", "support_level-2")
    # Consent to share, asked at first contact (given today, the date already filled in).
    form.tick("consent-decision-full", "consent-given_by-parent", "consent-method-verbal")
    form.save()  # no topic chosen yet
    assert "Choose at least one topic" in form.errors()
    assert aisha.get_by_test_id("field-yp-first_name").input_value() == "Morwenna"
    visit(aisha, "casework-new-enquiry-errors")
    form.tick("topic-1", "topic-3")
    form.save()

    case = CasePage(aisha)
    visit(aisha, "casework-case")
    reference = case.reference()
    assert re.fullmatch(r"NOR-\d{4}-\d{5}", reference)
    case_url = aisha.url.split("?")[0]
    parent_rules = " ".join(case.safe_contact())
    assert "Do not leave a voicemail." in parent_rules
    assert "Do not send post." in parent_rules
    assert "Mum asked about an EHC needs assessment request." in case.timeline()
    case.add_note("Sent nothing by post, as agreed.")
    visit(aisha, "casework-case-with-note")
    assert "Sent nothing by post, as agreed." in case.timeline()
    aisha.get_by_test_id("add-contact").click()
    visit(aisha, "casework-add-contact")
    assert "Do not leave a voicemail." in aisha.get_by_test_id("safe-contact").first.inner_text()

    # Search finds her under a misspelt name.
    aisha.get_by_test_id("nav-search").click()
    visit(aisha, "casework-search")
    aisha.get_by_test_id("field-q").fill("Morwena Featherstonhaw")
    aisha.get_by_test_id("search").click()
    visit(aisha, "casework-search-results")
    assert reference in aisha.get_by_test_id("results").inner_text()
    aisha.context.close()

    # Tom is not assigned: restricted, then break-glass.
    tom = browser.new_context().new_page()
    sign_in_as(tom, "tom")
    tom.goto(case_url)
    restricted = visit(tom, "casework-restricted")
    assert restricted.heading() == "This case is restricted"
    assert "Featherstonhaugh" not in tom.content()
    tom.get_by_test_id("field-reason").fill("urgent")
    tom.get_by_test_id("break-glass").click()
    visit(tom, "casework-restricted-error")
    assert tom.get_by_test_id("error-summary").is_visible()
    tom.get_by_test_id("field-reason").fill(REASON)
    tom.get_by_test_id("break-glass").click()
    visit(tom, "casework-case-break-glass")
    assert CasePage(tom).reference() == reference
    assert tom.get_by_test_id("break-glass-tag").is_visible()
    tom.context.close()

    # Fiona, the manager, sees the alert and the access history.
    fiona = browser.new_context().new_page()
    sign_in_as(fiona, "fiona")
    visit(fiona, "casework-dashboard-manager")
    alerts = fiona.get_by_test_id("alerts").inner_text()
    assert "Tom Hargreaves" in alerts
    assert reference in alerts
    assert REASON in alerts
    fiona.get_by_role("link", name=reference).first.click()
    visit(fiona, "casework-case-manager")
    fiona.get_by_test_id("access-history-link").click()
    visit(fiona, "casework-access-history")
    history = fiona.get_by_test_id("access-table").inner_text()
    assert "Tom Hargreaves" in history
    assert "Break-glass" in history
    assert "Aisha Rahman" in history
    fiona.goto(f"{base_url}/t/northmoor/dashboard")
    fiona.get_by_test_id("break-glass-log-link").click()
    visit(fiona, "casework-break-glass-log")
    assert REASON in fiona.get_by_test_id("alerts").inner_text()
    fiona.context.close()
