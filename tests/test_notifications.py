"""In-app notifications (issue 15): who is told what, by the act that changes the state (in
its transaction) or by a scheduled job; the header's count, the list and marking read,
each seeing only their own; nothing kept but a case reference; never made twice."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM as API
from tests.helpers.casework import as_tenant, new_case
from tests.helpers.consent import add_note, record_consent, share_body
from tests.helpers.environment import OWNER_URL
from tests.helpers.html import error_summary, page_text, parse
from tests.helpers.http import csrf_token, post
from tests.helpers.sharing import legal_share
from tests.helpers.tenants import TenantRef

NM = "/t/northmoor"
ED = "/t/eastdale"
UNREVIEWED = {"unreviewed": "true", "limit": "100"}


async def _staff_id(owner: asyncpg.Connection, tenant: TenantRef, subject: str) -> UUID:
    [row] = await as_tenant(owner, tenant, "SELECT id FROM staff_users WHERE subject = $1", subject)
    return UUID(str(row["id"]))


async def _mine(http: httpx.AsyncClient, **query: Any) -> list[dict[str, Any]]:
    found = await http.get(f"{API}/notifications", params={"limit": 100, **query})
    assert found.status_code == 200, found.text
    items: list[dict[str, Any]] = found.json()["items"]
    return items


async def _about(http: httpx.AsyncClient, kind: str, subject_id: str) -> list[dict[str, Any]]:
    return [n for n in await _mine(http) if n["kind"] == kind and n["subject_id"] == subject_id]


async def _ask_manager(aisha: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A case whose consent covers schools only, and a share to social care Aisha asks a
    manager to authorise: (case, request)."""
    case = await new_case(aisha)
    note = await add_note(aisha, case["id"], "Worrying bruising seen at meeting")
    await record_consent(aisha, case["id"])
    asked = await post(
        aisha,
        f"{API}/cases/{case['id']}/disclosures",
        share_body("Social care", [("note", note)], ask_manager=True),
    )
    assert asked.status_code == 201, asked.text
    return case, asked.json()


def _header_count(page: httpx.Response) -> str:
    assert page.status_code == 200, page.text
    return parse(page).one("[data-testid=unread-count]").text


async def test_a_share_awaiting_authorisation_tells_every_manager_once_and_no_one_else(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case, request = await _ask_manager(aisha)
    [told] = await _about(fiona, "share_awaiting", request["id"])
    assert told["case_id"] == case["id"]
    assert told["case_reference"] == case["reference"]
    assert told["actor_name"] == "Aisha Rahman"  # rendered at read time from the staff row
    assert told["read_at"] is None
    assert await _about(aisha, "share_awaiting", request["id"]) == []  # the asker knows
    assert await _about(tom, "share_awaiting", request["id"]) == []  # not a manager
    # What is kept: the kind, ids and the case reference; no name, no text of the case.
    [row] = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT * FROM notifications WHERE subject_id = $1",
        UUID(request["id"]),
    )
    kept = {k: v for k, v in dict(row).items() if isinstance(v, str)}
    assert kept == {
        "kind": "share_awaiting",
        "case_reference": case["reference"],
        "subject_key": request["id"],
    }


