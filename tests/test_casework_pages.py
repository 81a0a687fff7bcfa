"""The case work pages over HTTP, as a browser without JavaScript uses them: plain form posts
against the real app and database. Need-to-know, break-glass, alerts and audit through the pages."""

from __future__ import annotations

import html
import re
import uuid

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import as_tenant, case_audit
from tests.helpers.html import (
    error_summary,
    field_error,
    form_values,
    links,
    page_text,
    parse,
    summary_list,
)
from tests.helpers.pages import enquiry_form, record_enquiry, submit, text
from tests.helpers.tenants import TenantRef

NM = "/t/northmoor"
TODAY = service_today()


async def test_a_caseworker_records_an_enquiry_without_javascript(
    aisha: httpx.AsyncClient,
) -> None:
    case_id = await record_enquiry(aisha)
    page = await aisha.get(f"{NM}/cases/{case_id}?created=true")
    assert page.status_code == 200
    body = text(page)
    assert "Enquiry recorded" in body
    assert "Jamie Whitfield" in body
    assert "Claire Whitfield" in body
    # Safe contact, shown prominently for the parent: no voicemail, no post, no email.
    assert "Do not leave a voicemail. Do not email. Do not send post." in body
    assert "Partner must not know" in body
    assert "Weekdays after 3pm" in body
    assert "Asked how to request an EHC needs assessment." in body
    summary = summary_list(page, "[data-testid=case-summary]")
    assert summary["Topics"] == "EHC needs assessment, Exclusion"
    assert summary["Who got in touch"] == "A parent"
    assert "Aisha Rahman" in body  # assigned

    dashboard = text(await aisha.get(f"{NM}/dashboard"))
    assert f"/cases/{case_id}" in dashboard
    assert "Record a new enquiry" in dashboard

    contact_page = text(await aisha.get(f"{NM}/cases/{case_id}/contacts/new"))
    assert "Before you make contact" in contact_page
    assert "Do not leave a voicemail." in contact_page


