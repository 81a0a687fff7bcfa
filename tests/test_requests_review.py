"""Review findings on the information request register (issue 17, rules 26 and 27), each
seen failing before its fix: identity is confirmed once (a second confirmation would
restart the clock); the clarification asked date is never rewritten; no extension once the
deadline has passed; managers are reminded of requests waiting for identity; reading the
register is audited; the managers' queue task follows the request's deadline (an
extension, the clock stopped for clarification and restarted); a date
received more than a year ago (or before 2000) is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from confide.platform.core.deadlines import Pause, subject_access_clock
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.html import summary_list
from tests.helpers.http import post
from tests.helpers.pages import NM as PAGES
from tests.helpers.tenants import TenantRef

TODAY = service_today()


def sar(case_id: str, received: date, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "subject_access",
        "requester_name": "Ada Okafor",
        "relation": "parent",
        "received_on": received.isoformat(),
        "channel": "email",
        "case_id": case_id,
    }
    body.update(changes)
    return body


async def logged(http: httpx.AsyncClient, case_id: str, received: date) -> str:
    made = await post(http, f"{NM}/requests", sar(case_id, received))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_identity_is_confirmed_once_and_a_second_confirmation_keeps_the_clock(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    received = TODAY - timedelta(days=10)
    rid = await logged(fiona, (await new_case(aisha))["id"], received)
    first = {"confirmed_on": str(received + timedelta(days=1)), "evidence": "Passport"}
    step = await post(fiona, f"{NM}/requests/{rid}/identity", first)
    assert step.status_code == 200, step.text
    due = step.json()["due_on"]
    later = {"confirmed_on": str(TODAY), "evidence": "Driving licence"}
    again = await post(fiona, f"{NM}/requests/{rid}/identity", later)
    assert again.status_code == 400
    assert "already confirmed" in again.json()["errors"]["confirmed_on"]
    assert (await fiona.get(f"{NM}/requests/{rid}")).json()["due_on"] == due


async def test_the_clarification_asked_date_is_never_rewritten(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    received = TODAY - timedelta(days=20)
    rid = await logged(fiona, (await new_case(aisha))["id"], received)
    confirmed = received + timedelta(days=1)
    step = {"confirmed_on": str(confirmed), "evidence": "Passport"}
    assert (await post(fiona, f"{NM}/requests/{rid}/identity", step)).status_code == 200
    asked = confirmed + timedelta(days=2)
    path = f"{NM}/requests/{rid}/clarification"
    assert (await post(fiona, path, {"asked_on": str(asked)})).status_code == 200
    for body in (
        {"asked_on": str(asked + timedelta(days=5))},
        {"asked_on": str(asked - timedelta(days=1)), "received_on": str(TODAY)},
    ):
        moved = await post(fiona, path, body)
        assert moved.status_code == 400, body
        assert "already recorded" in moved.json()["errors"]["asked_on"]
    answered = await post(fiona, path, {"asked_on": str(asked), "received_on": str(TODAY)})
    assert answered.status_code == 200, answered.text
    clock = subject_access_clock(
        received, identity_confirmed_on=confirmed, pauses=[Pause(asked, TODAY)]
    )
    assert answered.json()["due_on"] == str(clock.due_on)


async def test_no_extension_once_the_deadline_has_passed(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    received = TODAY - timedelta(days=80)
    rid = await logged(fiona, (await new_case(aisha))["id"], received)
    step = {"confirmed_on": str(received), "evidence": "Passport"}
    assert (await post(fiona, f"{NM}/requests/{rid}/identity", step)).json()["overdue"]
    late = await post(fiona, f"{NM}/requests/{rid}/extension", {"months": 2, "reason": "Many"})
    assert late.status_code == 400
    assert "deadline has passed" in late.json()["errors"]["months"]


async def test_managers_are_reminded_of_requests_waiting_for_identity(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    tenants: dict[str, TenantRef],
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.requests.services import tell_managers_of_due

    case_id = (await new_case(aisha))["id"]
    waiting = await logged(fiona, case_id, TODAY - timedelta(days=10))
    fresh = await logged(fiona, case_id, TODAY - timedelta(days=1))
    async with tenant_transaction(tenants["northmoor"].id):
        made = await tell_managers_of_due(TODAY)
    assert made >= 1
    async with tenant_transaction(tenants["northmoor"].id):
        assert await tell_managers_of_due(TODAY) == 0  # once
    page = (await fiona.get(f"{NM}/notifications", params={"limit": 100})).json()
    told = {n["subject_id"] for n in page["items"] if n["kind"] == "request_identity"}
    assert waiting in told
    assert fresh not in told
    mine = (await aisha.get(f"{NM}/notifications", params={"limit": 100})).json()
    assert not [n for n in mine["items"] if n["kind"] == "request_identity"]


async def test_reading_the_register_is_audited(
    fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    # Only this test's entries: others in the session read the register too.
    [start] = await as_tenant(
        owner_conn, tenants["northmoor"], "SELECT coalesce(max(seq), 0) AS seq FROM audit_entries"
    )
    listed = await fiona.get(f"{NM}/requests", params={"closed": "true"})
    assert listed.status_code == 200
    rows = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT action, subject_kind, reason_code FROM audit_entries"
        " WHERE subject_kind = 'request_register' ORDER BY seq DESC LIMIT 1",
    )
    assert [(r["action"], r["reason_code"]) for r in rows] == [("request_read", "list")]
    page = await fiona.get("/t/northmoor/requests/")
    assert page.status_code == 200
    count = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT count(*) AS n FROM audit_entries WHERE subject_kind = 'request_register'"
        " AND seq > $1",
        start["seq"],
    )
    assert count[0]["n"] == 2


async def test_the_managers_queue_task_follows_the_requests_deadline(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    received = TODAY - timedelta(days=5)
    case = await new_case(aisha)
    rid = await logged(aisha, case["id"], received)  # a caseworker's: the managers' queue
    step = {"confirmed_on": str(received), "evidence": "Passport"}
    confirmed = await post(fiona, f"{NM}/requests/{rid}/identity", step)
    due = confirmed.json()["due_on"]

    async def task_due() -> str:
        [row] = await as_tenant(
            owner_conn,
            tenants["northmoor"],
            "SELECT t.due_on FROM tasks t JOIN information_requests r"
            " ON r.tenant_id = t.tenant_id AND r.task_id = t.id WHERE r.id = $1",
            uuid.UUID(rid),
        )
        return str(row["due_on"])

    assert await task_due() == due
    extended = await post(fiona, f"{NM}/requests/{rid}/extension", {"months": 1, "reason": "Many"})
    assert await task_due() == extended.json()["due_on"]


async def test_the_managers_queue_task_follows_the_deadline_when_the_clock_stops_and_restarts(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Rule 26: while the clock is stopped for clarification the request has no deadline,
    nor has its task: the managers' queue does not show it overdue (review finding: it kept
    the passed date); once the clarification comes the clock restarts where it stopped,
    and the task is due on the new deadline."""
    received = TODAY - timedelta(days=40)  # the first deadline has passed by today
    case = await new_case(aisha)
    rid = await logged(aisha, case["id"], received)  # a caseworker's: the managers' queue
    step = {"confirmed_on": str(received), "evidence": "Passport"}
    first = (await post(fiona, f"{NM}/requests/{rid}/identity", step)).json()["due_on"]

    [link] = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT task_id FROM information_requests WHERE id = $1",
        uuid.UUID(rid),
    )

    async def task() -> dict[str, Any]:
        shown = await fiona.get(f"{NM}/tasks/{link['task_id']}")
        assert shown.status_code == 200, shown.text
        return dict(shown.json())

    async def task_due() -> str:
        return str((await task())["due_on"])

    assert first < str(TODAY)
    assert (await task())["overdue"] is True
    asked = {"asked_on": str(received + timedelta(days=2))}
    stopped = await post(fiona, f"{NM}/requests/{rid}/clarification", asked)
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["due_on"] is None  # the clock is stopped
    waiting = await task()
    assert waiting["due_on"] is None
    assert waiting["overdue"] is False
    overdue = await fiona.get(f"{NM}/tasks", params={"scope": "team", "overdue": "true"})
    assert link["task_id"] not in {uuid.UUID(t["id"]) for t in overdue.json()["items"]}
    page = await fiona.get(f"{PAGES}/task-list/{link['task_id']}")
    assert summary_list(page)["Due"] == "No due date while the clock is stopped"
    answered = {**asked, "received_on": str(TODAY - timedelta(days=1))}
    restarted = await post(fiona, f"{NM}/requests/{rid}/clarification", answered)
    assert restarted.status_code == 200, restarted.text
    later = restarted.json()["due_on"]
    assert later is not None
    assert later > first
    assert await task_due() == later


