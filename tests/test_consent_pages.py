"""Consent pages over HTTP, as a browser without JavaScript uses them (DESIGN rules 4 and 5):
consent asked at first contact, changed as a new version, reviewed, lapsing, and the
tenant's settings, against the real app and database."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.consent.consents import add_months
from conftest import TenantRef
from tests.test_casework import _as_tenant, _reads
from tests.test_casework_pages import (
    NM,
    _signed_in,
    enquiry_form,
    record_enquiry,
    submit,
    text,
)

SETTINGS = f"{NM}/admin/consent"


@pytest.fixture
async def aisha(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _signed_in(app, "northmoor-cw-1"):
        yield http


@pytest.fixture
async def tom(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _signed_in(app, "northmoor-cw-2"):
        yield http


@pytest.fixture
async def gareth(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _signed_in(app, "northmoor-admin"):
        yield http


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


def panel(page: str) -> str:
    """The case page's consent panel, as text."""
    return page.split('data-testid="consent-panel"', 1)[1].split("</section>", 1)[0]


async def test_an_enquiry_with_restricted_consent_records_version_1(
    aisha: httpx.AsyncClient,
) -> None:
    form = text(await aisha.get(f"{NM}/enquiries/new"))
    assert "Consent to share information" in form
    # Given today unless the caseworker changes it.
    today = date.today()
    day_box = form.split('name="consent-given_on-day"', 1)[1].split(">", 1)[0]
    assert f'value="{today.day}"' in day_box
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
    consent = panel(page)
    assert "Restricted to named professional roles" in consent
    assert "Health, Social care" in consent
    assert "A parent" in consent
    assert "On a signed form" in consent
    assert "Aisha Rahman" in consent
    assert "(version 1)" in consent
    assert uk(add_months(today, 12)) in consent  # the tenant's default interval
    assert "Review overdue" not in consent
    assert "Review due soon" not in consent
    for link in ("consent/new", "consent/review", "consent", "share", "disclosures"):
        assert f'href="{NM}/cases/{case_id}/{link}"' in consent


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
    assert 'href="#consent-advised_of_limits"' in body
    assert 'data-testid="error-consent-advised_of_limits"' in body
    assert 'value="refused" checked' in body
    assert 'value="Jamie"' in body
    assert "Asked how to request an EHC needs assessment." in body
    # Without JavaScript the refusal's question is shown, not hidden.
    refused = body.split('id="conditional-consent-refused"', 1)[0].rsplit("<div", 1)[1]
    assert "govuk-radios__conditional--hidden" not in refused


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
    assert "Consent does not apply" in panel(page)
    assert "record-consent" not in panel(page)

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
    assert "Refused: no information may be shared" in panel(page)
    assert "(version 2)" in panel(page)

    history = text(await aisha.get(f"{NM}/cases/{case_id}/consent"))
    assert history.count('data-testid="consent-version"') == 2
    assert history.index("Version 2") < history.index("Version 1")  # newest first
    assert "Refused: no information may be shared" in history
    assert "Information may be shared" in history
    assert "Told what the service cannot do without sharing" in history


async def test_who_may_answer_follows_the_young_persons_capacity(
    aisha: httpx.AsyncClient,
) -> None:
    """Jamie is 13: a parent answers for the parent's side. A nine-year-old cannot answer
    alone, and a parent answering for them records the child's view."""
    nine = date.today().year - 9
    young = {"yp-date_of_birth-year": str(nine), "consent-given_by": "young_person"}
    refused = await submit(
        aisha, f"{NM}/enquiries/new", f"{NM}/enquiries/new", enquiry_form(**young)
    )
    assert refused.status_code == 400
    body = text(refused)
    assert "under the service's age of 12" in body
    assert 'href="#consent-given_by"' in body
    viewless = await submit(
        aisha,
        f"{NM}/enquiries/new",
        f"{NM}/enquiries/new",
        enquiry_form(**{"yp-date_of_birth-year": str(nine)}),
    )
    assert viewless.status_code == 400
    assert "Record the child's own view" in text(viewless)
    assert 'href="#consent-young_person_view"' in viewless.text
    case_id = await record_enquiry(
        aisha,
        **{
            "yp-date_of_birth-year": str(nine),
            "consent-young_person_view": "Jamie is happy for school to know",
            "consent-parties_told": ["School or SENCO", "Health"],
        },
    )
    consent = panel(text(await aisha.get(f"{NM}/cases/{case_id}")))
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
    today = date.today()
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
    today = date.today()
    # Given eleven and a half months ago: the review falls due within the next four weeks.
    long_ago = add_months(today, -12) + timedelta(days=14)
    case_id = await record_enquiry(aisha, **given_on(long_ago))
    page = text(await aisha.get(f"{NM}/cases/{case_id}"))
    assert "Review due soon" in panel(page)
    assert uk(add_months(long_ago, 12)) in panel(page)
    reference = re.search(r'data-testid="page-heading">([^<]+)<', page)
    assert reference
    dashboard = text(await aisha.get(f"{NM}/dashboard"))
    due = dashboard.split('data-testid="reviews-due"', 1)[1].split("</ul>", 1)[0]
    assert reference.group(1) in due

    review = f"{NM}/cases/{case_id}/consent/review"
    nothing = await submit(aisha, review, review, [])
    assert nothing.status_code == 400
    assert "Select whether anything has changed" in text(nothing)
    assert 'data-testid="error-summary"' in nothing.text

    changed = await submit(aisha, review, review, [("changed", "changed")])
    assert changed.status_code == 303
    assert changed.headers["location"] == f"{NM}/cases/{case_id}/consent/new"

    confirmed = await submit(
        aisha, review, review, [("changed", "confirmed"), ("note", "Mum confirmed on the phone")]
    )
    assert confirmed.status_code == 303, confirmed.text
    page = text(await aisha.get(confirmed.headers["location"]))
    assert "Consent review recorded" in page
    assert uk(add_months(today, 12)) in panel(page)
    assert "Review due soon" not in panel(page)
    history = text(await aisha.get(f"{NM}/cases/{case_id}/consent"))
    assert "Mum confirmed on the phone" in history
    assert history.count('data-testid="consent-version"') == 1  # a review is not a new version


