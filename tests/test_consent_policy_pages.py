"""Issue 11 through the pages, as a browser without JavaScript uses them: police and courts
only on a legal basis (1), capacity (2, and tests/test_consent_pages.py), closed cases (3),
anonymous cases (4), reviews of unassigned cases (5), consent not asked at first contact
(6), the parent's view (7), a share decided and then sent (8)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import as_tenant
from tests.helpers.consent import backdate_share, set_review_due
from tests.helpers.html import error_summary, links, page_text, parse
from tests.helpers.pages import NM, enquiry_form, record_enquiry, submit, text
from tests.helpers.sharing import (
    SCHOOL,
    SOCIAL,
    add_note,
    case_with_notes,
    items,
    post_share,
    record_consent,
    record_path,
    send_from_record,
    share_pairs,
    task_path,
)
from tests.helpers.tenants import TenantRef

MUM = "Mum says the school has not applied for an assessment."
SECRET = "Jamie told us he is being bullied at lunch."


def section(page: str, testid: str) -> list[str]:
    """Where the links of the dashboard's section ``testid`` lead."""
    return [href for _, href in links(parse(page).one(f"[data-testid={testid}]"))]


async def test_police_are_never_covered_by_consent_on_the_share_page(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "full")
    form = text(await aisha.get(f"{NM}/cases/{case_id}/share"))
    offered = [o.get("value") for o in parse(form).select("select[name=recipient_role] option")]
    for role in ("Police", "Court", "Other"):
        assert role in offered
    checked = text(await post_share(aisha, case_id, share_pairs("Police", [found[MUM]], "check")))
    assert parse(checked).select("[data-testid=check-refused]")
    assert "Police is not one of the professional roles consent covers" in checked
    assert parse(checked).select("[data-testid=ask-manager]")
    assert not parse(checked).select("[data-testid=record-share]")
    refused = await post_share(aisha, case_id, share_pairs("Police", [found[MUM]], "share"))
    assert refused.status_code == 409
    as_manager = text(await post_share(fiona, case_id, share_pairs("Court", [found[MUM]], "check")))
    assert parse(as_manager).select("[name=legal_basis]")


async def test_a_manager_shares_from_a_closed_case_on_a_police_request(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "full")
    close = f"{NM}/cases/{case_id}/close"
    assert (await submit(aisha, close, close, [("outcome", "Advice given")])).status_code == 303
    page = text(await fiona.get(f"{NM}/cases/{case_id}"))
    assert parse(page).select("[data-testid=share-information]")

    checked = text(await post_share(aisha, case_id, share_pairs(SCHOOL, [found[MUM]], "check")))
    assert "This case is closed" in checked
    assert parse(checked).select("[data-testid=ask-manager]")

    police = share_pairs(
        "Police",
        [found[MUM]],
        "share",
        legal_basis="police_request",
        justification="Signed request from Northmoor Police for the advice given.",
    )
    record = record_path(await post_share(fiona, case_id, police), case_id)
    shown = text(await fiona.get(record))
    assert "Authorised: not sent yet" in shown
    sent = await send_from_record(fiona, record, sent_to="DC Shah, Public Protection Unit")
    assert sent.status_code == 303, sent.text
    shown = text(await fiona.get(record))
    assert "DC Shah, Public Protection Unit" in shown
    task = task_path(shown)
    assert task in text(await aisha.get(f"{NM}/tasks"))


