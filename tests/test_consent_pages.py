"""Consent pages over HTTP, as a browser without JavaScript uses them (rules 4 and 5):
consent asked at first contact, changed as a new version, reviewed, lapsing, and the
tenant's settings, against the real app and database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.core.clock import add_months, service_today
from tests.helpers.casework import as_tenant, case_audit
from tests.helpers.html import (
    Element,
    error_summary,
    field_error,
    form_values,
    links,
    page_text,
    parse,
)
from tests.helpers.pages import NM, enquiry_form, record_enquiry, submit, text
from tests.helpers.tenants import TenantRef

SETTINGS = f"{NM}/admin/policy/consent"


@pytest.fixture
async def default_consent_settings(tenants: dict[str, TenantRef]) -> AsyncIterator[None]:
    """Other tests use the default roles and interval: put them back however the test ends."""
    yield
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import DEFAULT_PROFESSIONAL_ROLES, set_consent_settings

    async with tenant_transaction(tenants["northmoor"].id):
        await set_consent_settings(
            DEFAULT_PROFESSIONAL_ROLES, 12, True, 5, capacity_age=12, unsent_share_days=5
        )


def uk(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def given_on(day: date) -> dict[str, str]:
    return {
        "consent-given_on-day": str(day.day),
        "consent-given_on-month": str(day.month),
        "consent-given_on-year": str(day.year),
    }


def consent_fields(**changes: Any) -> list[tuple[str, str]]:
    """Only the consent questions, as the consent page posts them."""
    return [(k, v) for k, v in enquiry_form(**changes) if k.startswith("consent-")]


def panel(page: str) -> Element:
    """The case page's consent panel."""
    return parse(page).one("[data-testid=consent-panel]")


async def test_an_enquiry_with_restricted_consent_records_version_1(
    aisha: httpx.AsyncClient,
) -> None:
    form = text(await aisha.get(f"{NM}/enquiries/new"))
    assert "Consent to share information" in form
    # Given today unless the caseworker changes it.
    today = service_today()
    assert form_values(form)["consent-given_on-day"] == str(today.day)
    case_id = await record_enquiry(
        aisha,
        **{
            "consent-decision": "restricted",
            "consent-roles": ["Health", "Social care"],
            "consent-method": "signed_form",
            "consent-note": "Mum signed the form at the drop-in",
        },
    )
    page = text(await aisha.get(f"{NM}/cases/{case_id}"))
    consent = panel(page).text
    assert "Restricted to named professional roles" in consent
    assert "Health, Social care" in consent
    assert "A parent" in consent
    assert "On a signed form" in consent
    assert "Aisha Rahman" in consent
    assert "(version 1)" in consent
    assert uk(add_months(today, 12)) in consent  # the tenant's default interval
    assert "Review overdue" not in consent
    assert "Review due soon" not in consent
    offered = [href for _, href in links(panel(page))]
    for link in ("consent/new", "consent/review", "consent", "share", "disclosures"):
        assert f"{NM}/cases/{case_id}/{link}" in offered


async def test_a_refusal_without_the_limits_explained_comes_back_with_everything_typed(
    aisha: httpx.AsyncClient,
) -> None:
    response = await submit(
        aisha,
        f"{NM}/enquiries/new",
        f"{NM}/enquiries/new",
        enquiry_form(
            support_level=None,
            **{"consent-decision": "refused", "consent-given_by": None},
        ),
    )
    assert response.status_code == 400
    body = text(response)
    # One submit shows every problem: the enquiry's and the consent's.
    for message in (
        "Select the level of support",
        "Select who gave the answer",
        "Confirm they were told what the service cannot do without sharing",
    ):
        assert message in body, message
    assert dict(error_summary(response))["#consent-advised_of_limits"] == (
        "Confirm they were told what the service cannot do without sharing"
    )
    assert field_error(response, "consent-advised_of_limits") == (
        "Confirm they were told what the service cannot do without sharing"
    )
    kept = form_values(response)
    assert kept["consent-decision"] == "refused"
    assert kept["yp-first_name"] == "Jamie"
    assert kept["contact-summary"] == "Asked how to request an EHC needs assessment."
    # Without JavaScript the refusal's question is shown, not hidden.
    shown = parse(response)
    assert shown.one("input[name=consent-advised_of_limits]")
    assert not shown.select(".govuk-radios__conditional, .govuk-radios__conditional--hidden")


