"""The task pages without JavaScript (rule 24): a follow-up added from the case page's form,
the task list's filters and pages, one task marked done, the dashboard's tasks due; bad input
is the form again naming the field, another service's task is not found."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from confide.platform.core.clock import service_today
from tests.helpers.html import error_summary, links, parse, table_rows
from tests.helpers.http import csrf_token
from tests.helpers.pages import NM, record_enquiry, submit, text

TODAY = service_today()


def _due(days: int) -> list[tuple[str, str]]:
    day = TODAY + timedelta(days=days)
    return [("due_on-day", str(day.day)), ("due_on-month", str(day.month)),
            ("due_on-year", str(day.year))]  # fmt: skip


async def _add(http: httpx.AsyncClient, case_id: str, title: str, days: int) -> httpx.Response:
    path = f"{NM}/cases/{case_id}/tasks"
    return await submit(http, f"{path}/new", path, [("title", title), *_due(days)])


async def test_a_caseworker_adds_a_follow_up_from_the_case_page_and_marks_it_done(
    aisha: httpx.AsyncClient,
) -> None:
    case_id = await record_enquiry(aisha)
    case_path = f"{NM}/cases/{case_id}"
    assert f"{case_path}/tasks/new" in [href for _, href in links(await aisha.get(case_path))]
    added = await _add(aisha, case_id, "Ring Mum about the annual review", 0)
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"{case_path}?done=task"
    case_page = await aisha.get(added.headers["location"])
    assert "Follow-up added." in text(case_page)
    [item] = parse(case_page).select("[data-testid=next-follow-up]")
    assert "Ring Mum about the annual review" in item.text

    listed = await aisha.get(f"{NM}/task-list/", params={"kind": "follow_up"})
    assert listed.status_code == 200
    rows = table_rows(listed, "[data-testid=task-table]")
    assert any("Ring Mum about the annual review" in row[0] for row in rows), rows
    [task_path] = [
        href
        for label, href in links(listed, "[data-testid=task-link]")
        if "Ring Mum about the annual review" in label
    ]
    task_page = await aisha.get(task_path)
    assert task_page.status_code == 200
    assert parse(task_page).one("[data-testid=task-status]").text == "Open"
    done = await aisha.post(f"{task_path}/done", data={"_csrf_token": csrf_token(task_page.text)})
    assert done.status_code == 303, done.text
    after = await aisha.get(done.headers["location"])
    assert "Task marked as done." in text(after)
    assert "Ring Mum about the annual review" not in text(after)
    assert "Done" in parse(await aisha.get(task_path)).one("[data-testid=task-status]").text


async def test_the_follow_up_form_names_each_field_wrong(aisha: httpx.AsyncClient) -> None:
    case_id = await record_enquiry(aisha)
    path = f"{NM}/cases/{case_id}/tasks"
    empty = await submit(aisha, f"{path}/new", path, [("title", "")])
    assert empty.status_code == 400
    assert error_summary(empty) == [
        ("#title", "Enter what needs to be done"),
        ("#due_on-day", "Enter the due date"),
    ]
    past = await _add(aisha, case_id, "Ring back", -1)
    assert past.status_code == 400
    assert error_summary(past) == [("#due_on-day", "The due date must be today or in the future")]
    nonsense = await submit(
        aisha, f"{path}/new", path,
        [("title", "Ring back"), ("due_on-day", "31"), ("due_on-month", "2"),
         ("due_on-year", str(TODAY.year))],
    )  # fmt: skip
    assert nonsense.status_code == 400
    assert error_summary(nonsense) == [("#due_on-day", "The due date must be a real date")]


async def test_the_task_list_filters_and_pages(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case_id = await record_enquiry(aisha)
    for n in range(3):
        assert (await _add(aisha, case_id, f"Paging check {n}", n)).status_code == 303
    mine = await aisha.get(f"{NM}/task-list/", params={"kind": "follow_up"})
    assert "Paging check 0" in text(mine)
    assert "Paging check" not in text(await tom.get(f"{NM}/task-list/"))
    assert "Paging check" not in text(
        await aisha.get(f"{NM}/task-list/", params={"overdue": "yes"})
    )
    # A caseworker's "team" is their own: only managers see the team's.
    assert "Paging check" not in text(await tom.get(f"{NM}/task-list/", params={"scope": "team"}))
    team = await fiona.get(f"{NM}/task-list/", params={"scope": "team", "kind": "follow_up"})
    assert "Paging check 0" in text(team)
    assert parse(team).one("[data-testid=filter-scope]") is not None
    far = await fiona.get(f"{NM}/task-list/", params={"scope": "team", "page": 1000})
    assert far.status_code == 200
    assert "Paging check" not in text(far)
    for params in ({"kind": "astrology"}, {"scope": "everyone"}, {"overdue": "perhaps"},
                   {"page": "0"}):  # fmt: skip
        assert (await aisha.get(f"{NM}/task-list/", params=params)).status_code == 400, params


async def test_the_dashboard_shows_what_is_due(aisha: httpx.AsyncClient) -> None:
    case_id = await record_enquiry(aisha)
    assert (await _add(aisha, case_id, "Dashboard check", 1)).status_code == 303
    dashboard = await aisha.get(f"{NM}/dashboard")
    assert any("Dashboard check" in item.text for item in parse(dashboard).select(
        "[data-testid=due-task]"
    ))  # fmt: skip
    assert f"{NM}/task-list" in [
        href for _, href in links(dashboard, "[data-testid=task-list-link]")
    ]


async def test_another_services_task_page_is_not_found(
    aisha: httpx.AsyncClient, priya: httpx.AsyncClient
) -> None:
    case_id = await record_enquiry(aisha)
    await _add(aisha, case_id, "Cross-service check", 2)
    listed = await aisha.get(f"{NM}/task-list/", params={"kind": "follow_up"})
    [task_path] = [
        href for label, href in links(listed, "[data-testid=task-link]")
        if "Cross-service check" in label
    ]  # fmt: skip
    theirs = await priya.get(task_path.replace("/t/northmoor/", "/t/eastdale/"))
    made_up = await priya.get(f"/t/eastdale/task-list/{uuid.uuid4()}")
    assert theirs.status_code == made_up.status_code == 404
    assert "Cross-service check" not in theirs.text
