"""Bad input never gets a 500: a 400 naming the field, or the form again with its error.

Over HTTP against the real app and database: NUL and other control characters in text
(API, forms, search), offsets past PostgreSQL's int8 on every paged API endpoint, JSON
nested a thousand deep, numbers typed in other scripts or a thousand digits long,
over-long searches and malformed page addresses (an HTML page, not JSON), and the
validation 400s of the API, which name only the fields at fault. ``test_api_fuzz``
looks for what these do not name.
"""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import httpx

from tests.helpers.casework import NM, as_tenant, enquiry, new_case
from tests.helpers.html import error_summary, form_values
from tests.helpers.http import csrf_token, http_client, post
from tests.helpers.operators import create_account, operator_sign_in
from tests.helpers.pages import enquiry_form, submit
from tests.helpers.signin import sign_in
from tests.helpers.tenants import TenantRef

PAGES = "/t/northmoor"
NUL = "a\x00b"


def field_errors(response: httpx.Response) -> list[str]:
    """The fields a 400 from the API names: the services' ``{field: message}`` or
    Litestar's ``[{"key": field, ...}]``."""
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    return list(errors) if isinstance(errors, dict) else [e["key"] for e in errors]


def form_errors(page: httpx.Response) -> list[str]:
    """The fields a page's error summary links to."""
    assert page.status_code == 400, page.text
    assert page.headers["content-type"].startswith("text/html")
    summary = error_summary(page)
    assert summary, page.text
    return [field.removeprefix("#") for field, _ in summary]


# The API


async def test_nul_in_an_api_text_field_is_a_400_naming_it_and_nothing_is_saved(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    cases = f"{NM}/cases/{case['id']}"
    person = enquiry()["young_person"]
    attempts = [
        (f"{NM}/enquiries", enquiry(young_person={**person, "first_name": NUL}),
         "young_person.first_name"),
        (f"{NM}/enquiries", enquiry(parents=[{"first_name": "Ada", "last_name": "Okafor",
                                              "email": "ada\x00@example.com"}]),
         "parents.0.email"),
        (f"{cases}/notes", {"body": NUL}, "body"),
        (f"{cases}/contacts", {"kind": "phone", "direction": "incoming",
                               "occurred_at": "2026-01-05T10:00:00Z", "summary": NUL}, "summary"),
        (f"{cases}/close", {"outcome": NUL}, "outcome"),
        (f"{cases}/break-glass", {"reason": f"Covering for a colleague {NUL}"}, "reason"),
    ]  # fmt: skip
    for path, body, field in attempts:
        response = await post(aisha, path, body)
        assert field_errors(response) == [field], (path, response.text)
    after = (await aisha.get(cases)).json()
    assert (after["status"], after["notes"], len(after["contacts"])) == ("open", [], 0)


async def test_offset_past_int8_is_a_400_on_every_paged_api_endpoint(
    app: Any, fiona: httpx.AsyncClient, gareth: httpx.AsyncClient
) -> None:
    """Every paged endpoint the OpenAPI document lists (so a new one is covered), as a
    manager, who may read them all but the tenant admin's (the job runs, the retention
    dry run's list), read by him."""
    case = await new_case(fiona)
    document = (await fiona.get("/schema/openapi.json")).json()
    ids = {
        "tenant_slug": "northmoor",
        "case_id": case["id"],
        "staff_id": case["assignments"][0]["staff_id"],
    }
    paged = [
        path
        for path, operations in document["paths"].items()
        if any(p["name"] == "offset" for p in operations.get("get", {}).get("parameters", []))
    ]
    assert len(paged) >= 8, paged
    # A required query parameter gets a value it takes (search's one query text).
    required = {"q": "Okafor"}
    for template in paged:
        path = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], template)
        who = gareth if template.endswith(("/job-runs", "/retention/due")) else fiona
        given = {
            p["name"]: required[p["name"]]
            for p in document["paths"][template]["get"]["parameters"]
            if p["in"] == "query" and p.get("required")
        }
        ok = await who.get(path, params={**given, "offset": 2**63 - 1})
        assert ok.status_code == 200, path
        for offset in (2**63, 2**64):
            response = await who.get(path, params={**given, "offset": offset})
            assert field_errors(response) == ["offset"], (path, response.text)


async def test_validation_400s_name_only_the_real_fields_once_the_document_is_read(
    aisha: httpx.AsyncClient,
) -> None:
    """Building the OpenAPI document once made Litestar add the unused ``tenant_slug`` path
    parameter to every handler's fields: each 400 after it listed a bogus error for it."""
    document = (await aisha.get("/schema/openapi.json")).json()
    for path, operations in document["paths"].items():
        for operation in operations.values():
            declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            assert "tenant_slug" in declared, path  # still documented
    for path in ("/cases", "/tell-client-tasks", "/housekeeping/heartbeats"):
        response = await aisha.get(f"{NM}{path}", params={"limit": 0, "offset": -1})
        assert sorted(field_errors(response)) == ["limit", "offset"], response.text