async def test_break_glass_tells_the_managers(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    grant = await post(
        tom, f"{API}/cases/{case['id']}/break-glass", {"reason": "Covering while Aisha is away"}
    )
    assert grant.status_code == 201, grant.text
    [told] = await _about(fiona, "break_glass", grant.json()["id"])
    assert told["case_reference"] == case["reference"]
    assert told["actor_name"] == "Tom Hargreaves"
    assert await _about(tom, "break_glass", grant.json()["id"]) == []


async def test_a_caseworker_is_told_of_a_case_assigned_to_them_and_of_a_reassignment(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    tom_id = await _staff_id(owner_conn, tenants["northmoor"], "northmoor-cw-2")
    aisha_id = await _staff_id(owner_conn, tenants["northmoor"], "northmoor-cw-1")
    first, second = await new_case(aisha), await new_case(aisha)
    assigned = await post(
        fiona, f"{API}/cases/{first['id']}/assignments", {"staff_id": str(tom_id), "assigned": True}
    )
    assert assigned.status_code == 200, assigned.text
    moved = await post(
        fiona,
        f"{API}/team/reassignments",
        {"case_ids": [second["id"]], "to_staff_id": str(tom_id), "from_staff_id": str(aisha_id)},
    )
    assert moved.status_code == 200, moved.text
    told = [n for n in await _mine(tom) if n["kind"] == "case_assigned"]
    for case in (first, second):
        [one] = [n for n in told if n["case_id"] == case["id"]]
        assert one["case_reference"] == case["reference"]
        assert one["actor_name"] == "Fiona MacLeod"
    # Aisha made both cases (assigned to herself): nobody is told of their own act.
    assert [n for n in await _mine(aisha) if n["case_id"] in (first["id"], second["id"])] == []
    # Moving it again to whoever has it already assigns nothing new, and tells nothing new.
    again = await post(
        fiona, f"{API}/team/reassignments", {"case_ids": [second["id"]], "to_staff_id": str(tom_id)}
    )
    assert again.status_code == 200, again.text
    assert len([n for n in await _mine(tom) if n["case_id"] == second["id"]]) == 1


async def test_the_header_counts_unread_and_the_list_marks_them_read(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    cleared = await post(fiona, f"{API}/notifications/read", {})
    assert cleared.status_code == 200, cleared.text
    assert _header_count(await fiona.get(f"{NM}/dashboard")) == "0"
    _, request = await _ask_manager(aisha)
    _, other = await _ask_manager(aisha)
    assert _header_count(await fiona.get(f"{NM}/dashboard")) == "2"
    assert (await fiona.get(f"{API}/notifications/unread-count")).json() == {"unread": 2}

    listed = await fiona.get(f"{NM}/notifications?show=unread")
    assert _header_count(listed) == "2"
    rows = parse(listed).select("[data-testid=notification-row]")
    assert len(rows) == 2
    assert all(r.get("data-kind") == "share_awaiting" for r in rows)
    assert "A share awaits your authorisation" in page_text(listed)
    [told] = await _about(fiona, "share_awaiting", request["id"])
    link = f"{NM}/cases/{told['case_id']}/disclosures/{request['id']}/authorise"
    assert link in [a.get("href") for a in parse(listed).select("[data-testid=notification-link]")]

    # One marked read from the page (a form, no JavaScript), then the rest.
    token = csrf_token(listed.text)
    done = await fiona.post(f"{NM}/notifications/{told['id']}/read", data={"_csrf_token": token})
    assert done.status_code == 303, done.text
    assert _header_count(await fiona.get(f"{NM}/notifications")) == "1"
    [read] = await _about(fiona, "share_awaiting", request["id"])
    assert read["read_at"] is not None
    done = await fiona.post(f"{NM}/notifications/read", data={"_csrf_token": token})
    assert done.status_code == 303, done.text
    page = await fiona.get(f"{NM}/notifications?show=unread")
    assert _header_count(page) == "0"
    assert parse(page).select("[data-testid=no-notifications]")
    [other_read] = await _about(fiona, "share_awaiting", other["id"])
    assert other_read["read_at"] is not None


async def test_marking_read_is_audited_with_counts_only(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    _, request = await _ask_manager(aisha)
    [told] = await _about(fiona, "share_awaiting", request["id"])
    marked = await post(fiona, f"{API}/notifications/{told['id']}/read", {})
    assert marked.status_code == 200, marked.text
    assert marked.json()["read_at"] is not None
    again = await post(fiona, f"{API}/notifications/read", {"ids": [told["id"]]})
    assert again.json() == {"marked": 0}  # already read: nothing changes, nothing audited
    entries = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT detail FROM audit_entries WHERE action = 'notifications_read' AND subject_id = $1",
        UUID(told["id"]),
    )
    assert len(entries) == 1


async def test_another_persons_or_services_notification_is_not_found_and_never_listed(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    _, request = await _ask_manager(aisha)
    [told] = await _about(fiona, "share_awaiting", request["id"])
    for http, base in ((tom, API), (bronwen, f"{ED}/api")):
        assert (await http.get(f"{base}/notifications/{told['id']}")).status_code == 404
        assert (await post(http, f"{base}/notifications/{told['id']}/read", {})).status_code == 404
        marked = await post(http, f"{base}/notifications/read", {"ids": [told["id"]]})
        assert marked.json() == {"marked": 0}
        assert told["id"] not in [
            n["id"] for n in (await http.get(f"{base}/notifications")).json()["items"]
        ]
    page = await bronwen.get(f"{ED}/notifications")
    token = csrf_token(page.text)
    refused = await bronwen.post(
        f"{ED}/notifications/{told['id']}/read", data={"_csrf_token": token}
    )
    assert refused.status_code == 404
    assert (await _about(fiona, "share_awaiting", request["id"]))[0]["read_at"] is None
    # Row-level security: in Eastdale's transaction, Northmoor's notifications do not exist.
    seen = await as_tenant(
        owner_conn,
        tenants["eastdale"],
        "SELECT id FROM notifications WHERE id = $1",
        UUID(told["id"]),
    )
    assert seen == []


async def test_bad_input_is_a_400_naming_the_field(fiona: httpx.AsyncClient) -> None:
    assert (await fiona.get(f"{NM}/notifications?show=everything")).status_code == 400
    assert (await fiona.get(f"{NM}/notifications?page=0")).status_code == 400
    assert (await fiona.get(f"{API}/notifications?unread=perhaps")).status_code == 400
    bad = await post(fiona, f"{API}/notifications/read", {"ids": ["not-an-id"]})
    assert bad.status_code == 400
    many = await post(
        fiona, f"{API}/notifications/read", {"ids": [str(uuid.uuid4()) for _ in range(101)]}
    )
    assert many.status_code == 400
    assert "ids" in many.json()["errors"]


async def test_the_policy_review_falling_due_tells_the_managers_once_and_not_before(
    fiona: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.notifications.services import policy_review_due
    from confide.tenants.services import get_active_tenant_by_id

    due = date(2001, 2, 3)  # a day of its own: the key is the review's due date
    async with tenant_transaction(tenants["northmoor"].id):
        tenant = await get_active_tenant_by_id(tenants["northmoor"].id)
        assert tenant is not None
        assert await policy_review_due(tenant, due, due - timedelta(days=1)) == 0
        first = await policy_review_due(tenant, due, due)
        again = await policy_review_due(tenant, due, due + timedelta(days=1))
    assert first >= 1  # every active manager: Fiona at least
    assert again == 0
    told = [n for n in await _mine(fiona) if n["kind"] == "policy_review_due"]
    assert len(told) >= 1
    page = await fiona.get(f"{NM}/notifications")
    links = [a.get("href") for a in parse(page).select("[data-testid=notification-link]")]
    assert f"{NM}/policy-review" in links


async def test_the_overdue_job_tells_managers_of_each_overdue_task_once_on_a_real_worker(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    from confide.workers.notifications import tell_client_overdue

    nm = tenants["northmoor"]
    _, _, task = await legal_share(fiona, aisha, owner_conn, nm)
    task_id = task.rsplit("/", 1)[1]
    await as_tenant(
        owner_conn,
        nm,
        "UPDATE tasks SET due_on = $1 WHERE id = $2",  # the one task model (rule 24)
        service_today() - timedelta(days=2),
        UUID(task_id),
    )
    first, second = datetime(1991, 1, 1, tzinfo=UTC), datetime(1991, 1, 2, tzinfo=UTC)
    for period in (first, first, second):  # a redelivery, then the next day's run
        tell_client_overdue.delay(str(nm.id), period.isoformat())
    runs = [
        await _job_run(nm, "notifications.tell_client_overdue", p, worker) for p in (first, second)
    ]
    assert runs[0]["counts"]["notifications_made"] >= 1
    told = await _about(fiona, "tell_client_overdue", task_id)
    assert len(told) == 1, told  # run twice, delivered twice: told once
    assert told[0]["case_reference"]
    page = await fiona.get(f"{NM}/notifications")
    links = [a.get("href") for a in parse(page).select("[data-testid=notification-link]")]
    assert f"{NM}/tasks/{task_id}" in links
    assert await _about(aisha, "tell_client_overdue", task_id) == []  # managers only


async def test_the_policy_review_job_tells_managers_once_on_a_real_worker(
    worker: subprocess.Popen[str],
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """The daily job, delivered twice and run again the next day, tells Eastdale's managers
    once that the review fell due (its last review long ago), and no one at Northmoor."""
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import set_policy_review_months
    from confide.workers.notifications import policy_review_due

    ed = tenants["eastdale"]
    async with tenant_transaction(ed.id):
        await set_policy_review_months(24)  # the row exists, whatever ran before
    mine = f"{ED}/api/notifications"

    async def told() -> int:
        found = await bronwen.get(mine, params={"limit": 100})
        assert found.status_code == 200, found.text
        return sum(n["kind"] == "policy_review_due" for n in found.json()["items"])

    [before] = await as_tenant(owner_conn, ed, "SELECT policy_reviewed_on FROM tenant_policies")
    await as_tenant(owner_conn, ed, "UPDATE tenant_policies SET policy_reviewed_on = '1999-06-15'")
    try:
        already = await told()
        first, second = datetime(1992, 1, 1, tzinfo=UTC), datetime(1992, 1, 2, tzinfo=UTC)
        for period in (first, first, second):  # a redelivery, then the next day's run
            policy_review_due.delay(str(ed.id), period.isoformat())
        runs = [
            await _job_run(ed, "notifications.policy_review_due", p, worker)
            for p in (first, second)
        ]
    finally:
        await as_tenant(
            owner_conn, ed, "UPDATE tenant_policies SET policy_reviewed_on = $1",
            before["policy_reviewed_on"],
        )  # fmt: skip
    assert runs[0]["counts"]["notifications_made"] >= 1  # every active manager: Bronwen too
    assert runs[1]["counts"] == {"notifications_made": 0}  # the same due date: told once
    assert await told() == already + 1
    page = await bronwen.get(f"{ED}/notifications")
    links = [a.get("href") for a in parse(page).select("[data-testid=notification-link]")]
    assert f"{ED}/policy-review" in links


async def _job_run(
    tenant: TenantRef, job: str, period: datetime, proc: subprocess.Popen[str]
) -> dict[str, Any]:
    """The job's succeeded run record for the period, once the worker has made it."""
    conn = await asyncpg.connect(OWNER_URL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = await as_tenant(
                conn,
                tenant,
                "SELECT status, counts FROM job_runs WHERE job = $1 AND period_start = $2",
                job,
                period,
            )
            if rows and rows[0]["status"] == "succeeded":
                return {"status": "succeeded", "counts": json.loads(rows[0]["counts"])}
            assert proc.poll() is None, "the worker died"
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise AssertionError(f"no succeeded run of {job} for {tenant.slug} at {period}")


async def _break_glass(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> tuple[dict[str, Any], str]:
    case = await new_case(aisha)
    grant = await post(
        tom, f"{API}/cases/{case['id']}/break-glass", {"reason": "Covering while Aisha is away"}
    )
    assert grant.status_code == 201, grant.text
    return case, str(grant.json()["id"])


async def test_a_manager_reviews_a_break_glass_use_once_with_a_note_audited(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case, grant_id = await _break_glass(aisha, tom)
    waiting = await fiona.get(
        f"{API}/break-glass-alerts", params={"unreviewed": "true", "limit": 100}
    )
    assert grant_id in [a["id"] for a in waiting.json()["items"]]
    review = f"{API}/break-glass-alerts/{grant_id}/review"
    assert (await post(tom, review, {"note": "Looked at it"})).status_code == 403
    empty = await post(fiona, review, {"note": "  "})
    assert empty.status_code == 400
    assert "note" in empty.json()["errors"]
    done = await post(fiona, review, {"note": "Checked with the team leader: cover agreed"})
    assert done.status_code == 201, done.text
    assert done.json()["reviewed_by_name"] == "Fiona MacLeod"
    assert done.json()["review_note"] == "Checked with the team leader: cover agreed"
    twice = await post(fiona, review, {"note": "Again"})
    assert twice.status_code == 400
    waiting = await fiona.get(
        f"{API}/break-glass-alerts", params={"unreviewed": "true", "limit": 100}
    )
    assert grant_id not in [a["id"] for a in waiting.json()["items"]]
    # The look the notification asked for was taken: it is read.
    [told] = await _about(fiona, "break_glass", grant_id)
    assert told["read_at"] is not None
    entries = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT actor_id, detail FROM audit_entries WHERE action = 'break_glass_reviewed'"
        " AND subject_id = $1",
        UUID(case["id"]),
    )
    assert len(entries) == 1
    assert "Checked" not in str(entries[0]["detail"])  # the note is not in the log


async def test_the_break_glass_log_page_shows_what_still_needs_a_look_and_takes_a_review(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    _, grant_id = await _break_glass(aisha, tom)
    page = await fiona.get(f"{NM}/break-glass?show=unreviewed")
    assert page.status_code == 200, page.text
    form_path = f"{NM}/break-glass/{grant_id}/review"
    assert form_path in [a.get("href") for a in parse(page).select("[data-testid=review-link]")]
    form = await fiona.get(form_path)
    assert form.status_code == 200, form.text
    token = csrf_token(form.text)
    again = await fiona.post(form_path, data={"_csrf_token": token, "note": ""})
    assert again.status_code == 400
    assert error_summary(again) == [("#note", "Enter what you found")]
    saved = await fiona.post(form_path, data={"_csrf_token": token, "note": "Cover agreed"})
    assert saved.status_code == 303, saved.text
    page = await fiona.get(f"{NM}/break-glass?show=unreviewed")
    assert form_path not in [a.get("href") for a in parse(page).select("[data-testid=review-link]")]
    whole = await fiona.get(f"{NM}/break-glass?page=1")
    assert "Reviewed" in page_text(whole)
    assert (await fiona.get(f"{NM}/break-glass?show=maybe")).status_code == 400
    assert (await tom.get(form_path)).status_code == 403


async def test_another_services_break_glass_use_cannot_be_reviewed(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    _, grant_id = await _break_glass(aisha, tom)
    refused = await post(
        bronwen, f"/t/eastdale/api/break-glass-alerts/{grant_id}/review", {"note": "Not ours"}
    )
    assert refused.status_code == 404
    assert (await bronwen.get(f"{ED}/break-glass/{grant_id}/review")).status_code == 404