async def test_an_anonymous_case_says_no_one_can_be_told(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    pairs = [
        (k, v)
        for k, v in enquiry_form(contacted_by="young_person")
        if not k.startswith(("yp-", "parent-", "consent-"))
    ]
    done = await submit(
        aisha, f"{NM}/enquiries/new", f"{NM}/enquiries/new", [*pairs, ("anonymous", "yes")]
    )
    case_id = done.headers["location"].split("/cases/", 1)[1].split("?", 1)[0]
    await add_note(aisha, case_id, "The caller described a child at risk at a named school.")
    note = (await items(aisha, case_id))["The caller described a child at risk at a named school."]
    checked = text(await post_share(aisha, case_id, share_pairs(SOCIAL, [note], "check")))
    assert "This is an anonymous enquiry: no-one gave consent" in checked
    legal = share_pairs(
        SOCIAL, [note], "share", legal_basis="safeguarding", justification="A child at risk."
    )
    record = record_path(await post_share(fiona, case_id, legal), case_id)
    shown = text(await fiona.get(record))
    assert parse(shown).select("[data-testid=tell-not-possible]")
    assert "there is no-one to tell" in shown
    assert (await send_from_record(fiona, record)).status_code == 303
    shown = text(await fiona.get(record))
    assert "Telling them is not possible" in shown
    assert "/tasks/" not in shown


async def test_a_managers_dashboard_lists_reviews_of_cases_with_no_caseworker(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id = await record_enquiry(aisha, **{"yp-first_name": "Unassigned"})
    await set_review_due(owner_conn, tenants["northmoor"], case_id, service_today() - timedelta(1))
    await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "UPDATE case_assignments SET ended_at = now() WHERE case_id = $1",
        uuid.UUID(case_id),
    )
    dashboard = text(await fiona.get(f"{NM}/dashboard?page=1"))
    due = section(dashboard, "reviews-due")
    assert f"{NM}/cases/{case_id}/consent/review" in due
    assert "and on cases with no caseworker" in dashboard
    mine = text(await aisha.get(f"{NM}/dashboard"))
    assert f"/cases/{case_id}/consent/review" not in mine


async def test_consent_not_asked_at_first_contact_is_listed_until_it_is(
    tom: httpx.AsyncClient,
) -> None:
    """Tom, whose dashboard the API tests (which defer consent) leave alone."""
    form = text(await tom.get(f"{NM}/enquiries/new"))
    assert parse(form).select("[data-testid=consent-decision-not_asked]")
    unexplained = await submit(
        tom,
        f"{NM}/enquiries/new",
        f"{NM}/enquiries/new",
        enquiry_form(**{"consent-decision": "not_asked"}),
    )
    assert unexplained.status_code == 400
    assert "Enter why consent was not asked yet" in text(unexplained)
    assert dict(error_summary(unexplained))["#consent-not_asked_because"] == (
        "Enter why consent was not asked yet"
    )
    why = "Mum had to go before we could ask"
    case_id = await record_enquiry(
        tom, **{"consent-decision": "not_asked", "consent-not_asked_because": why}
    )
    panel = text(await tom.get(f"{NM}/cases/{case_id}"))
    assert "Consent was not asked at first contact" in panel
    assert why in panel
    dashboard = text(await tom.get(f"{NM}/dashboard"))
    assert f"{NM}/cases/{case_id}/consent/new" in section(dashboard, "awaiting-consent")
    new = f"{NM}/cases/{case_id}/consent/new"
    given = [(k, v) for k, v in enquiry_form() if k.startswith("consent-") and k != "consent-note"]
    assert (await submit(tom, new, new, given)).status_code == 303
    assert f"/cases/{case_id}/consent/new" not in text(await tom.get(f"{NM}/dashboard"))


async def test_a_share_on_a_parents_consent_leaves_out_the_young_persons_side(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id, found = await case_with_notes(aisha)  # Jamie is 13; his mum consents
    await record_consent(owner_conn, tenants["northmoor"], case_id, "full")
    pairs = share_pairs(SCHOOL, [found[MUM], found[SECRET]], "share")
    refused = await post_share(aisha, case_id, pairs)
    assert refused.status_code == 409
    body = text(refused)
    assert "a parent's or carer's consent covers the parent's side only" in body
    assert "The young person is 13: at or over the service's age of 12" in body


async def test_a_share_is_recorded_sent_on_its_record_page_or_not_sent(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "full")
    record = record_path(
        await post_share(aisha, case_id, share_pairs(SCHOOL, [found[MUM]], "share")), case_id
    )
    blank = await submit(aisha, record, f"{record}/sent", [])
    assert blank.status_code == 400
    body = text(blank)
    for message in ("Enter the date it was sent", "Select how it was sent", "Enter who it"):
        assert message in body
    assert error_summary(blank)[0][0] == "#sent_on-day"

    await backdate_share(record.rsplit("/", 1)[1], 6)
    dashboard = text(await aisha.get(f"{NM}/dashboard"))
    assert record in section(dashboard, "unsent-shares")
    assert record not in text(await tom.get(f"{NM}/dashboard"))

    sent = await send_from_record(aisha, record, method="post", sent_to="Ms Patel, SENCO")
    assert sent.status_code == 303, sent.text
    shown = text(await aisha.get(record))
    assert parse(shown).select("[data-testid=step-sent]")
    assert parse(shown).one("[data-testid=sent-to]").text == "Ms Patel, SENCO"
    assert "by post to Ms Patel, SENCO" in page_text(shown)
    assert not parse(shown).select("[data-testid=sent-form]")
    log = text(await aisha.get(f"{NM}/cases/{case_id}/disclosures"))
    assert f"sent {service_today().day} {service_today():%B %Y} by post" in log
    assert record not in text(await aisha.get(f"{NM}/dashboard"))

    # Consent withdrawn before the next one went: sending is refused; it is not sent.
    other = record_path(
        await post_share(aisha, case_id, share_pairs(SCHOOL, [found[MUM]], "share")), case_id
    )
    await record_consent(owner_conn, tenants["northmoor"], case_id, "refused")
    refused = await send_from_record(aisha, other)
    assert refused.status_code == 409
    assert "Consent no longer covers this share" in text(refused)
    nothing = await submit(aisha, other, f"{other}/cancel", [("reason", " ")])
    assert nothing.status_code == 400
    cancelled = await submit(aisha, other, f"{other}/cancel", [("reason", "Consent withdrawn")])
    assert cancelled.status_code == 303
    shown = text(await aisha.get(other))
    assert "Not sent: nothing left the service. Reason: Consent withdrawn" in shown


async def test_a_persons_address_and_phone_are_on_the_share_form(
    aisha: httpx.AsyncClient,
) -> None:
    case_id = await record_enquiry(
        aisha, **{"parent-address": "4 Mill Row\nNorthmoor", "parent-postcode": "NM2 4RT"}
    )
    form = text(await aisha.get(f"{NM}/cases/{case_id}/share"))
    assert "Contact details (for a safeguarding referral, for example)" in form
    assert "Address of Claire Whitfield (parent or carer)" in form
    assert "Phone number of Claire Whitfield (parent or carer)" in form
    assert "4 Mill Row" in form