async def test_an_anonymous_enquiry_records_no_consent(aisha: httpx.AsyncClient) -> None:
    pairs = [
        (k, v)
        for k, v in enquiry_form(contacted_by="young_person")
        if not k.startswith(("yp-", "parent-", "consent-"))
    ]
    done = await submit(
        aisha, f"{NM}/enquiries/new", f"{NM}/enquiries/new", [*pairs, ("anonymous", "yes")]
    )
    assert done.status_code == 303, done.text
    page = text(await aisha.get(done.headers["location"]))
    assert "Consent does not apply" in panel(page).text
    assert not panel(page).select("[data-testid=record-consent]")

    with_consent = await submit(
        aisha,
        f"{NM}/enquiries/new",
        f"{NM}/enquiries/new",
        [*pairs, ("anonymous", "yes"), ("consent-decision", "full")],
    )
    assert with_consent.status_code == 400
    assert "An anonymous enquiry records no consent" in text(with_consent)


async def test_a_change_is_a_new_version_and_the_history_shows_both(
    aisha: httpx.AsyncClient,
) -> None:
    case_id = await record_enquiry(aisha)
    new = f"{NM}/cases/{case_id}/consent/new"
    form = text(await aisha.get(new))
    assert "Record consent to share information" in form
    assert "Educational psychologist" in form  # the tenant's roles to restrict to

    refused = await submit(aisha, new, new, consent_fields(**{"consent-decision": "refused"}))
    assert refused.status_code == 400
    assert "Confirm they were told what the service cannot do without sharing" in text(refused)

    done = await submit(
        aisha,
        new,
        new,
        consent_fields(
            **{
                "consent-decision": "refused",
                "consent-advised_of_limits": "yes",
                "consent-given_by": "young_person",
                "consent-method": "written",
            }
        ),
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{NM}/cases/{case_id}?done=consent"
    page = text(await aisha.get(done.headers["location"]))
    assert "Consent recorded" in page
    assert "Refused: no information may be shared" in panel(page).text
    assert "(version 2)" in panel(page).text

    history = text(await aisha.get(f"{NM}/cases/{case_id}/consent"))
    versions = parse(history).texts("[data-testid=consent-version]")
    assert len(versions) == 2
    assert "Version 2" in versions[0]  # newest first
    assert "Version 1" in versions[1]
    assert "Refused: no information may be shared" in history
    assert "Information may be shared" in history
    assert "Told what the service cannot do without sharing" in history


async def test_who_may_answer_follows_the_young_persons_capacity(
    aisha: httpx.AsyncClient,
) -> None:
    """Jamie is 13: a parent answers for the parent's side. A nine-year-old cannot answer
    alone, and a parent answering for them records the child's view."""
    nine = service_today().year - 9
    young = {"yp-date_of_birth-year": str(nine), "consent-given_by": "young_person"}
    refused = await submit(
        aisha, f"{NM}/enquiries/new", f"{NM}/enquiries/new", enquiry_form(**young)
    )
    assert refused.status_code == 400
    body = text(refused)
    assert "under the service's age of 12" in body
    assert "#consent-given_by" in dict(error_summary(refused))
    viewless = await submit(
        aisha,
        f"{NM}/enquiries/new",
        f"{NM}/enquiries/new",
        enquiry_form(**{"yp-date_of_birth-year": str(nine)}),
    )
    assert viewless.status_code == 400
    assert "Record the child's own view" in text(viewless)
    assert "#consent-young_person_view" in dict(error_summary(viewless))
    case_id = await record_enquiry(
        aisha,
        **{
            "yp-date_of_birth-year": str(nine),
            "consent-young_person_view": "Jamie is happy for school to know",
            "consent-parties_told": ["School or SENCO", "Health"],
        },
    )
    consent = panel(text(await aisha.get(f"{NM}/cases/{case_id}"))).text
    assert "Jamie is happy for school to know" in consent
    assert "School or SENCO, Health" in consent  # told it may go to
    history = text(await aisha.get(f"{NM}/cases/{case_id}/consent"))
    assert "The young person is 9: under the service's age of 12" in history
    assert "A parent's or carer's consent covers the case" in history

    # A decision that Jamie can decide: Jamie may then answer for himself.
    capacity = f"{NM}/cases/{case_id}/capacity"
    missing = await submit(aisha, capacity, capacity, [("has_capacity", "yes")])
    assert missing.status_code == 400
    assert "Enter how it was judged" in text(missing)
    today = service_today()
    judged = await submit(
        aisha,
        capacity,
        capacity,
        [
            ("has_capacity", "yes"),
            ("judged_on-day", str(today.day)),
            ("judged_on-month", str(today.month)),
            ("judged_on-year", str(today.year)),
            ("note", "Understood what sharing means, and with whom"),
        ],
    )
    assert judged.status_code == 303, judged.text
    history = text(await aisha.get(judged.headers["location"]))
    assert "judged on" in history
    assert "Understood what sharing means, and with whom" in history
    new = f"{NM}/cases/{case_id}/consent/new"
    own = await submit(aisha, new, new, consent_fields(**{"consent-given_by": "young_person"}))
    assert own.status_code == 303, own.text


async def test_confirming_at_review_moves_the_review_date(aisha: httpx.AsyncClient) -> None:
    today = service_today()
    # Given eleven and a half months ago: the review falls due within the next four weeks.
    long_ago = add_months(today, -12) + timedelta(days=14)
    case_id = await record_enquiry(aisha, **given_on(long_ago))
    page = text(await aisha.get(f"{NM}/cases/{case_id}"))
    assert "Review due soon" in panel(page).text
    assert uk(add_months(long_ago, 12)) in panel(page).text
    reference = parse(page).one("[data-testid=page-heading]").text
    dashboard = await aisha.get(f"{NM}/dashboard")
    assert reference in parse(dashboard).one("[data-testid=reviews-due]").text

    review = f"{NM}/cases/{case_id}/consent/review"
    nothing = await submit(aisha, review, review, [])
    assert nothing.status_code == 400
    assert [message for _, message in error_summary(nothing)] == [
        "Select whether anything has changed"
    ]

    changed = await submit(aisha, review, review, [("changed", "changed")])
    assert changed.status_code == 303
    assert changed.headers["location"] == f"{NM}/cases/{case_id}/consent/new"

    confirmed = await submit(
        aisha, review, review, [("changed", "confirmed"), ("note", "Mum confirmed on the phone")]
    )
    assert confirmed.status_code == 303, confirmed.text
    page = text(await aisha.get(confirmed.headers["location"]))
    assert "Consent review recorded" in page
    assert uk(add_months(today, 12)) in panel(page).text
    assert "Review due soon" not in panel(page).text
    history = text(await aisha.get(f"{NM}/cases/{case_id}/consent"))
    assert "Mum confirmed on the phone" in history
    assert len(parse(history).select("[data-testid=consent-version]")) == 1  # not a new version


async def test_a_lapsed_consent_is_overdue_on_the_case_and_the_dashboard(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id = await record_enquiry(aisha)
    # A year on, and nobody reviewed it.
    await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "UPDATE consents SET given_on = current_date - 368, review_due = current_date - 3"
        " WHERE case_id = $1",
        uuid.UUID(case_id),
    )
    page = text(await aisha.get(f"{NM}/cases/{case_id}"))
    assert panel(page).one("[data-testid=review-overdue]")
    assert "Review overdue" in panel(page).text
    reference = parse(page).one("[data-testid=page-heading]").text

    dashboard = parse(await aisha.get(f"{NM}/dashboard"))
    due = dashboard.one("[data-testid=reviews-due]").select("li")
    line = next(li for li in due if reference in li.text)
    assert "Overdue" in line.text
    assert f"{NM}/cases/{case_id}/consent/review" in [href for _, href in links(line)]


async def test_an_admin_changes_roles_and_interval_and_caseworkers_get_them(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient, default_consent_settings: None
) -> None:
    page = text(await gareth.get(SETTINGS))
    assert "Educational psychologist" in page
    assert parse(page).one("[data-testid=nav-consent-settings]")
    saved = await submit(
        gareth,
        SETTINGS,
        SETTINGS,
        [
            ("roles", "Youth justice\n  Health visitor  \n\nSchool or SENCO"),
            ("review_months", "6"),
            ("review_notice_days", "45"),
            ("lapsed", "warns"),
            ("tell_client_days", "10"),
            ("capacity_age", "13"),
            ("unsent_share_days", "3"),
        ],
    )
    assert saved.status_code == 303, saved.text
    after = text(await gareth.get(saved.headers["location"]))
    assert "Consent settings saved." in after
    saved_form = form_values(after)
    assert saved_form["roles"].strip() == "Youth justice\nHealth visitor\nSchool or SENCO"
    assert saved_form["review_months"] == "6"
    assert saved_form["review_notice_days"] == "45"
    assert saved_form["lapsed"] == "warns"
    assert saved_form["capacity_age"] == "13"
    assert saved_form["unsent_share_days"] == "3"

    form = parse(await aisha.get(f"{NM}/enquiries/new"))
    offered = [box.get("value") for box in form.select("input[name=consent-roles]")]
    assert "Youth justice" in offered
    assert "Educational psychologist" not in offered
    case_id = await record_enquiry(
        aisha, **{"consent-decision": "restricted", "consent-roles": ["Youth justice"]}
    )
    consent = panel(text(await aisha.get(f"{NM}/cases/{case_id}"))).text
    assert "Youth justice" in consent
    assert uk(add_months(service_today(), 6)) in consent
    # A role no longer on the list is refused.
    old = await submit(
        aisha,
        f"{NM}/cases/{case_id}/consent/new",
        f"{NM}/cases/{case_id}/consent/new",
        consent_fields(**{"consent-decision": "restricted", "consent-roles": ["Health"]}),
    )
    assert old.status_code == 400
    assert "Choose roles from the service's list" in text(old)


async def test_consent_settings_errors_keep_what_was_typed(gareth: httpx.AsyncClient) -> None:
    refused = await submit(
        gareth,
        SETTINGS,
        SETTINGS,
        [
            ("roles", "Health\nhealth"),
            ("review_months", "forty"),
            ("review_notice_days", "91"),
            ("tell_client_days", "90"),
            ("capacity_age", "18"),
            ("unsent_share_days", ""),
        ],
    )
    assert refused.status_code == 400
    body = [message for _, message in error_summary(refused)]
    for message in (
        "Enter each role once",
        "Enter the review interval as a whole number of months",
        "Select what a consent past its review date does",
        "The days to tell a client must be between 1 and 60",
        "The age of capacity must be between 10 and 16",
        "Enter the days before an unsent share is listed as a number",
        "The days of notice before a review must be between 1 and 90",
    ):
        assert message in body, message
    kept = form_values(refused)
    assert kept["roles"].strip() == "Health\nhealth"
    assert kept["review_months"] == "forty"
    assert kept["tell_client_days"] == "90"
    assert "Consent settings saved." not in page_text(refused)


async def test_a_caseworker_cannot_open_the_consent_settings(aisha: httpx.AsyncClient) -> None:
    response = await aisha.get(SETTINGS)
    assert response.status_code == 403
    assert "nav-consent-settings" not in (await aisha.get(f"{NM}/dashboard")).text


async def test_consent_history_is_need_to_know(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id = await record_enquiry(
        aisha, **{"consent-decision": "restricted", "consent-roles": ["Health"]}
    )
    refused = await tom.get(f"{NM}/cases/{case_id}/consent")
    assert refused.status_code == 403
    body = text(refused)
    assert "This case is restricted" in body
    assert "Restricted to named professional roles" not in body
    assert (await tom.get(f"{NM}/cases/{case_id}/consent/new")).status_code == 403
    entries = await case_audit(owner_conn, tenants["northmoor"], case_id)
    assert ("case_access_refused", None, "consent", "northmoor-cw-2") in [tuple(r) for r in entries]

    mine = text(await aisha.get(f"{NM}/cases/{case_id}/consent"))
    assert "Restricted to named professional roles" in mine
    entries = await case_audit(owner_conn, tenants["northmoor"], case_id)
    assert any(r["action"] == "case_read" and r["reason_code"] == "consent" for r in entries)


async def _refuse(http: httpx.AsyncClient, case_id: str) -> None:
    new = f"{NM}/cases/{case_id}/consent/new"
    fields = {"consent-decision": "refused", "consent-advised_of_limits": "yes"}
    done = await submit(http, new, new, consent_fields(**fields))
    assert done.status_code == 303, done.text


def _section(page: str, testid: str) -> Element:
    return parse(page).one(f"[data-testid={testid}]")


async def test_the_dashboard_lists_tasks_to_tell_and_requests_to_authorise(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    from tests.helpers.sharing import (
        SOCIAL,
        case_with_notes,
        post_share,
        record_path,
        send_from_record,
        share_pairs,
        task_path,
    )

    # Refused consent: Aisha asks a manager to authorise sharing with social care.
    case_id, found = await case_with_notes(aisha)
    await _refuse(aisha, case_id)
    note = found["Mum says the school has not applied for an assessment."]
    asked = record_path(
        await post_share(aisha, case_id, share_pairs(SOCIAL, [note], "ask")), case_id
    )
    managers = text(await fiona.get(f"{NM}/dashboard"))
    awaiting = links(_section(managers, "awaiting-authorisation"))
    assert f"{asked}/authorise" in [href for _, href in awaiting]
    assert not parse(await aisha.get(f"{NM}/dashboard")).select(
        "[data-testid=awaiting-authorisation]"
    )

    # Fiona shares on safeguarding instead: the service user must be told (rule 7).
    other, found = await case_with_notes(aisha)
    await _refuse(aisha, other)
    note = found["Mum says the school has not applied for an assessment."]
    shared = await post_share(
        fiona,
        other,
        share_pairs(SOCIAL, [note], "share", legal_basis="safeguarding", justification="Risk."),
    )
    record = record_path(shared, other)
    assert (await send_from_record(fiona, record)).status_code == 303
    task = task_path(text(await fiona.get(record)))
    await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "UPDATE tell_client_tasks SET due_on = current_date - 2 WHERE id = $1",
        uuid.UUID(task.rsplit("/", 1)[1]),
    )
    dashboard = text(await aisha.get(f"{NM}/dashboard"))
    tasks = _section(dashboard, "tell-client-tasks").select("li")
    line = next(li for li in tasks if task in [href for _, href in links(li)])
    overdue = line.one("[data-testid=overdue]")
    assert overdue.text == "Overdue"
    assert {"govuk-tag", "govuk-tag--red"} <= overdue.classes
    assert f"{NM}/tasks" in [href for _, href in links(dashboard)]  # see all tasks
