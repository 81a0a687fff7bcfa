"""Retention over HTTP (rule 14): legal holds through the API (managers only, the reason
named when missing, another tenant's case not found), and the tenant admin's dry run,
its list and its one confirmation, through the API and the Retention page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from tests.helpers.casework import NM, new_case
from tests.helpers.html import field_error, parse, table_rows
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
