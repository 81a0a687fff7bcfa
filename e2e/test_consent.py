"""Journey: consent restricted to school/SENCO at first contact, with the parties the
parent was told about and the child's own view (Tegan is 11); two notes allowed for a
SENCO, then recorded as sent; a share with a health visitor refused with the reason; the
manager authorises it on safeguarding grounds and records it sent; the tell-the-client
task appears on the caseworker's dashboard and closes when she records telling the
parent. Then the case is closed and the police ask for the file: consent never covers
the police, so the caseworker asks a manager, who authorises it on the police request,
on the closed case, and records it sent; the family must be told. axe checks every page
on the way. In Eastdale, whose staff few other tests use, so the dashboard's first page
of tasks is this journey's to see."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page

from confide.platform.core.clock import service_today
from e2e.casework_pages import CasePage, EnquiryForm, visit

FIRST_NOTE = "Agreed with mum that the SENCO should know about the sensory breaks."
SECOND_NOTE = "School asked for the speech and language report; mum is happy to share it."
PRIVATE_NOTE = "Mum mentioned money worries at home."
JUSTIFICATION = "Mum described an injury that suggests a risk of serious harm to the child."
CHILD_VIEW = "Tegan wants her teacher to know about the sensory breaks."
POLICE_REQUEST = "A signed police request for the advice given, for an investigation."


def _record_enquiry(priya: Page) -> str:
    priya.get_by_test_id("new-enquiry").click()
    form = EnquiryForm(priya)
    visit(priya, "consent-new-enquiry")
    form.tick("contacted_by-parent")
    form.fill(
        {
            "yp-first_name": "Tegan",
            "yp-last_name": "Holloway",
            "yp-date_of_birth-day": "2",
            "yp-date_of_birth-month": "5",
            "yp-date_of_birth-year": "2015",
            "yp-school_or_setting": "Eastdale Primary School",
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
    form.tick("consent-party-1")
    form.save()
    assert "who gave" in form.errors().lower()
    visit(priya, "consent-new-enquiry-errors")
    assert priya.get_by_test_id("consent-decision-restricted").is_checked()
    assert priya.get_by_test_id("consent-role-1").is_checked()
    form.tick("consent-given_by-parent")
    form.save()  # Tegan is 11: her mum answers for her, and Tegan's own view is recorded
    assert "child's own view" in form.errors()
    form.fill({"consent-young_person_view": CHILD_VIEW})
    form.save()
    visit(priya, "consent-case")
    panel = priya.get_by_test_id("consent-panel").inner_text()
    assert "School or SENCO" in panel
    assert CHILD_VIEW in panel
    return priya.url.split("?")[0]


def _record_sent(page: Page, name: str, sent_to: str) -> None:
    """On a share's record page: it went today, by secure email, to ``sent_to``."""
    visit(page, name)
    assert page.get_by_test_id("not-sent-yet").is_visible()
    today = service_today()
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        page.get_by_test_id(f"field-sent_on-{part}").fill(str(value))
    page.get_by_test_id("method-secure_email").check()
    page.get_by_test_id("field-sent_to").fill(sent_to)
    page.get_by_test_id("record-sent").click()
    page.wait_for_load_state()
    assert sent_to in page.get_by_test_id("sent-to").inner_text()


def _share(priya: Page, role: str, org: str, notes: list[str]) -> None:
    priya.get_by_test_id("share-information").click()
    visit(priya, f"consent-share-{role.split()[0].lower()}")
    priya.get_by_test_id("field-recipient_org").fill(org)
    priya.get_by_test_id("field-recipient_role").select_option(role)
    priya.get_by_test_id("field-purpose").fill("To plan support for Tegan")
    for note in notes:
        item = priya.get_by_test_id("items").locator(".govuk-checkboxes__item", has_text=note[:60])
        item.get_by_role("checkbox").check()
    priya.get_by_test_id("check-consent").click()


