"""The information request pages without JavaScript (rule 27): a request logged from a
case's form (a manager's opens on its own page, a caseworker's goes back to the case for
the managers' queue), identity confirmed on the request's page setting the deadline, the
register with its overdue tag, forms that name each field wrong, managers only."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from confide.platform.core.clock import service_today
from confide.platform.core.deadlines import Pause, subject_access_clock
from tests.helpers.html import error_summary, parse, summary_list, table_rows
from tests.helpers.pages import NM, record_enquiry, submit, text

TODAY = service_today()


def _day(name: str, day: date) -> list[tuple[str, str]]:
    return [(f"{name}-day", str(day.day)), (f"{name}-month", str(day.month)),
            (f"{name}-year", str(day.year))]  # fmt: skip


def _uk(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _log(received: date, **changes: str) -> list[tuple[str, str]]:
    fields = {
        "kind": "subject_access",
        "requester_name": "Ada Okafor",
        "relation": "parent",
        "channel": "post",
        "summary": "Everything about Sam",
    }
    fields.update(changes)
    return [*fields.items(), *_day("received_on", received)]


async def test_a_manager_logs_a_request_confirms_identity_and_sees_the_deadline(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case_id = await record_enquiry(aisha)
    path = f"{NM}/cases/{case_id}/requests"
    # Recent enough that the deadline has not passed when it is extended below (no
    # extension after the deadline: a review finding), and due within the week.
    received = TODAY - timedelta(days=30)
    logged = await submit(fiona, f"{path}/new", f"{path}/", _log(received))
    assert logged.status_code == 303, logged.text
    request_path = logged.headers["location"].split("?")[0]
    page = await fiona.get(logged.headers["location"])
    assert "Request logged." in text(page)
    summary = summary_list(page, "[data-testid=request-summary]")
    assert summary["Status"] == "Awaiting proof of identity"
    assert summary["Deadline"] == "Not set until the clock runs"

    confirmed = received + timedelta(days=1)
    pairs = [("evidence", "Passport seen at the office"), *_day("confirmed_on", confirmed)]
    done = await submit(fiona, request_path, f"{request_path}/identity", pairs)
    assert done.status_code == 303, done.text
    page = await fiona.get(done.headers["location"])
    clock = subject_access_clock(received, identity_confirmed_on=confirmed)
    assert clock.due_on is not None
    summary = summary_list(page, "[data-testid=request-summary]")
    assert summary["Status"] == "In progress"
    assert summary["Deadline"].startswith(_uk(clock.due_on))
    assert ("Overdue" in summary["Deadline"]) is (clock.due_on < TODAY)

    register = await fiona.get(f"{NM}/requests/")
    rows = [
        row
        for row in table_rows(register, "[data-testid=request-table]")
        if _uk(received) in row[2]
    ]
    assert rows, table_rows(register, "[data-testid=request-table]")
    assert any(_uk(clock.due_on) in row[3] for row in rows)
    # This request's row (other tests' requests in the tenant may be overdue).
    assert any("Overdue" in row[3] for row in rows) is (clock.due_on < TODAY)
    # The dashboard counts what is due within the week (this one is, or is overdue).
    dashboard = await fiona.get(f"{NM}/dashboard")
    count = parse(dashboard).one("[data-testid=requests-due]").text
    assert "due within the week or overdue" in count, count
    assert parse(await aisha.get(f"{NM}/dashboard")).first("[data-testid=requests-due]") is None

    # The clock stops for clarification and restarts; a two-month extension; closing.
    asked, answered = confirmed + timedelta(days=2), confirmed + timedelta(days=6)
    pairs = [*_day("asked_on", asked), *_day("received_on", answered)]
    done = await submit(fiona, request_path, f"{request_path}/clarification", pairs)
    assert done.status_code == 303, done.text
    pairs = [("months", "2"), ("reason", "Ten years of records")]
    done = await submit(fiona, request_path, f"{request_path}/extension", pairs)
    assert done.status_code == 303, done.text
    page = await fiona.get(done.headers["location"])
    clock = subject_access_clock(
        received,
        identity_confirmed_on=confirmed,
        pauses=[Pause(asked, answered)],
        extension_months=2,
    )
    assert clock.extended_due_on is not None
    assert clock.tell_extension_by is not None
    summary = summary_list(page, "[data-testid=request-summary]")
    assert summary["Deadline"].startswith(_uk(clock.extended_due_on))
    assert summary["Tell the requester of any extension by"] == _uk(clock.tell_extension_by)
    assert summary["Extension"] == "2 further months: Ten years of records"
    assert "Extension recorded." in text(page)

    wrong = await submit(fiona, request_path, f"{request_path}/close", [("outcome", "")])
    assert [field for field, _ in error_summary(wrong)] == ["#outcome"]
    pairs = [("outcome", "Released in full"), ("released", "The case file")]
    done = await submit(fiona, request_path, f"{request_path}/close", pairs)
    page = await fiona.get(done.headers["location"])
    summary = summary_list(page, "[data-testid=request-summary]")
    assert (summary["Status"], summary["Released"]) == ("Closed", "The case file")
    assert parse(page).first("[data-testid=close-request]") is None


async def test_a_caseworkers_request_goes_back_to_the_case_for_the_managers_queue(
    aisha: httpx.AsyncClient,
) -> None:
    case_id = await record_enquiry(aisha)
    path = f"{NM}/cases/{case_id}/requests"
    received = TODAY - timedelta(days=2)
    logged = await submit(aisha, f"{path}/new", f"{path}/", _log(received, kind="case_file"))
    assert logged.status_code == 303, logged.text
    assert logged.headers["location"] == f"{NM}/cases/{case_id}?done=request"
    case_page = await aisha.get(logged.headers["location"])
    assert "It is in the managers' queue." in text(case_page)
    assert (await aisha.get(f"{NM}/requests/")).status_code == 403


async def test_the_request_forms_name_each_field_wrong(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case_id = await record_enquiry(aisha)
    path = f"{NM}/cases/{case_id}/requests"
    wrong = await submit(
        fiona,
        f"{path}/new",
        f"{path}/",
        [
            ("kind", "foi"),
            ("requester_name", ""),
            ("relation", "neighbour"),
            ("channel", "post"),
            *_day("received_on", TODAY + timedelta(days=1)),
        ],
    )
    assert wrong.status_code == 400
    assert [field for field, _ in error_summary(wrong)] == ["#kind", "#requester_name", "#relation"]
    future = _log(TODAY + timedelta(days=1))
    wrong = await submit(fiona, f"{path}/new", f"{path}/", future)
    assert [field for field, _ in error_summary(wrong)] == ["#received_on-day"]
    logged = await submit(fiona, f"{path}/new", f"{path}/", _log(TODAY))
    request_path = logged.headers["location"].split("?")[0]
    wrong = await submit(
        fiona,
        request_path,
        f"{request_path}/identity",
        [("evidence", ""), *_day("confirmed_on", TODAY - timedelta(days=1))],
    )
    assert wrong.status_code == 400
    assert [field for field, _ in error_summary(wrong)] == ["#evidence"]
    pairs = [("evidence", "Passport"), *_day("confirmed_on", TODAY - timedelta(days=1))]
    wrong = await submit(fiona, request_path, f"{request_path}/identity", pairs)
    assert [field for field, _ in error_summary(wrong)] == ["#confirmed_on-day"]
