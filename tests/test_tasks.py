"""The one task model (rule 24) through the API and its services: a caseworker's follow-up
on a case they work on, the task list's filters and pages, marking done, the
tell-the-client tasks as one kind of it, and another tenant's tasks never seen."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.consent import audit_actions, task_after_override
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

TODAY = service_today()
ED = "/t/eastdale/api"


async def follow_up(
    http: httpx.AsyncClient, case_id: str, title: str = "Chase the school's reply", days: int = 3
) -> httpx.Response:
    body = {"title": title, "due_on": (TODAY + timedelta(days=days)).isoformat()}
    return await post(http, f"{NM}/cases/{case_id}/tasks", body)


async def listed(http: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """Every page of the task list with ``params``."""
    items: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        page = await http.get(f"{NM}/tasks", params={**params, "limit": 100, "offset": offset})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        offset = page.json()["next_offset"]
    return items


async def test_a_caseworker_adds_a_follow_up_on_their_case_and_marks_it_done(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha)
    made = await follow_up(aisha, case["id"])
    assert made.status_code == 201, made.text
    task = made.json()
    assert task["kind"] == "follow_up"
    assert task["title"] == "Chase the school's reply"
    assert task["case_reference"] == case["reference"]
    assert task["status"] == "open"
    assert task["overdue"] is False
    assert task["assignee_id"] is not None
    mine = await listed(aisha)
    assert task["id"] in [t["id"] for t in mine]
    assert task["id"] in [t["id"] for t in await listed(aisha, kind="follow_up")]
    assert task["id"] not in [t["id"] for t in await listed(aisha, kind="consent_review")]
    assert task["id"] not in [t["id"] for t in await listed(aisha, overdue="true")]

    done = await post(aisha, f"{NM}/tasks/{task['id']}/done", {})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert done.json()["done_by"] == task["assignee_id"]
    assert done.json()["done_at"] is not None
    assert task["id"] not in [t["id"] for t in await listed(aisha)]
    again = await post(aisha, f"{NM}/tasks/{task['id']}/done", {})
    assert again.status_code == 400
    assert "task" in again.json()["errors"]
    actions = await audit_actions(owner_conn, tenants["northmoor"], case["id"])
    assert actions.count("task_added") == 1
    assert actions.count("task_done") == 1


async def test_a_follow_up_needs_to_know_the_case(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    refused = await follow_up(tom, case["id"])
    assert refused.status_code == 403
    assert refused.json().get("restricted") is True
    task = (await follow_up(aisha, case["id"])).json()
    assert (await tom.get(f"{NM}/tasks/{task['id']}")).status_code == 403
    assert (await post(tom, f"{NM}/tasks/{task['id']}/done", {})).status_code == 403
    assert task["id"] not in [t["id"] for t in await listed(tom)]


async def test_a_follow_ups_bad_input_is_a_400_naming_the_field(aisha: httpx.AsyncClient) -> None:
    case = await new_case(aisha)
    url = f"{NM}/cases/{case['id']}/tasks"
    for body, field in [
        ({"title": "  ", "due_on": TODAY.isoformat()}, "title"),
        ({"title": "x" * 201, "due_on": TODAY.isoformat()}, "title"),
        ({"title": "Ring back", "due_on": (TODAY - timedelta(days=1)).isoformat()}, "due_on"),
        ({"title": "Ring back", "due_on": TODAY.replace(year=TODAY.year + 6).isoformat()},
         "due_on"),
    ]:  # fmt: skip
        response = await post(aisha, url, body)
        assert response.status_code == 400, (body, response.text)
        assert field in response.json()["errors"], response.text
    for params in ({"kind": "astrology"}, {"scope": "everyone"}, {"overdue": "perhaps"}):
        response = await aisha.get(f"{NM}/tasks", params=params)
        assert response.status_code == 400, (params, response.text)


async def test_the_team_list_is_for_managers_and_holds_everyones_tasks(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    task = (await follow_up(aisha, case["id"], days=0)).json()
    assert (await tom.get(f"{NM}/tasks", params={"scope": "team"})).status_code == 403
    team = await listed(fiona, scope="team", kind="follow_up")
    assert task["id"] in [t["id"] for t in team]
    assert task["id"] not in [t["id"] for t in await listed(fiona)]  # not hers, not the queue's
    one = await fiona.get(f"{NM}/tasks", params={"scope": "team", "limit": 1})
    assert len(one.json()["items"]) == 1
    # A manager may mark a caseworker's task done too.
    assert (await post(fiona, f"{NM}/tasks/{task['id']}/done", {})).status_code == 200


async def test_a_tell_the_client_task_is_a_task_of_its_kind_done_only_by_telling(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    cid, tell = await task_after_override(aisha, fiona)
    team = await listed(fiona, scope="team", kind="tell_client")
    [task] = [t for t in team if t["id"] == tell["id"]]
    assert task["case_id"] == cid
    assert task["due_on"] == tell["due_on"]
    assert tell["id"] in [t["id"] for t in await listed(aisha, kind="tell_client")]
    refused = await post(fiona, f"{NM}/tasks/{tell['id']}/done", {})
    assert refused.status_code == 400
    assert "task" in refused.json()["errors"]
    later = (TODAY + timedelta(days=30)).isoformat()
    delayed = await post(
        fiona, f"{NM}/tell-client-tasks/{tell['id']}/delay",
        {"reason": "Telling them now would put the young person at risk", "new_due_on": later},
    )  # fmt: skip
    assert delayed.status_code == 200, delayed.text
    assert (await fiona.get(f"{NM}/tasks/{tell['id']}")).json()["due_on"] == later
    told = await post(
        aisha, f"{NM}/tell-client-tasks/{tell['id']}/told",
        {"told_on": TODAY.isoformat(), "told_how": "meeting", "note": "Told at the office"},
    )  # fmt: skip
    assert told.status_code == 200, told.text
    done = (await fiona.get(f"{NM}/tasks/{tell['id']}")).json()
    assert done["status"] == "done"
    assert done["done_by"] is not None


async def test_another_tenants_tasks_are_not_found_nor_listed(
    aisha: httpx.AsyncClient,
    priya: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    app_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    task = (await follow_up(aisha, case["id"])).json()
    for http in (priya, bronwen):
        assert (await http.get(f"{ED}/tasks/{task['id']}")).status_code == 404
        made_up = await http.get(f"{ED}/tasks/{uuid.uuid4()}")
        assert made_up.status_code == 404
        assert (await http.get(f"{ED}/tasks/{task['id']}")).json() == made_up.json()
        assert (await post(http, f"{ED}/tasks/{task['id']}/done", {})).status_code == 404
        body = {"title": "Ring back", "due_on": TODAY.isoformat()}
        assert (await post(http, f"{ED}/cases/{case['id']}/tasks", body)).status_code == 404
    team = (await bronwen.get(f"{ED}/tasks", params={"scope": "team", "limit": 100})).json()
    assert task["id"] not in [t["id"] for t in team["items"]]
    # Raw SQL as the application role, in Eastdale: Northmoor's task is not there.
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["eastdale"].id)
        )
        tid = uuid.UUID(task["id"])
        assert await app_conn.fetchval("SELECT count(*) FROM tasks WHERE id = $1", tid) == 0
        assert await app_conn.execute("UPDATE tasks SET title = 'x' WHERE id = $1", tid) == (
            "UPDATE 0"
        )


async def test_the_application_role_never_deletes_a_task(
    aisha: httpx.AsyncClient, app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    import pytest

    case = await new_case(aisha)
    await follow_up(aisha, case["id"])
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["northmoor"].id)
        )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await app_conn.execute("DELETE FROM tasks WHERE case_id = $1", uuid.UUID(case["id"]))


async def test_the_case_pages_next_actions_read_the_one_model(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    from tests.helpers.html import parse

    case = await new_case(aisha)
    await follow_up(aisha, case["id"], title="Send the EHCP guide", days=2)
    page = await aisha.get(f"/t/northmoor/cases/{case['id']}")
    assert page.status_code == 200
    [item] = parse(page).select("[data-testid=next-follow-up]")
    assert "Send the EHCP guide" in item.text
    rows = await as_tenant(
        owner_conn, tenants["northmoor"], "SELECT kind FROM tasks WHERE case_id = $1",
        uuid.UUID(case["id"]),
    )  # fmt: skip
    assert [r["kind"] for r in rows] == ["follow_up"]