async def test_json_nested_a_thousand_deep_is_a_400_naming_the_field(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    notes = f"{NM}/cases/{case['id']}/notes"
    headers = {"x-csrftoken": aisha.cookies["confide_csrf"], "content-type": "application/json"}
    deep = "[" * 1000 + "]" * 1000
    in_a_field = await aisha.post(notes, content=f'{{"body": {deep}}}', headers=headers)
    assert field_errors(in_a_field) == ["body"]
    whole_body = await aisha.post(notes, content=deep, headers=headers)
    assert field_errors(whole_body) == ["data"]
    assert (await aisha.get(f"{NM}/cases/{case['id']}")).json()["notes"] == []


# Forms


async def test_nul_in_a_form_field_shows_the_form_again_and_saves_nothing(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha)
    page = f"{PAGES}/cases/{case['id']}"
    attempts = [
        (f"{PAGES}/enquiries/new", f"{PAGES}/enquiries/new",
         enquiry_form(**{"yp-first_name": f"Jamie{NUL}"}), "yp-first_name"),
        (f"{page}/notes/new", f"{page}/notes", [("body", NUL)], "body"),
        (f"{page}/contacts/new", f"{page}/contacts",
         [("kind", "phone"), ("direction", "incoming"), ("summary", NUL)], "summary"),
        (f"{page}/close", f"{page}/close", [("outcome", NUL)], "outcome"),
    ]  # fmt: skip
    for form, action, pairs, field in attempts:
        shown = await submit(aisha, form, action, pairs)
        assert form_errors(shown) == [field], action
        assert "must not include control characters" in shown.text
    after = (await aisha.get(f"{NM}/cases/{case['id']}")).json()
    assert (after["status"], after["notes"], len(after["contacts"])) == ("open", [], 0)
    saved = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT count(*) AS n FROM people WHERE first_name LIKE 'Jamie%' AND first_name LIKE '%b'",
    )
    assert saved[0]["n"] == 0


async def test_numbers_typed_in_other_digits_or_too_long_show_the_form_again(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    page = f"{PAGES}/cases/{case['id']}"
    contact = [("kind", "phone"), ("direction", "incoming"), ("summary", "Rang back")]
    for duration in ("²", "٣٠", "9" * 5000):
        shown = await submit(
            aisha, f"{page}/contacts/new", f"{page}/contacts",
            [*contact, ("duration_minutes", duration)],
        )  # fmt: skip
        assert form_errors(shown) == ["duration_minutes"], duration
    for year in ("99999999999999999999", "²⁰²⁴"):
        shown = await submit(
            aisha, f"{page}/contacts/new", f"{page}/contacts",
            [*contact, ("occurred_on-day", "1"), ("occurred_on-month", "2"),
             ("occurred_on-year", year)],
        )  # fmt: skip
        assert form_errors(shown) == ["occurred_on-day"], year
    assert (await aisha.get(f"{NM}/cases/{case['id']}")).json()["contacts"] == []


async def test_nul_in_the_sign_in_settings_shows_the_form_again_and_keeps_them(
    app: Any, dev_idp: str, gareth: httpx.AsyncClient
) -> None:
    settings = {
        "issuer": dev_idp,
        "client_id": "confide-northmoor",
        "scopes": "openid profile email",
        "groups_claim": "groups",
        "groups_caseworker": "northmoor-caseworkers",
        "groups_manager": "northmoor-managers",
        "groups_admin": "northmoor-admins",
    }
    attempts = [
        ("issuer", f"{dev_idp}/{NUL}", "issuer"),
        ("client_id", NUL, "client_id"),
        ("client_secret", NUL, "client_secret"),
        ("scopes", f"openid {NUL}", "scopes"),
        ("groups_manager", NUL, "role_mapping"),
    ]
    for name, value, field in attempts:
        pairs = list({**settings, name: value}.items())
        shown = await submit(gareth, f"{PAGES}/admin/sso", f"{PAGES}/admin/sso", pairs)
        assert field in form_errors(shown), name
    kept = await gareth.get(f"{PAGES}/admin/sso")
    assert form_values(kept)["client_id"] == "confide-northmoor"
    async with http_client(app) as again:  # the provider settings still sign people in
        assert (await sign_in(again, "northmoor", "northmoor-cw-1")).status_code == 303


async def test_nul_in_the_operator_forms_is_refused_like_any_mistake(
    app: Any, owner_conn: asyncpg.Connection
) -> None:
    account, _ = create_account()
    async with http_client(app) as http:
        refused = await operator_sign_in(http, account, email=f"op{NUL}@platform.example")
        assert refused.status_code == 400
        assert "Check your email address, password and security code" in refused.text
        assert (await operator_sign_in(http, account)).status_code == 303
        form = await http.get("/operator/tenants/new")
        shown = await http.post(
            "/operator/tenants/new",
            data={
                "_csrf_token": csrf_token(form.text),
                "slug": "nul-name",
                "display_name": f"Nul {NUL}",
                "controller_kind": "council",
            },
        )
        assert form_errors(shown) == ["display_name"]
    assert await owner_conn.fetchval("SELECT count(*) FROM tenants WHERE slug = 'nul-name'") == 0


# Search and other pages


async def test_search_with_nul_or_too_long_shows_the_search_page_with_its_error(
    aisha: httpx.AsyncClient,
) -> None:
    for query in ("Okafor\x00", "x" * 60_000):  # httpx sends at most 64 KB of address
        shown = await aisha.get(f"{PAGES}/search", params={"q": query})
        assert form_errors(shown) == ["q"]
        assert len(shown.text) < 20_000  # the page, not the query echoed back
    by_reference = await aisha.get(f"{PAGES}/cases/by-reference/NOR-2026-1%00")
    assert by_reference.status_code == 404
    assert by_reference.headers["content-type"].startswith("text/html")


async def test_a_malformed_page_address_is_an_html_page_not_json(
    aisha: httpx.AsyncClient,
) -> None:
    for path in ("/dashboard?page=x", "/search?q=Okafor&page=0", "/tasks?page=%00"):
        shown = await aisha.get(PAGES + path)
        assert shown.status_code == 400, path
        assert shown.headers["content-type"].startswith("text/html"), path
        assert "There is a problem with the web address" in shown.text
        assert "Validation failed" not in shown.text
