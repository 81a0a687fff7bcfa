"""Retention over HTTP (rule 14): legal holds through the API (managers only, the reason
named when missing, another tenant's case not found), and the tenant admin's dry run,
its list and its one confirmation, through the API and the Retention page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from tests.helpers.casework import NM, new_case
from tests.helpers.html import error_summary, field_error, parse, table_rows
from tests.helpers.http import post
from tests.helpers.pages import submit

ED = "/t/eastdale/api"


async def test_managers_place_and_lift_a_legal_hold_with_a_reason(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    hold = f"{NM}/cases/{case['id']}/legal-hold"
    blank = await post(fiona, hold, {"reason": "  "})
    assert blank.status_code == 400
    assert "reason" in blank.json()["errors"]
    assert (await post(aisha, hold, {"reason": "Tribunal"})).status_code == 403
    other = await post(bronwen, f"{ED}/cases/{case['id']}/legal-hold", {"reason": "Tribunal"})
    assert other.status_code == 404
    placed = await post(fiona, hold, {"reason": "Tribunal"})
    assert placed.status_code == 201, placed.text
    assert (await post(fiona, hold, {"reason": "Again"})).status_code == 409
    listed = await fiona.get(hold)
    assert [h["reason"] for h in listed.json()["items"]] == ["Tribunal"]
    lifted = await post(fiona, f"{hold}/lift", {})
    assert lifted.status_code == 200
    assert lifted.json()["lifted_at"] is not None
    assert (await post(fiona, f"{hold}/lift", {})).status_code == 409


async def test_the_dry_run_and_its_confirmation_are_the_tenant_admins(
    fiona: httpx.AsyncClient,
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    seun = await sign_in_as("seun")
    assert (await fiona.get(f"{NM}/retention/dry-run")).status_code == 403
    assert (await fiona.get("/t/northmoor/admin/retention/")).status_code == 403
    assert (await seun.get(f"{ED}/retention/due", params={"limit": 0})).status_code == 400

    page = await seun.get("/t/eastdale/admin/retention/")
    assert page.status_code == 200, page.text
    assert parse(page).one("[data-testid=page-heading]").text == "Retention"
    assert [r[0] for r in table_rows(page, "table[data-testid=by-rule]")] == [
        "Years after the last contact or closure",
        "The child's birthday",
    ]
    assert parse(page).first("[data-testid=confirm]") is not None
    assert field_error(page, "reason") is None

    confirmed = await submit(
        seun, "/t/eastdale/admin/retention/", "/t/eastdale/admin/retention/confirm", []
    )
    assert confirmed.status_code in (302, 303), confirmed.text
    again = await seun.get("/t/eastdale/admin/retention/")
    assert parse(again).first("[data-testid=confirm]") is None
    assert parse(again).first("[data-testid=confirmed]") is not None
    dry = await seun.get(f"{ED}/retention/dry-run")
    assert dry.json()["confirmed_at"] is not None
    twice = await post(seun, f"{ED}/retention/confirm", {})
    assert twice.status_code == 409


async def test_a_manager_places_and_lifts_a_legal_hold_from_the_case_pages_without_javascript(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    case_page = f"/t/northmoor/cases/{case['id']}"
    hold_page = f"{case_page}/legal-hold"
    link = parse(await fiona.get(case_page)).one("[data-testid=legal-hold-link]")
    assert link.get("href") == hold_page
    assert parse(await fiona.get(case_page)).first("[data-testid=legal-hold-tag]") is None

    opened = await fiona.get(hold_page)
    assert opened.status_code == 200, opened.text
    assert parse(opened).first("[data-testid=not-on-hold]") is not None
    blank = await submit(fiona, hold_page, hold_page, [("reason", "   ")])
    assert blank.status_code == 400
    assert error_summary(blank) == [("#reason", "Enter the reason for the legal hold")]
    assert field_error(blank, "reason") == "Enter the reason for the legal hold"
    too_long = await submit(fiona, hold_page, hold_page, [("reason", "x" * 501)])
    assert too_long.status_code == 400
    assert field_error(too_long, "reason") == "The reason must be 500 characters or fewer"

    placed = await submit(fiona, hold_page, hold_page, [("reason", "First-tier tribunal appeal")])
    assert placed.status_code == 303, placed.text
    assert placed.headers["location"] == f"{hold_page}?done=placed"
    held = await fiona.get(placed.headers["location"])
    assert "Legal hold placed" in parse(held).one("[data-testid=done]").text
    assert parse(held).one("[data-testid=current-reason]").text == "First-tier tribunal appeal"
    assert parse(held).first("[data-testid=place-hold]") is None
    assert parse(await fiona.get(case_page)).first("[data-testid=legal-hold-tag]") is not None
    seen_by_caseworker = await aisha.get(case_page)  # everyone reading the case sees the hold
    assert parse(seen_by_caseworker).first("[data-testid=legal-hold-tag]") is not None
    assert parse(seen_by_caseworker).first("[data-testid=legal-hold-link]") is None

    lifted = await submit(fiona, hold_page, f"{hold_page}/lift", [])
    assert lifted.status_code == 303, lifted.text
    after = await fiona.get(lifted.headers["location"])
    assert parse(after).first("[data-testid=not-on-hold]") is not None
    [row] = table_rows(after, "table[data-testid=holds]")
    assert row[0] == "First-tier tribunal appeal"
    assert "Fiona MacLeod" in row[1]
    assert "Fiona MacLeod" in row[2]
    assert parse(await fiona.get(case_page)).first("[data-testid=legal-hold-tag]") is None
    again = await submit(fiona, hold_page, f"{hold_page}/lift", [])
    assert again.status_code == 409  # nothing to lift: nothing changed


async def test_the_cases_on_hold_are_listed_for_managers_a_page_at_a_time(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    placed = await post(fiona, f"{NM}/cases/{case['id']}/legal-hold", {"reason": "Complaint"})
    assert placed.status_code == 201, placed.text
    found = []
    for page in range(1, 50):
        listed = await fiona.get("/t/northmoor/legal-holds", params={"page": page})
        assert listed.status_code == 200, listed.text
        found += [a.get("href") for a in parse(listed).select("[data-testid=held-link]")]
        if parse(listed).first(".govuk-pagination__next") is None:
            break
    assert f"/t/northmoor/cases/{case['id']}/legal-hold" in found
    assert parse(listed).one("[data-testid=page-heading]").text == "Cases on legal hold"
    assert (await fiona.get("/t/northmoor/legal-holds", params={"page": 0})).status_code == 400
    nav = parse(await fiona.get("/t/northmoor/dashboard")).one("[data-testid=nav-legal-holds]")
    assert nav.get("href") == "/t/northmoor/legal-holds"


async def test_legal_hold_pages_are_managers_and_their_own_services_only(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    hold_page = f"/t/northmoor/cases/{case['id']}/legal-hold"
    assert (await aisha.get(hold_page)).status_code == 403
    assert (await aisha.get("/t/northmoor/legal-holds")).status_code == 403
    refused = await submit(aisha, hold_page, hold_page, [("reason", "Tribunal")])
    assert refused.status_code == 403
    other = f"/t/eastdale/cases/{case['id']}/legal-hold"
    assert (await bronwen.get(other)).status_code == 404
    dashboard = "/t/eastdale/dashboard"
    crossed = await submit(bronwen, dashboard, other, [("reason", "Tribunal")])
    assert crossed.status_code == 404
    assert (await submit(bronwen, dashboard, f"{other}/lift", [])).status_code == 404
    opened = await fiona.get(hold_page)
    assert parse(opened).first("[data-testid=not-on-hold]") is not None  # nothing placed
    listed = await bronwen.get("/t/eastdale/legal-holds")
    assert hold_page not in [a.get("href") for a in parse(listed).select("[data-testid=held-link]")]
