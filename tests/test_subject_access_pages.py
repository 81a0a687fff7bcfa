"""A subject access request's own steps on its page, without JavaScript (rule 30): the
route and what it waits for in a summary list, the steps as a GOV.UK task list, the young
person's agreement and the bundle as forms, each field named when wrong."""

from __future__ import annotations

import subprocess
import uuid
from datetime import date, timedelta

import asyncpg
import httpx

from tests.helpers.casework import NM as API
from tests.helpers.casework import as_tenant, enquiry, new_case
from tests.helpers.consent import TODAY, add_note
from tests.helpers.exports import open_bundle, storage_keys_held, wait_until_finished
from tests.helpers.html import error_summary, parse, summary_list
from tests.helpers.http import post
from tests.helpers.pages import NM, submit, text
from tests.helpers.tenants import TenantRef


def _day(name: str, day: date) -> list[tuple[str, str]]:
    return [(f"{name}-day", str(day.day)), (f"{name}-month", str(day.month)),
            (f"{name}-year", str(day.year))]  # fmt: skip


async def _parents_request(aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, age: int) -> str:
    young = {**enquiry()["young_person"], "date_of_birth": date(TODAY.year - age, 1, 1).isoformat()}
    case = await new_case(aisha, young_person=young)
    body = {
        "kind": "subject_access", "requester_name": "Ada Okafor", "relation": "parent",
        "received_on": str(TODAY - timedelta(days=2)), "channel": "email", "case_id": case["id"],
    }  # fmt: skip
    logged = await post(fiona, f"{API}/requests", body)
    assert logged.status_code == 201, logged.text
    rid = str(logged.json()["id"])
    identity = {"confirmed_on": str(TODAY), "evidence": "Passport seen"}
    assert (await post(fiona, f"{API}/requests/{rid}/identity", identity)).status_code == 200
    return rid


async def _audit_entries(owner: asyncpg.Connection, tenant: TenantRef) -> int:
    [row] = await as_tenant(owner, tenant, "SELECT count(*) AS n FROM audit_entries")
    return int(row["n"])


def _tasks(page: httpx.Response) -> dict[str, str]:
    return {
        item.first(".govuk-task-list__name-and-hint").text.strip(): item.first(
            ".govuk-task-list__status"
        ).text.strip()
        for item in parse(page).select("[data-testid=sar-tasks] .govuk-task-list__item")
    }