async def test_an_extension_is_recorded_once_within_the_deadline_before_any_extension(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Review finding: an extension could be recorded again after the original deadline,
    because it was compared with the extended one."""
    import time_machine

    then = datetime.now(UTC) - timedelta(days=40)
    with time_machine.travel(then, tick=True):
        received = service_today()
        rid = await logged(fiona, (await new_case(aisha))["id"], received)
        step = {"confirmed_on": str(received), "evidence": "Passport"}
        assert (await post(fiona, f"{NM}/requests/{rid}/identity", step)).status_code == 200
        first = await post(fiona, f"{NM}/requests/{rid}/extension", {"months": 1, "reason": "Many"})
        assert first.status_code == 200, first.text
    # The first month is over (the extended deadline is not): no second extension.
    assert date.fromisoformat(first.json()["due_on"]) >= TODAY
    again = await post(fiona, f"{NM}/requests/{rid}/extension", {"months": 2, "reason": "More"})
    assert again.status_code == 400, again.text
    assert "months" in again.json()["errors"]
    shown = await fiona.get(f"{NM}/requests/{rid}")
    assert shown.json()["due_on"] == first.json()["due_on"]


async def test_a_date_received_long_ago_is_refused(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case_id = (await new_case(aisha))["id"]
    for received in (TODAY - timedelta(days=367), date(1999, 12, 31), date(1, 1, 1)):
        answer = await post(fiona, f"{NM}/requests", sar(case_id, received))
        assert answer.status_code == 400, received
        assert "received_on" in answer.json()["errors"]
    year_ago = await post(fiona, f"{NM}/requests", sar(case_id, TODAY - timedelta(days=365)))
    assert year_ago.status_code == 201, year_ago.text
