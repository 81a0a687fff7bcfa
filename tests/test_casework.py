"""Case work through the HTTP app and the real database: need-to-know, audit, the records."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.core.clock import service_today
from tests.helpers.casework import as_tenant, case_audit, enquiry, new_case
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

NM = "/t/northmoor/api"


async def test_need_to_know_assigned_manager_and_restricted(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    case_id = case["id"]
    assert case["reference"].startswith(f"NOR-{service_today().year}-")
    assert [a["staff_name"] for a in case["assignments"]] == ["Aisha Rahman"]
    assert case["subject"]["safe_contact"]["may_leave_voicemail"] is False
    assert case["subject"]["safe_contact"]["note"] == "Do not leave messages at home"
    assert case["people"][0]["relationship"] == "parent_or_carer"

    own = await aisha.get(f"{NM}/cases/{case_id}")
    assert own.status_code == 200
    assert own.json()["grounds"] == "assigned"

    managed = await fiona.get(f"{NM}/cases/{case_id}")
    assert managed.status_code == 200
    assert managed.json()["grounds"] == "manager"

    refused = await tom.get(f"{NM}/cases/{case_id}")
    assert refused.status_code == 403
    body = refused.json()
    assert body["restricted"] is True
    assert body["case_id"] == case_id
    assert case["reference"] not in refused.text
    assert "Okafor" not in refused.text

    reads = await case_audit(owner_conn, tenants["northmoor"], case_id)
    assert [(r["action"], r["grounds"], r["subject"]) for r in reads] == [
        ("case_created", "assigned", "northmoor-cw-1"),
        ("consent_not_asked", "assigned", "northmoor-cw-1"),
        ("case_read", "assigned", "northmoor-cw-1"),
        ("case_read", "manager", "northmoor-manager"),
        ("case_access_refused", None, "northmoor-cw-2"),
    ]
    assert reads[2]["reason_code"] == "api"


async def test_break_glass_opens_alerts_and_is_in_the_history_until_it_expires(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    case_id = case["id"]
    path = f"{NM}/cases/{case_id}"

    short = await post(tom, f"{path}/break-glass", {"reason": "need it"})
    assert short.status_code == 400
    assert "reason" in short.json()["errors"]
    assert (await tom.get(path)).status_code == 403

    reason = "Covering Aisha's caseload while she is on leave"
    grant = await post(tom, f"{path}/break-glass", {"reason": reason})
    assert grant.status_code == 201, grant.text
    granted = grant.json()
    hours = (
        datetime.fromisoformat(granted["expires_at"])
        - datetime.fromisoformat(granted["granted_at"])
    ) / timedelta(hours=1)
    assert hours == 4  # the tenant's default time box

    opened = await tom.get(path)
    assert opened.status_code == 200
    assert opened.json()["grounds"] == "break_glass"

    managers_only = await tom.get(f"{NM}/break-glass-alerts")
    assert managers_only.status_code == 403
    alerts = (await fiona.get(f"{NM}/break-glass-alerts?limit=100")).json()
    mine = [a for a in alerts["items"] if a["case_id"] == case_id]
    assert len(mine) == 1
    assert mine[0]["staff_name"] == "Tom Hargreaves"
    assert mine[0]["case_reference"] == case["reference"]
    assert mine[0]["reason"] == reason

    history = await fiona.get(f"{path}/access-history?limit=100")
    assert history.status_code == 200
    lines = history.json()["items"]
    assert any(
        e["action"] == "case_read"
        and e["grounds"] == "break_glass"
        and e["actor_name"] == "Tom Hargreaves"
        for e in lines
    )
    assert any(e["action"] == "break_glass" for e in lines)
    assert lines[0]["action"] == "case_access_history_read"  # reading it is itself audited
    assert (await tom.get(f"{path}/access-history")).status_code == 403

    # Managers need no break-glass; it is refused with a clear error.
    needless = await post(fiona, f"{path}/break-glass", {"reason": reason})
    assert needless.status_code == 400
    assert "Managers" in needless.json()["errors"]["case"]

    # Aged past its time box (as the owner: the app cannot change append-only rows).
    await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "UPDATE break_glass_grants SET granted_at = now() - interval '10 hours',"
        " expires_at = now() - interval '6 hours' WHERE case_id = $1",
        uuid.UUID(case_id),
    )
    expired = await tom.get(path)
    assert expired.status_code == 403
    assert expired.json()["restricted"] is True

    reads = await case_audit(owner_conn, tenants["northmoor"], case_id)
    assert ("case_read", "break_glass", "northmoor-cw-2") in [
        (r["action"], r["grounds"], r["subject"]) for r in reads
    ]
    assert ("break_glass", "break_glass", "northmoor-cw-2") in [
        (r["action"], r["grounds"], r["subject"]) for r in reads
    ]


async def test_the_tenant_admin_role_alone_opens_no_case(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    path = f"{NM}/cases/{case['id']}"
    assert (await gareth.get(path)).status_code == 403
    assert (await post(gareth, f"{path}/break-glass", {"reason": "x" * 20})).status_code == 403
    assert (await gareth.get(f"{NM}/cases")).status_code == 403
    assert (await post(gareth, f"{NM}/enquiries", enquiry())).status_code == 403


async def test_another_tenants_case_is_the_same_not_found_as_a_random_id(
    aisha: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    other = await bronwen.get(f"/t/eastdale/api/cases/{case['id']}")
    missing = await bronwen.get(f"/t/eastdale/api/cases/{uuid.uuid4()}")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    glass = await post(
        bronwen, f"/t/eastdale/api/cases/{case['id']}/break-glass", {"reason": "x" * 20}
    )
    assert glass.status_code == 404
    history = await bronwen.get(f"/t/eastdale/api/cases/{case['id']}/access-history")
    assert history.status_code == 404


async def test_a_professional_referral_needs_the_familys_consent(
    aisha: httpx.AsyncClient,
) -> None:
    refused = await post(aisha, f"{NM}/enquiries", enquiry(referral_route="early_help"))
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert set(errors) >= {"referrer_consent_confirmed", "referrer_name", "referrer_consent_on"}

    accepted = await new_case(
        aisha,
        referral_route="professional",
        referrer_consent_confirmed=True,
        referrer_name="J. Patel, SENCo",
        referrer_consent_on="2026-01-10",
    )
    assert accepted["referral_route"] == "professional"
    assert accepted["referrer_consent_confirmed"] is True

    bad = await post(aisha, f"{NM}/enquiries", enquiry(topics=["Astrology"], support_level=7))
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"topics", "support_level"}
    nameless = enquiry()
    nameless["young_person"]["first_name"] = " "
    missing = await post(aisha, f"{NM}/enquiries", nameless)
    assert missing.json()["errors"] == {"young_person.first_name": "Enter a first name"}


async def test_an_anonymous_enquiry_records_no_one(aisha: httpx.AsyncClient) -> None:
    case = await new_case(
        aisha, anonymous=True, young_person=None, parents=[], contacted_by="young_person"
    )
    assert case["anonymous"] is True
    assert case["subject"] is None
    assert case["people"] == []
    named = await post(aisha, f"{NM}/enquiries", enquiry(anonymous=True))
    assert named.status_code == 400
    assert "anonymous" in named.json()["errors"]
    nobody = await post(aisha, f"{NM}/enquiries", enquiry(young_person=None, parents=[]))
    assert "young_person" in nobody.json()["errors"]


async def test_references_are_unique_and_sequential_per_tenant(
    aisha: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    """Each tenant numbers its own cases: one tenant's enquiries never use up, skip or
    repeat another's numbers, and each reference carries its own tenant's prefix."""
    ed = "/t/eastdale/api"

    def number(case: dict[str, Any]) -> int:
        return int(case["reference"].rsplit("-", 1)[1])

    async def eastdale_case() -> dict[str, Any]:
        response = await post(bronwen, f"{ed}/enquiries", enquiry())
        assert response.status_code == 201, response.text
        made: dict[str, Any] = response.json()
        return made

    first, east_first = await new_case(aisha), await eastdale_case()
    second, east_second = await new_case(aisha), await eastdale_case()
    third = await new_case(aisha)
    year = service_today().year
    assert first["reference"].startswith(f"NOR-{year}-")
    assert east_first["reference"].startswith(f"EAS-{year}-")
    assert [number(first) + n for n in (1, 2)] == [number(second), number(third)]
    assert number(east_second) == number(east_first) + 1
    # The same number may exist in both tenants; within a tenant it is never repeated.
    listed = (await aisha.get(f"{NM}/cases", params={"limit": 100})).json()["items"]
    references = [c["reference"] for c in listed]
    assert len(references) == len(set(references))


async def test_a_corrected_note_keeps_the_old_version(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha)
    path = f"{NM}/cases/{case['id']}"
    note = await post(aisha, f"{path}/notes", {"body": "Called school; SENCo away until Monday"})
    assert note.status_code == 201, note.text
    note_id = note.json()["note_id"]
    assert (await post(aisha, f"{path}/notes", {"body": "  "})).json()["errors"]["body"]

    reasonless = await post(
        aisha, f"{path}/notes/{note_id}/corrections", {"body": "x", "reason": ""}
    )
    assert reasonless.status_code == 400
    assert "reason" in reasonless.json()["errors"]
    corrected = await post(
        aisha,
        f"{path}/notes/{note_id}/corrections",
        {"body": "Called school; SENCo away until Tuesday", "reason": "Wrong day recorded"},
    )
    assert corrected.status_code == 201, corrected.text
    view = corrected.json()
    assert view["current"]["version"] == 2
    assert view["current"]["correction_reason"] == "Wrong day recorded"
    assert view["current"]["corrected"] is False
    [old] = view["history"]
    assert old["version"] == 1
    assert old["body"] == "Called school; SENCo away until Monday"
    assert old["corrected"] is True

    unknown = await post(
        aisha, f"{path}/notes/{uuid.uuid4()}/corrections", {"body": "x", "reason": "because"}
    )
    assert unknown.status_code == 404

    full = (await aisha.get(path)).json()
    [only] = full["notes"]
    assert only["current"]["version"] == 2
    assert len(only["history"]) == 1
    rows = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT version, body FROM case_notes WHERE note_id = $1 ORDER BY version",
        uuid.UUID(note_id),
    )
    assert [r["version"] for r in rows] == [1, 2]


async def test_the_parent_view_leaves_out_the_young_persons_side(
    aisha: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.casework.access import CaseRestricted
    from confide.platform.casework.records import parent_view
    from confide.platform.core.db import tenant_transaction
    from confide.platform.identity.schemas import StaffStatus, StaffView
    from confide.tenants.roles import StaffRole

    case = await new_case(aisha, contacted_by="young_person")
    path = f"{NM}/cases/{case['id']}"
    when = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    for side, summary in (("shared", "Talked about the EHC plan"), ("young_person_only", "Secret")):
        contact = {"kind": "phone", "direction": "incoming", "occurred_at": when}
        response = await post(
            aisha, f"{path}/contacts", {**contact, "summary": summary, "side": side}
        )
        assert response.status_code == 201, response.text
        response = await post(aisha, f"{path}/notes", {"body": f"Note: {summary}", "side": side})
        assert response.status_code == 201, response.text
    future = {"kind": "phone", "direction": "incoming", "summary": "x"}
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert (
        "occurred_at"
        in (await post(aisha, f"{path}/contacts", {**future, "occurred_at": later})).json()[
            "errors"
        ]
    )

    staff_view = (await aisha.get(path)).json()
    assert len(staff_view["contacts"]) == len(staff_view["notes"]) == 2

    aisha_id = uuid.UUID(case["assignments"][0]["staff_id"])
    me = StaffView(aisha_id, "Aisha Rahman", None, frozenset({StaffRole.CASEWORKER}),
                   StaffStatus.ACTIVE, None)  # fmt: skip
    async with tenant_transaction(tenants["northmoor"].id):
        for_parent = await parent_view(uuid.UUID(case["id"]), me)
    assert for_parent.parent_view is True
    assert [c.summary for c in for_parent.contacts] == ["Talked about the EHC plan"]
    assert [n.current.body for n in for_parent.notes] == ["Note: Talked about the EHC plan"]
    assert "Secret" not in repr(for_parent)

    # It is still a need-to-know read.
    stranger = StaffView(uuid.uuid4(), "Nobody", None, frozenset({StaffRole.CASEWORKER}),
                         StaffStatus.ACTIVE, None)  # fmt: skip
    with pytest.raises(CaseRestricted):
        async with tenant_transaction(tenants["northmoor"].id):
            await parent_view(uuid.UUID(case["id"]), stranger)


async def test_assignment_my_cases_and_closing(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    path = f"{NM}/cases/{case['id']}"
    tom_id = (await post(tom, f"{path}/break-glass", {"reason": "Who am I? " * 2})).json()[
        "staff_id"
    ]
    assert (await post(tom, f"{path}/assignments", {"staff_id": tom_id})).status_code == 403

    assigned = await post(fiona, f"{path}/assignments", {"staff_id": tom_id})
    assert assigned.status_code == 200, assigned.text
    assert {a["staff_name"] for a in assigned.json() if a["ended_at"] is None} == {
        "Aisha Rahman",
        "Tom Hargreaves",
    }
    again = await post(fiona, f"{path}/assignments", {"staff_id": tom_id})
    assert "staff_id" in again.json()["errors"]
    assert (await tom.get(path)).json()["grounds"] == "assigned"
    listed = (await tom.get(f"{NM}/cases?limit=100")).json()
    assert case["id"] in {c["id"] for c in listed["items"]}

    page = (await aisha.get(f"{NM}/cases?limit=1")).json()
    assert page["limit"] == 1
    assert len(page["items"]) == 1
    assert page["total"] >= 1
    assert (await aisha.get(f"{NM}/cases?limit=0")).status_code == 400

    ended = await post(fiona, f"{path}/assignments", {"staff_id": tom_id, "assigned": False})
    assert ended.status_code == 200
    # The break-glass grant still holds for Tom; it is not "assigned" any more.
    assert (await tom.get(path)).json()["grounds"] == "break_glass"
    assert (await post(tom, f"{path}/close", {"outcome": "Resolved"})).status_code == 403

    assert "outcome" in (await post(aisha, f"{path}/close", {"outcome": ""})).json()["errors"]
    closed = await post(aisha, f"{path}/close", {"outcome": "Advice given; plan agreed"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_on"] is not None
    mine = (await aisha.get(f"{NM}/cases?limit=100")).json()
    assert case["id"] not in {c["id"] for c in mine["items"]}
    late = await post(aisha, f"{path}/notes", {"body": "After closing"})
    assert late.status_code == 400
    # Acts refused by their own checks (Tom's close under break-glass, the note on a closed
    # case) are not in the audit log as done: only Aisha's close is.
    acts = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT a.action, s.subject FROM audit_entries a JOIN staff_users s ON s.id = a.actor_id"
        " WHERE a.subject_id = $1 AND a.action IN ('note_added', 'case_closed')",
        uuid.UUID(case["id"]),
    )
    assert [(a["action"], a["subject"]) for a in acts] == [("case_closed", "northmoor-cw-1")]


async def test_state_changes_need_the_csrf_header(aisha: httpx.AsyncClient) -> None:
    response = await aisha.post(f"{NM}/enquiries", json=enquiry())
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


async def test_the_app_role_cannot_change_or_remove_notes_and_contacts(
    aisha: httpx.AsyncClient, app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha)
    path = f"{NM}/cases/{case['id']}"
    when = datetime.now(UTC).isoformat()
    contact = {"kind": "voicemail", "direction": "incoming", "occurred_at": when, "summary": "VM"}
    assert (await post(aisha, f"{path}/contacts", contact)).status_code == 201
    assert (await post(aisha, f"{path}/notes", {"body": "A note"})).status_code == 201
    for statement in (
        "UPDATE case_notes SET body = 'changed' WHERE case_id = $1",
        "DELETE FROM case_notes WHERE case_id = $1",
        "UPDATE case_contacts SET summary = 'changed' WHERE case_id = $1",
        "DELETE FROM case_contacts WHERE case_id = $1",
        "UPDATE break_glass_grants SET expires_at = now() WHERE case_id = $1",
    ):
        async with app_conn.transaction():
            await app_conn.execute(
                "SELECT set_config('app.tenant_id', $1, true)", str(tenants["northmoor"].id)
            )
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await app_conn.execute(statement, uuid.UUID(case["id"]))


async def test_concurrent_enquiries_get_distinct_references(aisha: httpx.AsyncClient) -> None:
    import asyncio

    responses = await asyncio.gather(*(post(aisha, f"{NM}/enquiries", enquiry()) for _ in range(6)))
    assert [r.status_code for r in responses] == [201] * 6
    references = [r.json()["reference"] for r in responses]
    assert len(set(references)) == 6


async def test_the_break_glass_time_box_is_a_tenant_setting(
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]], tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import get_policy, set_break_glass_hours

    east = tenants["eastdale"]
    async with tenant_transaction(east.id):
        assert (await get_policy()).break_glass_hours == 4
        with pytest.raises(ValueError, match="between 1 and 72"):
            await set_break_glass_hours(0)
        await set_break_glass_hours(2)
    try:
        cw1, cw2 = await sign_in_as("priya"), await sign_in_as("callum")
        response = await post(cw1, "/t/eastdale/api/enquiries", enquiry())
        case_id = response.json()["id"]
        assert response.json()["reference"].startswith("EAS-")
        grant = await post(
            cw2,
            f"/t/eastdale/api/cases/{case_id}/break-glass",
            {"reason": "Duty officer today, family called the helpline"},
        )
        assert grant.status_code == 201, grant.text
        body = grant.json()
        span = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(
            body["granted_at"]
        )
        assert span == timedelta(hours=2)
    finally:
        async with tenant_transaction(east.id):
            await set_break_glass_hours(4)


async def test_search_api_takes_the_one_query_text(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, priya: httpx.AsyncClient
) -> None:
    surname = "Fernyhough" + uuid.uuid4().hex[:4]
    young = {**enquiry()["young_person"], "first_name": "Jayden", "last_name": surname}
    case = await new_case(aisha, young_person=young, parents=[])
    found = await aisha.get(f"{NM}/search", params={"q": f"{surname} Jaden"})
    assert found.status_code == 200, found.text
    body = found.json()
    [hit] = [h for h in body["items"] if h["person_id"]]
    assert (hit["first_name"], hit["last_name"]) == ("Jayden", surname)
    assert [c["case_id"] for c in hit["cases"]] == [case["id"]]
    assert hit["reasons"][0] == "name"
    assert "name sounds like" in hit["reasons"] or "name spelt like" in hit["reasons"]
    assert {"total", "limit", "offset", "next_offset"} <= set(body)
    # No need-to-know: the reference only, nothing of who or why.
    hidden = (await tom.get(f"{NM}/search", params={"q": surname})).json()["items"]
    assert [(h["restricted"], h["person_id"], h["first_name"], h["reasons"]) for h in hidden] == [
        (True, None, None, [])
    ]
    # Another tenant finds nothing of it.
    other = await priya.get("/t/eastdale/api/search", params={"q": surname})
    assert other.status_code == 200
    assert other.json()["items"] == []
    for bad in ("x", "31/02/2015", "\x00"):
        refused = await aisha.get(f"{NM}/search", params={"q": bad})
        assert refused.status_code == 400, bad
        assert list(refused.json()["errors"]) == ["q"]
    assert (await aisha.get(f"{NM}/search")).status_code == 400