async def test_a_parents_request_about_a_young_person_waits_for_their_agreement_on_its_page(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    rid = await _parents_request(aisha, fiona, 14)
    path = f"{NM}/requests/{rid}"
    page = await fiona.get(path)
    assert page.status_code == 200
    summary = summary_list(page, "[data-testid=subject-access-summary]")
    assert summary["Route"] == "A request made about a young person who can decide for themselves"
    assert summary["What it waits for"].startswith("The young person's agreement")
    assert summary["What is released"].startswith("The parent's view")
    tasks = _tasks(page)
    assert tasks["Confirm the requester's identity"] == "Completed"
    assert tasks["Record the young person's agreement"] == "Incomplete"
    assert tasks["Build the bundle"] == "Cannot start yet"
    assert not parse(page).select("[data-testid=build-bundle]")

    wrong = await submit(fiona, path, f"{path}/subject-access/agreement", [])
    assert wrong.status_code == 400
    assert [href for href, _ in error_summary(wrong)] == ["#agreed_on-day", "#agreement_evidence"]
    future = _day("agreed_on", TODAY + timedelta(days=1))
    wrong = await submit(
        fiona, path, f"{path}/subject-access/agreement",
        [*future, ("agreement_evidence", "Signed letter")],
    )  # fmt: skip
    assert [href for href, _ in error_summary(wrong)] == ["#agreed_on-day"]

    pairs = [*_day("agreed_on", TODAY), ("agreement_evidence", "Signed letter")]
    done = await submit(fiona, path, f"{path}/subject-access/agreement", pairs)
    assert done.status_code == 303, done.text
    page = await fiona.get(done.headers["location"])
    assert "The young person's agreement is recorded." in text(page)
    summary = summary_list(page, "[data-testid=subject-access-summary]")
    assert summary["What it waits for"] == "Nothing: it can go ahead"
    assert _tasks(page)["Build the bundle"] == "Incomplete"

    built = await submit(fiona, path, f"{path}/subject-access/bundle", [])
    assert built.status_code == 303, built.text
    page = await fiona.get(built.headers["location"])
    assert _tasks(page)["Build the bundle"] == "In progress"
    export_link = parse(page).one("[data-testid=sar-export]").get("href") or ""
    assert export_link.startswith(f"{NM}/exports/")


async def test_a_parents_request_about_a_child_under_the_age_can_be_built_at_once(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    rid = await _parents_request(aisha, fiona, 8)
    page = await fiona.get(f"{NM}/requests/{rid}")
    summary = summary_list(page, "[data-testid=subject-access-summary]")
    assert summary["Route"].startswith("A request made for a young person who cannot yet decide")
    assert summary["What it waits for"] == "Nothing: it can go ahead"
    assert "Record the young person's agreement" not in _tasks(page)
    assert parse(page).select("[data-testid=build-bundle]")


async def test_a_manager_reviews_redacts_a_name_approves_and_records_the_release_on_pages(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    rid = await _parents_request(aisha, fiona, 8)
    case_id = (await fiona.get(f"{API}/requests/{rid}")).json()["case_id"]
    third = f"Grimes{uuid.uuid4().hex[:6]}"
    await add_note(aisha, case_id, f"Mr {third} from next door called")
    path = f"{NM}/requests/{rid}"
    built = await submit(fiona, path, f"{path}/subject-access/bundle", [])
    assert built.status_code == 303, built.text
    export_id = (await fiona.get(f"{API}/requests/{rid}/subject-access")).json()["export_id"]
    assert (await wait_until_finished(fiona, export_id, worker))["status"] == "ready"
    page = await fiona.get(path)
    assert _tasks(page)["Review redactions"] == "Incomplete"

    started = await submit(fiona, path, f"{path}/subject-access/review", [])
    assert started.status_code == 303, started.text
    review = started.headers["location"]
    page = await fiona.get(review)
    assert page.status_code == 200
    [row] = [r for r in parse(page).select("[data-testid=review-item]") if third in r.text]
    item = row.select("input[name=item]")[0].get("value") or ""
    wrong = await submit(
        fiona, review, f"{path}/subject-access/redactions",
        [("kind", "note"), ("item", item), ("phrase", "not in the note")],
    )  # fmt: skip
    assert wrong.status_code == 400
    assert [href for href, _ in error_summary(wrong)] == ["#phrase"]
    marked = await submit(
        fiona, review, f"{path}/subject-access/redactions",
        [("kind", "note"), ("item", item), ("phrase", third)],
    )  # fmt: skip
    assert marked.status_code == 303, marked.text
    page = await fiona.get(review)
    [mark] = parse(page).select("[data-testid=mark]")
    assert third in mark.text

    # Approval queues the redacted bundle for the worker: while it is built (the test
    # holds the storage keys the worker reads the original with) the page shows its
    # progress where JavaScript puts it in place, a link to look again, and no release.
    async with storage_keys_held():
        approved = await submit(fiona, path, f"{path}/subject-access/approve", [])
        assert approved.status_code == 303, approved.text
        page = await fiona.get(approved.headers["location"])
        assert _tasks(page)["Approve and release"] == "In progress"
        live = parse(page).one("[data-module=confide-export-progress]")
        assert live.get("data-state") in ("queued", "running")
        assert live.select("[data-testid=export-status]")
        assert live.select("[data-testid=refresh]")
        assert not parse(page).select("[data-testid=record-release]")
        # The script asks for the export's progress, not this page: read again and
        # again, it opens no case and writes no audit entry.
        polled = live.get("data-progress-url") or ""
        standing = (await fiona.get(f"{API}/requests/{rid}/subject-access")).json()
        assert polled == f"{NM}/exports/{standing['release_export_id']}/progress"
        assert live.get("data-progress-part") == "status"
        before = await _audit_entries(owner_conn, tenants["northmoor"])
        for _ in range(3):
            answer = await fiona.get(polled)
            assert answer.status_code == 200
            shown = parse(answer).one("[data-module=confide-export-progress]")
            assert shown.get("data-state") in ("queued", "running")
            assert shown.select("[data-export-status] [data-testid=export-status]")
        assert await _audit_entries(owner_conn, tenants["northmoor"]) == before
        early = await submit(fiona, path, f"{path}/subject-access/release", [("method", "post")])
        assert [href for href, _ in error_summary(early)] == ["#method"]
    release_export = (await fiona.get(f"{API}/requests/{rid}/subject-access")).json()[
        "release_export_id"
    ]
    assert (await wait_until_finished(fiona, release_export, worker))["status"] == "ready"
    page = await fiona.get(path)
    assert _tasks(page)["Approve and release"] == "Incomplete"
    assert parse(page).one("[data-module=confide-export-progress]").get("data-state") == "ready"
    wrong = await submit(fiona, path, f"{path}/subject-access/release", [])
    assert [href for href, _ in error_summary(wrong)] == ["#method"]
    released = await submit(fiona, path, f"{path}/subject-access/release", [("method", "post")])
    assert released.status_code == 303, released.text
    page = await fiona.get(released.headers["location"])
    assert _tasks(page)["Approve and release"] == "Completed"
    assert "By post" in parse(page).one("[data-testid=sar-released]").text
    # Closing it: what was released is filled in from the release's record.
    prefilled = parse(page).one("[data-testid=field-released]").text
    assert "released by post" in prefilled
    assert "SHA-256" in prefilled
    out = open_bundle((await fiona.get(f"{path}/subject-access/released")).content)
    assert third not in out.pdf_text
    assert third not in out.json_text
    assert (
        f"Mr {third} from"
        in open_bundle((await fiona.get(f"{path}/subject-access/original")).content).json_text
    )


async def test_a_self_request_logged_on_the_page_names_whom_it_is_about(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Rule 30: the log form offers the case's people as whom a subject access request is
    about; "The young person themselves" about the parent is not the young person's own;
    the request's page shows whom it is about."""
    young = {**enquiry()["young_person"], "date_of_birth": date(TODAY.year - 14, 1, 1).isoformat()}
    case = await new_case(aisha, young_person=young)
    [parent] = [p["person"]["id"] for p in case["people"] if p["relationship"] == "parent_or_carer"]
    path = f"{NM}/cases/{case['id']}/requests"
    form = await fiona.get(f"{path}/new")
    assert form.status_code == 200
    assert "The young person themselves" in text(form)
    offered = {i.get("value") for i in parse(form).select("input[name=subject_person_id]")}
    assert offered == {case["subject"]["id"], parent}
    fields = [
        ("kind", "subject_access"), ("requester_name", "Ada Okafor"), ("relation", "self"),
        ("subject_person_id", parent), ("channel", "post"), *_day("received_on", TODAY),
    ]  # fmt: skip
    logged = await submit(fiona, f"{path}/new", f"{path}/", fields)
    assert logged.status_code == 303, logged.text
    rid = logged.headers["location"].split("?")[0].rstrip("/").split("/")[-1]
    found = (await fiona.get(f"{API}/requests/{rid}/subject-access")).json()
    assert (found["route"], found["view"]) == ("needs_agreement", "parent")
    # The request's page says whom it is about: here the parent, not the young person.
    [named] = [p["person"] for p in case["people"] if p["person"]["id"] == parent]
    page = await fiona.get(f"{NM}/requests/{rid}")
    about = summary_list(page, "[data-testid=request-summary]")["About"]
    assert about == f"{named['first_name']} {named['last_name']} (parent or carer on the case)"
    # Logged with no one chosen, it is about the young person.
    fields = [(k, v) for k, v in fields if k != "subject_person_id"]
    logged = await submit(fiona, f"{path}/new", f"{path}/", fields)
    assert logged.status_code == 303, logged.text
    page = await fiona.get(logged.headers["location"])
    young_person = case["subject"]
    assert summary_list(page, "[data-testid=request-summary]")["About"] == (
        f"{young_person['first_name']} {young_person['last_name']} (the young person)"
    )


async def test_the_redaction_review_lists_the_bundles_items_a_page_at_a_time(
    worker: subprocess.Popen[str], aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """A long case file's review is paged (GOV.UK pagination, 20 items a page): a mark
    made on a later page comes back to that page, a page past the last shows the last, and
    a page number the lists do not take is the 400 page. The API's review is paged the same
    way (review finding: it sent every item): the same items on the same ``page``, and a
    bad ``page`` is a 400 naming it."""
    rid = await _parents_request(aisha, fiona, 8)
    case_id = (await fiona.get(f"{API}/requests/{rid}")).json()["case_id"]
    last = f"Last note {uuid.uuid4().hex[:8]}"
    for n in range(24):
        await add_note(aisha, case_id, f"Note {n} about the plan")
    await add_note(aisha, case_id, last)
    path = f"{NM}/requests/{rid}"
    assert (await submit(fiona, path, f"{path}/subject-access/bundle", [])).status_code == 303
    export_id = (await fiona.get(f"{API}/requests/{rid}/subject-access")).json()["export_id"]
    assert (await wait_until_finished(fiona, export_id, worker))["status"] == "ready"
    assert (await submit(fiona, path, f"{path}/subject-access/review", [])).status_code == 303
    review = f"{path}/subject-access/review"
    api = f"{API}/requests/{rid}/subject-access/review"
    served = (await fiona.get(api)).json()
    total = served["total"]
    assert total > 25
    assert (len(served["items"]), served["page"], served["pages"]) == (20, 1, -(-total // 20))

    first = await fiona.get(review)
    assert len(parse(first).select("[data-testid=review-item]")) == 20
    assert parse(first).select("[data-testid=pagination]")
    pages = -(-total // 20)
    shown: list[str] = []
    for number in range(1, pages + 1):
        page = await fiona.get(review, params={"page": str(number)})
        shown += [r.text for r in parse(page).select("[data-testid=review-item]")]
    assert len(shown) == total  # every item once, across the pages
    assert any(last in row for row in shown[20:])
    past = await fiona.get(review, params={"page": "999"})
    assert past.status_code == 200
    assert [r.text for r in parse(past).select("[data-testid=review-item]")] == shown[
        (pages - 1) * 20 :
    ]
    for bad in ("0", "x", "10001"):
        assert (await fiona.get(review, params={"page": bad})).status_code == 400, bad
        refused = await fiona.get(api, params={"page": bad})
        assert refused.status_code == 400, bad
        assert [e["key"] for e in refused.json()["errors"]] == ["page"], refused.text
    by_api: list[dict[str, str]] = []
    for number in range(1, pages + 1):
        served = (await fiona.get(api, params={"page": str(number)})).json()
        assert served["page"] == number
        by_api += served["items"]
    assert len(by_api) == total
    assert [i["text"] for i in by_api[20:] if last in i["text"]]  # on the page's later page
    past_api = (await fiona.get(api, params={"page": "999"})).json()
    assert past_api["page"] == pages
    assert past_api["items"] == by_api[(pages - 1) * 20 :]

    on_last = await fiona.get(review, params={"page": str(pages)})
    [row] = [r for r in parse(on_last).select("[data-testid=review-item]") if last in r.text]
    item = row.select("input[name=item]")[0].get("value") or ""
    marked = await submit(
        fiona, f"{review}?page={pages}", f"{path}/subject-access/redactions",
        [("kind", "note"), ("item", item), ("page", str(pages))],
    )  # fmt: skip
    assert marked.status_code == 303, marked.text
    assert marked.headers["location"].endswith(f"?page={pages}")