async def test_notes_are_added_and_corrected_with_a_reason(aisha: httpx.AsyncClient) -> None:
    case_id = await record_enquiry(aisha)
    case_path = f"{NM}/cases/{case_id}"
    added = await submit(
        aisha, f"{case_path}/notes/new", f"{case_path}/notes", [("body", "Mum will call back.")]
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"{case_path}?done=note"
    page = text(await aisha.get(case_path))
    assert "Mum will call back." in page
    assert "by Aisha Rahman" in page, "the timeline does not say who recorded the note"
    [correct_form] = [
        href
        for _, href in links(await aisha.get(case_path))
        if re.fullmatch(rf"{case_path}/notes/[0-9a-f-]+/correct", href)
    ]
    action = correct_form.replace("/correct", "/corrections")

    no_reason = await submit(aisha, correct_form, action, [("body", "Dad will call back.")])
    assert no_reason.status_code == 400
    assert [message for _, message in error_summary(no_reason)] == [
        "Enter why the note is corrected"
    ]
    assert form_values(no_reason)["body"] == "Dad will call back."

    fixed = await submit(
        aisha, correct_form, action, [("body", "Dad will call back."), ("reason", "Wrong parent")]
    )
    assert fixed.status_code == 303
    page = text(await aisha.get(case_path))
    assert "Corrected" in page
    assert "Wrong parent" in page
    assert "Dad will call back." in page
    assert "Mum will call back." in page


async def test_errors_come_back_with_everything_typed(aisha: httpx.AsyncClient) -> None:
    response = await submit(
        aisha,
        f"{NM}/enquiries/new",
        f"{NM}/enquiries/new",
        enquiry_form(
            contacted_by=None,
            topics=["Transport"],
            support_level=None,
            referral_route="professional",
            referrer_name="Dr Patel, community paediatrician",
            **{"yp-date_of_birth-day": "31", "yp-date_of_birth-month": "2"},
        ),
    )
    assert response.status_code == 400
    summary = dict(error_summary(response))
    assert summary["#contacted_by"] == "Select who got in touch"
    assert summary["#yp-date_of_birth-day"] == "Date of birth must be a real date"
    for message in (
        "Select the level of support",
        "Confirm the referrer had the family's consent before referring",
        "Enter the date the family gave consent",
    ):
        assert message in summary.values(), message
    assert field_error(response, "contacted_by") == "Select who got in touch"
    # Everything typed comes back.
    kept = parse(response)
    assert kept.one("input[name=yp-first_name]").get("value") == "Jamie"
    assert kept.one("input[name=referrer_name]").get("value") == "Dr Patel, community paediatrician"
    assert [box.get("value") for box in kept.select("input[name=topics][checked]")] == ["Transport"]
    assert "checked" in kept.one("input#parent-may_phone").attrs
    assert kept.one("textarea[name=contact-summary]").text == (
        "Asked how to request an EHC needs assessment."
    )


async def test_a_voicemail_without_phone_permission_is_refused_on_the_field(
    aisha: httpx.AsyncClient,
) -> None:
    response = await submit(
        aisha,
        f"{NM}/enquiries/new",
        f"{NM}/enquiries/new",
        enquiry_form(**{"parent-may_phone": None, "parent-may_leave_voicemail": "yes"}),
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        ("#parent-may_leave_voicemail", "A voicemail needs permission to phone")
    ]
    assert field_error(response, "parent-may_leave_voicemail") == (
        "A voicemail needs permission to phone"
    )


async def test_an_anonymous_enquiry_records_no_people(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    northmoor = tenants["northmoor"]

    async def people() -> int:
        rows = await as_tenant(owner_conn, northmoor, "SELECT count(*) AS n FROM people")
        return int(rows[0]["n"])

    before = await people()
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
    assert "This is an anonymous enquiry" in page
    case_id = uuid.UUID(done.headers["location"].split("/cases/", 1)[1].split("?", 1)[0])
    [case] = await as_tenant(
        owner_conn,
        northmoor,
        "SELECT c.anonymous, c.subject_id, (SELECT count(*) FROM case_people p"
        " WHERE p.case_id = c.id) AS linked, (SELECT count(*) FROM case_contacts x"
        " WHERE x.case_id = c.id AND x.with_person_id IS NOT NULL) AS with_someone"
        " FROM cases c WHERE c.id = $1",
        case_id,
    )
    assert (case["anonymous"], case["subject_id"], case["linked"]) == (True, None, 0)
    assert case["with_someone"] == 0
    assert await people() == before  # no person row written at all


async def test_need_to_know_break_glass_alerts_and_access_history(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id = await record_enquiry(aisha, **{"yp-first_name": "Rowan"})
    case_path = f"{NM}/cases/{case_id}"
    assert (await aisha.get(case_path)).status_code == 200

    restricted = await tom.get(case_path)
    assert restricted.status_code == 403
    body = text(restricted)
    assert "This case is restricted" in body
    assert "Rowan" not in body
    assert "Whitfield" not in body
    assert "access ends after 4 hours" in body

    too_short = await submit(tom, case_path, f"{case_path}/break-glass", [("reason", "urgent")])
    assert too_short.status_code == 400
    assert "must be at least 10 characters" in too_short.text
    assert "urgent" in too_short.text

    reason = "Covering the duty line: the parent rang back while Aisha is away"
    opened = await submit(tom, case_path, f"{case_path}/break-glass", [("reason", reason)])
    assert opened.status_code == 303
    assert opened.headers["location"] == case_path
    page = await tom.get(case_path)
    assert page.status_code == 200
    assert "Rowan Whitfield" in text(page)
    assert "Opened with break-glass" in page.text

    dashboard = text(await fiona.get(f"{NM}/dashboard"))
    assert "Break-glass alerts" in dashboard
    assert "Tom Hargreaves" in dashboard
    assert reason in dashboard
    log = await fiona.get(f"{NM}/break-glass")
    assert log.status_code == 200
    assert reason in text(log)
    assert (await tom.get(f"{NM}/break-glass")).status_code == 403

    history = await fiona.get(f"{case_path}/access-history")
    assert history.status_code == 200
    assert "Tom Hargreaves" in history.text
    assert "Break-glass" in history.text
    assert "Was refused (restricted)" in history.text
    assert (await tom.get(f"{case_path}/access-history")).status_code == 403

    reads = await case_audit(owner_conn, tenants["northmoor"], case_id)
    as_read = [(r["subject"], r["action"], r["grounds"], r["reason_code"]) for r in reads]
    assert ("northmoor-cw-1", "case_read", "assigned", "view") in as_read
    assert ("northmoor-cw-2", "case_access_refused", None, "view") in as_read
    assert ("northmoor-cw-2", "case_read", "break_glass", "view") in as_read
    assert ("northmoor-manager", "case_access_history_read", "manager", "access_history") in as_read


async def test_managers_assign_and_unassign(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    await tom.get(f"{NM}/dashboard")  # Tom exists as staff
    case_id = await record_enquiry(aisha)
    case_path = f"{NM}/cases/{case_id}"
    options = parse(await fiona.get(case_path)).select("select[name=staff_id] option")
    [tom_id] = [o.get("value") for o in options if o.text == "Tom Hargreaves"]
    assert tom_id
    assigned = await submit(
        fiona,
        case_path,
        f"{case_path}/assignments",
        [("assigned", "true"), ("staff_id", tom_id)],
    )
    assert assigned.status_code == 303
    assert (await tom.get(case_path)).status_code == 200
    unassigned = await submit(
        fiona,
        case_path,
        f"{case_path}/assignments",
        [("assigned", "false"), ("staff_id", tom_id)],
    )
    assert unassigned.status_code == 303
    assert (await tom.get(case_path)).status_code == 403
    refused = await submit(
        aisha,
        case_path,
        f"{case_path}/assignments",
        [("assigned", "true"), ("staff_id", tom_id)],
    )
    assert refused.status_code == 403


async def test_closing_needs_an_outcome(aisha: httpx.AsyncClient) -> None:
    case_id = await record_enquiry(aisha)
    case_path = f"{NM}/cases/{case_id}"
    empty = await submit(aisha, f"{case_path}/close", f"{case_path}/close", [("outcome", "")])
    assert empty.status_code == 400
    assert "Enter the outcome" in empty.text
    closed = await submit(
        aisha, f"{case_path}/close", f"{case_path}/close", [("outcome", "Information given")]
    )
    assert closed.status_code == 303
    page = text(await aisha.get(case_path))
    assert "Closed" in page
    assert "Information given" in page
    assert f"/cases/{case_id}" not in text(await aisha.get(f"{NM}/dashboard"))


async def test_missing_cases_are_404_and_the_admin_role_has_no_case_pages(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient
) -> None:
    missing = await aisha.get(f"{NM}/cases/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert "Page not found" in missing.text
    assert (await gareth.get(f"{NM}/enquiries/new")).status_code == 403
    dashboard = await gareth.get(f"{NM}/dashboard")
    assert dashboard.status_code == 200
    assert "Record a new enquiry" not in dashboard.text


async def test_search_finds_misspelt_names_and_hides_restricted_hits(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    surname = "Quennell" + uuid.uuid4().hex[:4]
    case_id = await record_enquiry(aisha, **{"yp-last_name": surname, "parent-last_name": surname})
    found = await aisha.get(f"{NM}/search", params={"q": f"Jamie {surname[:-1]}x"})
    assert found.status_code == 200
    assert f"/cases/{case_id}" in found.text
    hidden = await tom.get(f"{NM}/search", params={"q": f"Jamie {surname}"})
    assert hidden.status_code == 200
    assert "Restricted" in hidden.text
    results = parse(hidden).one("[data-testid=results]")
    assert surname not in results.text
    assert f"{NM}/cases/{case_id}" not in [href for _, href in links(results)]
    # The restricted hit's reference leads to the restricted page, where glass can be broken.
    restricted_hit = results.first("a[data-testid=result-restricted-case]")
    assert restricted_hit is not None
    reached = await tom.get(restricted_hit.get("href") or "")
    assert reached.status_code == 303
    assert reached.headers["location"] == f"{NM}/cases/{case_id}"
    restricted = await tom.get(reached.headers["location"])
    assert restricted.status_code == 403
    assert parse(restricted).first("form textarea[name=reason], form input[name=reason]")
    assert surname not in page_text(restricted)
    unknown = await tom.get(f"{NM}/cases/by-reference/NOR-1999-99999")
    assert unknown.status_code == 404
    bad = await aisha.get(f"{NM}/search", params={"q": "x"})
    assert bad.status_code == 400
    assert [field for field, _ in error_summary(bad)] == ["#q"]


async def test_contacts_are_added_with_the_young_persons_confidential_side(
    aisha: httpx.AsyncClient,
) -> None:
    case_id = await record_enquiry(aisha, contacted_by="young_person")
    case_path = f"{NM}/cases/{case_id}"
    missing = await submit(
        aisha, f"{case_path}/contacts/new", f"{case_path}/contacts", [("summary", "Rang")]
    )
    assert missing.status_code == 400
    assert "Select the kind of contact" in missing.text
    assert "Do not leave a voicemail." in html.unescape(missing.text)  # still shown
    added = await submit(
        aisha,
        f"{case_path}/contacts/new",
        f"{case_path}/contacts",
        [
            ("kind", "phone"),
            ("direction", "outgoing"),
            ("summary", "Jamie asked us not to tell Mum about the bullying."),
            ("side", "young_person_only"),
        ],
    )
    assert added.status_code == 303, added.text
    page = text(await aisha.get(case_path))
    assert "Jamie asked us not to tell Mum about the bullying." in page
    assert "Young person only" in page


async def test_another_services_case_reference_is_not_found(
    aisha: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    case_id = await record_enquiry(aisha)
    page = (await aisha.get(f"{NM}/cases/{case_id}")).text
    reference = page.split("NOR-", 1)[1][:10]
    own = await aisha.get(f"{NM}/cases/by-reference/NOR-{reference}")
    assert own.headers["location"] == f"{NM}/cases/{case_id}"
    by_reference = await bronwen.get(f"/t/eastdale/cases/by-reference/NOR-{reference}")
    by_id = await bronwen.get(f"/t/eastdale/cases/{case_id}")
    never = await bronwen.get(f"/t/eastdale/cases/{uuid.uuid4()}")
    assert by_reference.status_code == by_id.status_code == never.status_code == 404


async def test_every_case_work_page_has_the_one_search_box(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient
) -> None:
    surname = "Thorneycroft" + uuid.uuid4().hex[:4]
    case_id = await record_enquiry(
        aisha,
        **{"yp-first_name": "Katherine", "yp-last_name": surname, "parent-last_name": surname},
    )
    for path in ("/dashboard", "/enquiries/new", "/search", f"/cases/{case_id}"):
        page = await aisha.get(f"{NM}{path}")
        assert page.status_code == 200, path
        box = parse(page).one("form[data-testid=header-search]")
        assert box.get("method") == "get"
        assert box.get("action") == f"{NM}/search"
        assert box.get("role") == "search"
        field = box.one("input[name=q]")
        label = box.one(f"label[for={field.get('id')}]")
        assert label.text.strip() == "Find a person or case", path
    # What the box sends is what the search page reads: a nickname and a misspelt surname.
    found = await aisha.get(f"{NM}/search", params={"q": f"{surname[:-1]} Kate"})
    assert found.status_code == 200
    results = parse(found).one("[data-testid=results]")
    assert f"{NM}/cases/{case_id}" in [href for _, href in links(results)]
    reasons = [cell.text for cell in results.select("[data-testid=result-reasons]")]
    assert "Name variant" in " ".join(reasons)
    by_phone = await aisha.get(f"{NM}/search", params={"q": "+44 7700 900 456"})
    assert by_phone.status_code == 200
    assert "Phone" in " ".join(
        c.text for c in parse(by_phone).select("[data-testid=result-reasons]")
    )
    # Not for staff without case work.
    assert (
        parse(await gareth.get(f"{NM}/dashboard")).first("form[data-testid=header-search]") is None
    )


async def test_a_restricted_hit_says_nothing_of_why_it_was_found(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    surname = "Ravensworth" + uuid.uuid4().hex[:4]
    await record_enquiry(aisha, **{"yp-last_name": surname, "parent-last_name": surname})
    hidden = await tom.get(f"{NM}/search", params={"q": surname})
    rows = parse(hidden).select("[data-testid=results] tr[data-testid=result]")
    assert len(rows) == 1  # the young person and the parent, both on the one case
    assert rows[0].one("[data-testid=restricted]")
    assert rows[0].one("[data-testid=result-reasons]").text.strip() == ""