def test_consent_share_refuse_authorise_and_tell(
    sign_in_as: Callable[[Page, str], None], browser: Browser, base_url: str
) -> None:
    priya = browser.new_context().new_page()
    sign_in_as(priya, "priya")
    visit(priya, "consent-dashboard-caseworker")
    case_url = _record_enquiry(priya)
    reference = CasePage(priya).reference()
    for note in (FIRST_NOTE, SECOND_NOTE, PRIVATE_NOTE):
        CasePage(priya).add_note(note)

    # Two notes to the SENCO: the consent covers it; Priya sends them, then records it.
    _share(priya, "School or SENCO", "Eastdale Primary School", [FIRST_NOTE, SECOND_NOTE])
    visit(priya, "consent-check-allowed")
    assert priya.get_by_test_id("check-allowed").is_visible()
    priya.get_by_test_id("record-share").click()
    _record_sent(priya, "consent-disclosure-to-send", "Mrs Evans, SENCO, by secure email")
    visit(priya, "consent-disclosure-record")
    assert "Shared" in priya.get_by_test_id("disclosure-status").inner_text()
    shared = priya.get_by_test_id("shared-item-text").all_inner_texts()
    assert sorted(s.strip() for s in shared) == sorted([FIRST_NOTE, SECOND_NOTE])
    assert PRIVATE_NOTE not in priya.content()

    # A health visitor: refused, with the reason; Priya asks a manager.
    priya.goto(case_url)
    _share(priya, "Health", "Eastdale Health Visiting Team", [FIRST_NOTE])
    visit(priya, "consent-check-refused")
    reason = priya.get_by_test_id("check-refused").inner_text()
    assert "restricted to School or SENCO" in reason
    assert "Health is not one of them" in reason
    priya.get_by_test_id("ask-manager").click()
    visit(priya, "consent-awaiting")
    assert "Awaiting" in priya.get_by_test_id("disclosure-status").inner_text()

    # Bronwen, the manager, authorises it on safeguarding grounds, and sends it.
    bronwen = browser.new_context().new_page()
    sign_in_as(bronwen, "bronwen")
    visit(bronwen, "consent-dashboard-manager")
    bronwen.get_by_test_id("awaiting-authorisation").get_by_text(reference).click()
    visit(bronwen, "consent-authorise")
    assert "Health is not one of them" in bronwen.get_by_test_id("check-reason").inner_text()
    bronwen.get_by_test_id("authorise").click()  # no basis chosen yet
    visit(bronwen, "consent-authorise-errors")
    assert bronwen.get_by_test_id("error-summary").is_visible()
    bronwen.get_by_test_id("legal_basis-safeguarding").check()
    bronwen.get_by_test_id("field-justification").fill(JUSTIFICATION)
    bronwen.get_by_test_id("authorise").click()
    assert "Risk of serious harm" in bronwen.get_by_test_id("basis").inner_text()
    _record_sent(bronwen, "consent-authorised-record", "Eastdale Health Visiting Team duty desk")

    # The task to tell the parent is on Priya's dashboard; she records telling her.
    priya.goto(f"{base_url}/t/eastdale/dashboard")
    visit(priya, "consent-dashboard-task")
    tasks = priya.get_by_test_id("tell-client-tasks")
    assert reference in tasks.inner_text()
    tasks.get_by_text(reference).click()
    visit(priya, "consent-tell-task")
    assert "Do not" in priya.get_by_test_id("safe-contact").first.inner_text()
    priya.get_by_test_id("told_how-phone").check()
    priya.get_by_test_id("record-told").click()  # no date yet
    visit(priya, "consent-tell-task-errors")
    assert priya.get_by_test_id("error-summary").is_visible()
    today = service_today()
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        priya.get_by_test_id(f"field-told_on-{part}").fill(str(value))
    priya.get_by_test_id("told_how-phone").check()
    priya.get_by_test_id("field-note").fill("Rang mum on her mobile and explained.")
    priya.get_by_test_id("record-told").click()
    visit(priya, "consent-tell-task-done")
    assert priya.get_by_test_id("task-done").is_visible()

    # Months later the case is closed; the police ask for the file.
    priya.goto(case_url)
    priya.get_by_test_id("close-case").click()
    visit(priya, "consent-close-case")
    priya.get_by_test_id("field-outcome").fill("Support plan agreed")
    priya.get_by_test_id("save-close").click()
    visit(priya, "consent-closed-case")
    _share(priya, "Police", "Eastdale Police, Public Protection Unit", [FIRST_NOTE])
    visit(priya, "consent-check-police")
    police = priya.get_by_test_id("check-refused").inner_text()
    assert "This case is closed" in police
    priya.get_by_test_id("ask-manager").click()
    visit(priya, "consent-police-awaiting")

    bronwen.goto(f"{base_url}/t/eastdale/dashboard")
    bronwen.get_by_test_id("awaiting-authorisation").get_by_text(reference).click()
    visit(bronwen, "consent-authorise-police")
    bronwen.get_by_test_id("legal_basis-police_request").check()
    bronwen.get_by_test_id("field-justification").fill(POLICE_REQUEST)
    bronwen.get_by_test_id("authorise").click()
    assert "Police request" in bronwen.get_by_test_id("basis").inner_text()
    assert bronwen.get_by_test_id("task-when-sent").is_visible()
    _record_sent(bronwen, "consent-police-authorised", "DC Rowe, Public Protection Unit")
    visit(bronwen, "consent-police-sent")
    assert bronwen.get_by_test_id("task-link").is_visible()  # the family will be told
    bronwen.context.close()

    # Priya's list of people to tell: the police request's task, not the one she closed.
    priya.goto(f"{base_url}/t/eastdale/dashboard")
    tasks = priya.get_by_test_id("tell-client-tasks")
    tasks.wait_for()
    visit(priya, "consent-dashboard-police-task")
    still_to_tell = tasks.get_by_test_id("tell-client-task").all_inner_texts()
    assert [t for t in still_to_tell if reference in t and "Eastdale Police" in t]
    assert not [t for t in still_to_tell if reference in t and "Health Visiting" in t]
    priya.context.close()


