"""FOI responses never carry personal data (issue 17; rule 11, policy 5.2): free text,
statistics releases and policy documents only; a case document or a case bundle is
refused, through the API and the page; the FOI log (managers, paged)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from confide.platform.core.clock import service_today
from confide.platform.requests.foi_schemas import FoiAttachment, attachment_problem
from tests.helpers.casework import new_case
from tests.helpers.documents import LETTER
from tests.helpers.html import error_summary, field_error, parse, summary_list, table_rows
from tests.helpers.http import post
from tests.helpers.pages import NM, submit

API = f"{NM}/api"
TODAY = service_today()


def foi_request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "foi",
        "requester_name": "A journalist",
        "relation": "other",
        "received_on": (TODAY - timedelta(days=2)).isoformat(),
        "channel": "email",
        "summary": "How many families did the service help last year?",
    }
    body.update(changes)
    return body


async def a_release(fiona: httpx.AsyncClient, api: str = API) -> str:
    """Last year's annual return, released (kept; once made, asked again gives the one
    kept): its id."""
    made = await post(fiona, f"{api}/statistics/releases", {"year": TODAY.year - 1})
    assert made.status_code in (200, 201), made.text
    kept = (await fiona.get(f"{api}/statistics/releases", params={"limit": 100})).json()
    return str(kept["items"][0]["id"])


async def logged_foi(fiona: httpx.AsyncClient) -> str:
    made = await post(fiona, f"{API}/requests", foi_request())
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_an_foi_response_refuses_a_case_document_or_bundle_through_the_api(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    rid = await logged_foi(fiona)
    path = f"{API}/requests/{rid}/foi-response"
    for kind in ("case_document", "case_bundle"):
        body = {"text": "Figures attached", "attachments": [{"kind": kind, "ref": case["id"]}]}
        refused = await post(fiona, path, body)
        assert refused.status_code == 400, refused.text
        assert "personal data" in refused.json()["errors"]["attachments"]
    unknown = await post(
        fiona, path, {"text": "x", "attachments": [{"kind": "note", "ref": case["id"]}]}
    )
    assert unknown.status_code == 400
    assert "attachments" in unknown.json()["errors"]
    empty = await post(fiona, path, {"text": ""})
    assert (empty.status_code, list(empty.json()["errors"])) == (400, ["text"])
    assert (await post(aisha, path, {"text": "x"})).status_code == 403
    elsewhere = f"/t/eastdale/api/requests/{rid}/foi-response"
    assert (await post(bronwen, elsewhere, {"text": "x"})).status_code == 404

    # An FOI request holds its letters, never a consent form or a case's files.
    for kind, status in (("signed_consent", 400), ("other", 400), ("letter_sent", 201)):
        filed = await fiona.post(
            f"{API}/requests/{rid}/documents",
            data={"kind": kind},
            files=[("file", ("letter.pdf", LETTER, "application/octet-stream"))],
            headers={"x-csrftoken": fiona.cookies["confide_csrf"]},
        )
        assert filed.status_code == status, filed.text
        if status == 400:
            assert list(filed.json()["errors"]) == ["kind"]

    # Another service's statistics release is not one of this service's.
    theirs = await a_release(bronwen, "/t/eastdale/api")
    body = {"text": "x", "attachments": [{"kind": "statistics_release", "ref": theirs}]}
    refused = await post(fiona, path, body)
    assert (refused.status_code, list(refused.json()["errors"])) == (400, ["attachments"])

    release = await a_release(fiona)
    body = {
        "text": "The figures are attached.",
        "attachments": [{"kind": "statistics_release", "ref": release}],
    }
    done = await post(fiona, path, body)
    assert done.status_code == 201, done.text
    found = [(a["kind"], a["ref"]) for a in done.json()["attachments"]]
    assert found == [("statistics_release", release)]
    assert (await post(fiona, path, body)).status_code == 400  # once

    # Only an FOI request has one.
    sar = {**foi_request(kind="subject_access", relation="parent"), "case_id": case["id"]}
    other = (await post(fiona, f"{API}/requests", sar)).json()["id"]
    wrong = await post(fiona, f"{API}/requests/{other}/foi-response", {"text": "x"})
    assert wrong.status_code == 400
    assert "request" in wrong.json()["errors"]

    log = await fiona.get(f"{API}/foi-log", params={"limit": 100})
    assert log.status_code == 200
    mine = [e for e in log.json()["items"] if e["request_id"] == rid]
    assert mine[0]["attachment_count"] == 1
    assert (await aisha.get(f"{API}/foi-log")).status_code == 403


async def test_the_response_page_refuses_a_case_document_and_the_log_is_paged(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    await a_release(fiona)
    rid = await logged_foi(fiona)
    form = f"{NM}/requests/{rid}/foi-response"
    page = await fiona.get(form)
    assert page.status_code == 200
    offered = [i.attrs.get("value") for i in parse(page).select("input[name=attachments]")]
    assert offered
    assert all(v.split(":")[0] in ("statistics_release", "policy_document") for v in offered)

    refused = await submit(
        fiona,
        form,
        form,
        [("text", "Attached"), ("attachments", f"case_document:{case['id']}")],
    )
    assert refused.status_code == 400
    assert [f for f, _ in error_summary(refused)] == ["#attachments"]
    assert "personal data" in (field_error(refused, "attachments") or "")
    refused = await submit(
        fiona, form, form, [("text", "Attached"), ("attachments", f"case_bundle:{uuid.uuid4()}")]
    )
    assert [f for f, _ in error_summary(refused)] == ["#attachments"]

    done = await submit(
        fiona, form, form, [("text", "Figures attached"), ("attachments", offered[0])]
    )
    assert done.status_code == 303, done.text
    shown = await fiona.get(form)
    assert "Statistics" in parse(shown).one("[data-testid=foi-attached]").text

    # The log: every FOI request, newest first, paged.
    for _ in range(2):
        await logged_foi(fiona)
    log = await fiona.get(f"{NM}/requests/foi")
    assert log.status_code == 200
    rows = table_rows(log, "table[data-testid=foi-table]")
    assert len(rows) >= 4  # the header and three requests
    assert (await aisha.get(f"{NM}/requests/foi")).status_code == 403


RELEASE = str(uuid.UUID(int=7))


@pytest.mark.parametrize(
    ("kind", "ref", "refused"),
    [
        ("case_document", "a-case-document", "personal data"),
        ("case_bundle", "a-bundle", "personal data"),
        ("request_document", "a-file", "personal data"),
        ("contact", "x", "statistics releases and policy documents"),
        ("statistics_release", "another-release", "statistics releases"),
        ("statistics_release", "", "statistics releases"),
        ("statistics_release", RELEASE, None),
        ("policy_document", "3", None),
        ("policy_document", "4", "Choose a version"),
        ("policy_document", "0", "Choose a version"),
    ],
)
def test_what_an_foi_response_may_attach(kind: str, ref: str, refused: str | None) -> None:
    found, problem = attachment_problem(
        FoiAttachment(kind=kind, ref=ref),
        releases={RELEASE: "calendar year 1 January 2025 to 31 December 2025"},
        policy_version=3,
    )
    if refused is None:
        assert problem is None
        assert found is not None
    else:
        assert found is None
        assert refused in (problem or "")


async def test_a_manager_logs_an_foi_request_on_a_page_of_its_own(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Rule 11: an FOI request is about no case, so it has its own page to log it, from the
    register and the FOI log (GOV.UK form, no JavaScript, CSRF); each problem named."""
    form = f"{NM}/requests/foi/new"
    register = await fiona.get(f"{NM}/requests")
    assert parse(register).one("[data-testid=foi-new-link]").get("href") == form
    page = await fiona.get(form)
    assert page.status_code == 200
    assert parse(page).one("form[data-testid=foi-request-form]").get("action") == form

    empty = await submit(fiona, form, form, [])
    assert empty.status_code == 400
    assert [f for f, _ in error_summary(empty)] == [
        "#requester_name", "#received_on-day", "#channel", "#summary",
    ]  # fmt: skip
    future = TODAY + timedelta(days=3)
    wrong = await submit(fiona, form, form, [
        ("requester_name", "A journalist\x00"), ("received_on-day", str(future.day)),
        ("received_on-month", str(future.month)), ("received_on-year", str(future.year)),
        ("channel", "email"), ("summary", "How many families?"),
    ])  # fmt: skip
    assert wrong.status_code == 400
    assert {f for f, _ in error_summary(wrong)} == {"#requester_name", "#received_on-day"}

    received = TODAY - timedelta(days=1)
    asked = f"How many tribunal appeals {uuid.uuid4().hex[:6]}?"
    pairs = [
        ("requester_name", "A journalist"), ("received_on-day", str(received.day)),
        ("received_on-month", str(received.month)), ("received_on-year", str(received.year)),
        ("channel", "email"), ("summary", asked),
    ]  # fmt: skip
    # Without the form's CSRF token the post is refused.
    forged = await fiona.post(
        form,
        content=str(httpx.QueryParams(pairs)).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert forged.status_code == 403
    done = await submit(fiona, form, form, pairs)
    assert done.status_code == 303, done.text
    shown = await fiona.get(done.headers["location"])
    heading = parse(shown).one("[data-testid=page-heading]").text.strip()
    assert heading == "Freedom of Information request"
    assert asked in shown.text
    about = summary_list(shown, "[data-testid=request-summary]")["About"]
    assert about.startswith("No one")
    assert parse(shown).one("[data-testid=request-deadline]").text.strip()[:1].isdigit()
    rid = done.headers["location"].split("/requests/")[1].split("?")[0]
    found = (await fiona.get(f"{API}/requests/{rid}")).json()
    assert (found["kind"], found["case_id"], found["received_on"]) == (
        "foi", None, received.isoformat(),
    )  # fmt: skip
    # A caseworker passes an FOI request to a manager: the page is not theirs.
    assert (await aisha.get(form)).status_code == 403