async def test_a_lapsed_consent_is_overdue_on_the_case_and_the_dashboard(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id = await record_enquiry(aisha)
    # A year on, and nobody reviewed it.
    await _as_tenant(
        owner_conn,
        tenants["northmoor"],
        "UPDATE consents SET given_on = current_date - 368, review_due = current_date - 3"
        " WHERE case_id = $1",
        uuid.UUID(case_id),
    )
    page = text(await aisha.get(f"{NM}/cases/{case_id}"))
    assert 'data-testid="review-overdue"' in panel(page)
    assert "Review overdue" in panel(page)
    reference = re.search(r'data-testid="page-heading">([^<]+)<', page)
    assert reference

    dashboard = text(await aisha.get(f"{NM}/dashboard"))
    due = dashboard.split('data-testid="reviews-due"', 1)[1].split("</ul>", 1)[0]
    line = next(li for li in due.split("<li")[1:] if reference.group(1) in li)
    assert "Overdue" in line
    assert f"/cases/{case_id}/consent/review" in line


async def test_an_admin_changes_roles_and_interval_and_caseworkers_get_them(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient, default_consent_settings: None
) -> None:
    page = text(await gareth.get(SETTINGS))
    assert "Educational psychologist" in page
    assert 'data-testid="nav-consent-settings"' in page
    saved = await submit(
        gareth,
        SETTINGS,
        SETTINGS,
        [
            ("roles", "Youth justice\n  Health visitor  \n\nSchool or SENCO"),
            ("review_months", "6"),
            ("lapsed", "warns"),
            ("tell_client_days", "10"),
            ("capacity_age", "13"),
            ("unsent_share_days", "3"),
        ],
    )
    assert saved.status_code == 303, saved.text
    after = text(await gareth.get(saved.headers["location"]))
    assert "Consent settings saved." in after
    assert "Youth justice\nHealth visitor\nSchool or SENCO</textarea>" in after
    assert 'value="6"' in after
    assert 'value="warns" checked' in after
    for field, value in (("capacity_age", "13"), ("unsent_share_days", "3")):
        box = after.split(f'name="{field}"', 1)[1].split(">", 1)[0]
        assert f'value="{value}"' in box, field

    form = text(await aisha.get(f"{NM}/enquiries/new"))
    assert 'value="Youth justice"' in form
    assert 'value="Educational psychologist"' not in form
    case_id = await record_enquiry(
        aisha, **{"consent-decision": "restricted", "consent-roles": ["Youth justice"]}
    )
    consent = panel(text(await aisha.get(f"{NM}/cases/{case_id}")))
    assert "Youth justice" in consent
    assert uk(add_months(date.today(), 6)) in consent
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
            ("tell_client_days", "90"),
            ("capacity_age", "18"),
            ("unsent_share_days", ""),
        ],
    )
    assert refused.status_code == 400
    body = text(refused)
    assert 'data-testid="error-summary"' in body
    for message in (
        "Enter each role once",
        "Enter the review interval as a whole number of months",
        "Select what a consent past its review date does",
        "The days to tell a client must be between 1 and 60",
        "The age of capacity must be between 10 and 16",
        "Enter the days before an unsent share is listed as a number",
    ):
        assert message in body, message
    assert "Health\nhealth</textarea>" in body
    assert 'value="forty"' in body
    assert 'value="90"' in body
    assert "Consent settings saved." not in body


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
    reads = await _reads(owner_conn, tenants["northmoor"], case_id)
    assert ("case_access_refused", None, "consent", "northmoor-cw-2") in [tuple(r) for r in reads]

    mine = text(await aisha.get(f"{NM}/cases/{case_id}/consent"))
    assert "Restricted to named professional roles" in mine
    reads = await _reads(owner_conn, tenants["northmoor"], case_id)
    assert any(r["action"] == "case_read" and r["reason_code"] == "consent" for r in reads)


@pytest.fixture
async def fiona(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _signed_in(app, "northmoor-manager"):
        yield http


async def _refuse(http: httpx.AsyncClient, case_id: str) -> None:
    new = f"{NM}/cases/{case_id}/consent/new"
    fields = {"consent-decision": "refused", "consent-advised_of_limits": "yes"}
    done = await submit(http, new, new, consent_fields(**fields))
    assert done.status_code == 303, done.text


def _section(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"', 1)[1].split("</ul>", 1)[0]


async def test_the_dashboard_lists_tasks_to_tell_and_requests_to_authorise(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    from tests.test_disclosure_pages import (
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
    assert f'href="{asked}/authorise"' in _section(managers, "awaiting-authorisation")
    assert 'data-testid="awaiting-authorisation"' not in text(await aisha.get(f"{NM}/dashboard"))

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
    await _as_tenant(
        owner_conn,
        tenants["northmoor"],
        "UPDATE tell_client_tasks SET due_on = current_date - 2 WHERE id = $1",
        uuid.UUID(task.rsplit("/", 1)[1]),
    )
    dashboard = text(await aisha.get(f"{NM}/dashboard"))
    tasks = _section(dashboard, "tell-client-tasks")
    line = next(li for li in tasks.split("<li")[1:] if f'href="{task}"' in li)
    assert 'govuk-tag govuk-tag--red" data-testid="overdue">Overdue' in line
    assert f'href="{NM}/tasks"' in dashboard  # see all tasks