def test_review_change_history_logs_and_settings_pages(
    sign_in_as: Callable[[Page, str], None], browser: Browser, base_url: str
) -> None:
    """The other consent pages, each checked by axe: a review confirmed, a change recorded,
    the history of both, the disclosure log, the task list, and the admin's settings."""
    callum = browser.new_context().new_page()
    sign_in_as(callum, "callum")
    case_url = _record_enquiry(callum)

    callum.get_by_test_id("review-consent").click()
    visit(callum, "consent-review")
    callum.get_by_test_id("save-review").click()  # nothing chosen
    visit(callum, "consent-review-errors")
    assert callum.get_by_test_id("error-summary").is_visible()
    callum.get_by_test_id("changed-confirmed").check()
    callum.get_by_test_id("field-note").fill("Mum confirmed nothing has changed.")
    callum.get_by_test_id("save-review").click()
    visit(callum, "consent-reviewed")

    callum.get_by_test_id("record-consent").click()
    visit(callum, "consent-change")
    callum.get_by_test_id("consent-decision-full").check()
    callum.get_by_test_id("consent-party-2").check()
    callum.get_by_test_id("consent-given_by-parent").check()
    callum.get_by_test_id("consent-method-written").check()
    callum.get_by_test_id("field-consent-young_person_view").fill(CHILD_VIEW)
    callum.get_by_test_id("save-consent").click()
    visit(callum, "consent-changed")
    assert "Information may be shared" in callum.get_by_test_id("consent-panel").inner_text()

    callum.get_by_test_id("consent-history-link").click()
    visit(callum, "consent-history")
    assert callum.get_by_test_id("consent-version").count() == 2
    assert "Mum confirmed" in callum.get_by_test_id("consent-reviews").inner_text()
    assert "under the service's age of 12" in callum.get_by_test_id("capacity").inner_text()

    # Tegan's capacity judged: she can decide for herself, below the service's age.
    callum.get_by_test_id("record-capacity").click()
    visit(callum, "consent-capacity")
    callum.get_by_test_id("save-capacity").click()  # nothing chosen
    visit(callum, "consent-capacity-errors")
    assert callum.get_by_test_id("error-summary").is_visible()
    callum.get_by_test_id("has_capacity-yes").check()
    callum.get_by_test_id("field-note").fill("Tegan explained what sharing means and with whom.")
    callum.get_by_test_id("save-capacity").click()
    visit(callum, "consent-capacity-recorded")
    assert "Yes" in callum.get_by_test_id("capacity").inner_text()
    assert callum.get_by_test_id("capacity-decision").count() == 1

    callum.goto(case_url)
    callum.get_by_test_id("disclosure-log-link").click()
    visit(callum, "consent-disclosure-log-empty")
    callum.goto(f"{base_url}/t/eastdale/tasks")
    visit(callum, "consent-task-list")
    callum.context.close()

    seun = browser.new_context().new_page()
    sign_in_as(seun, "seun")
    seun.get_by_test_id("nav-consent-settings").click()
    visit(seun, "consent-settings")
    seun.get_by_test_id("field-review_months").fill("0")
    seun.get_by_test_id("save").click()
    visit(seun, "consent-settings-errors")
    assert "between" in seun.get_by_test_id("error-summary").inner_text().lower()
    seun.context.close()
