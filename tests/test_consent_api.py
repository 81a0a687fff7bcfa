"""Consent and disclosure through the JSON API against the real app and database: every
branch of the disclosure check, versioning, reviews, the manager's override and the
tell-the-client task, with what the database and the audit log hold afterwards."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.core.clock import add_months, service_today
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.consent import (
    add_note,
    audit_actions,
    check,
    consent,
    record_consent,
    send,
    set_review_due,
    share_body,
)
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

TODAY = service_today()


# Consent


async def test_consent_is_versioned_and_its_history_kept(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    app_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    first = await record_consent(aisha, case["id"], decision="full", roles=[])
    assert first["version"] == 1
    assert first["review_due"] == add_months(TODAY, 12).isoformat()
    second = await record_consent(aisha, case["id"], method="signed_form")
    assert second["version"] == 2

    history = (await aisha.get(f"{NM}/cases/{case['id']}/consents")).json()
    assert history["current"]["version"] == 2
    assert history["current"]["decision"] == "restricted"
    assert history["current"]["roles"] == ["School or SENCO"]
    assert [v["version"] for v in history["versions"]] == [2, 1]
    assert history["versions"][1]["decision"] == "full"
    assert history["versions"][0]["recorded_by_name"] == "Aisha Rahman"

    # Versions are never overwritten: the application role may not change or remove one.
    for sql in ("UPDATE consents SET decision = 'full'", "DELETE FROM consents"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await app_conn.execute(sql)
    actions = await audit_actions(owner_conn, tenants["northmoor"], case["id"])
    assert actions.count("consent_recorded") == 2


async def test_consent_fields_are_checked(aisha: httpx.AsyncClient) -> None:
    case = await new_case(aisha)
    url = f"{NM}/cases/{case['id']}/consents"
    cases = [
        (consent(decision="refused", roles=[]), "advised_of_limits"),
        (consent(decision="restricted", roles=[]), "roles"),
        (consent(roles=["Astrologer"]), "roles"),
        (consent(decision="full"), "roles"),  # a full consent names no roles
        (consent(given_on=(TODAY + timedelta(days=2)).isoformat()), "given_on"),
        (consent(parties_told=["Astrologer"]), "parties_told"),
        (consent(decision="refused", roles=[], advised_of_limits=True, parties_told=["Health"]),
         "parties_told"),
    ]  # fmt: skip
    for body, field in cases:
        response = await post(aisha, url, body)
        assert response.status_code == 400, body
        assert field in response.json()["errors"], response.text
    history = (await aisha.get(url)).json()
    assert history["current"] is None
    assert history["versions"] == []
    refused = await record_consent(aisha, case["id"], decision="refused", roles=[],
                                   advised_of_limits=True)  # fmt: skip
    assert refused["decision"] == "refused"
    assert refused["advised_of_limits"] is True


async def test_an_anonymous_enquiry_has_no_one_to_consent(aisha: httpx.AsyncClient) -> None:
    case = await new_case(aisha, anonymous=True, young_person=None, parents=[])
    response = await post(aisha, f"{NM}/cases/{case['id']}/consents", consent())
    assert response.status_code == 400
    assert "case" in response.json()["errors"]


# The disclosure check, branch by branch


async def test_the_disclosure_check_every_branch(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    northmoor = tenants["northmoor"]
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "School agreed to a support plan")

    none = await check(aisha, cid, "School or SENCO", [("note", note)])
    assert (none["allowed"], none["code"]) == (False, "no_consent")
    assert "No consent" in none["reason"]

    await record_consent(aisha, cid, decision="full", roles=[], parties_told=["Health"])
    full = await check(aisha, cid, "Health")
    assert (full["allowed"], full["code"]) == (True, "full")
    assert full["warning"] is None  # they were told it might go to Health
    untold = await check(aisha, cid, "Social care")
    assert (untold["allowed"], untold["code"]) == (True, "full")
    assert "not Social care" in untold["warning"]

    await record_consent(aisha, cid, roles=["School or SENCO", "Social care"])
    includes = await check(aisha, cid, "School or SENCO", [("note", note)])
    assert (includes["allowed"], includes["code"]) == (True, "restricted_includes_role")
    excludes = await check(aisha, cid, "Health", [("note", note)])
    assert (excludes["allowed"], excludes["code"]) == (False, "restricted_excludes_role")
    assert "School or SENCO, Social care" in excludes["reason"]
    assert "Health is not one of them" in excludes["reason"]

    secret = await add_note(aisha, cid, "Told us in confidence", side="young_person_only")
    side = await check(aisha, cid, "School or SENCO", [("note", secret)])
    assert (side["allowed"], side["code"]) == (False, "young_person_side")
    assert "at or over the service's age of 12" in side["reason"]  # Sam is 12

    await record_consent(aisha, cid, decision="refused", roles=[], advised_of_limits=True)
    refused = await check(aisha, cid, "School or SENCO", [("note", note)])
    assert (refused["allowed"], refused["code"]) == (False, "refused")
    assert "refused consent" in refused["reason"]

    await record_consent(aisha, cid, given_by="young_person")
    lapsed_case = cid
    await set_review_due(owner_conn, northmoor, lapsed_case, TODAY - timedelta(days=3))
    lapsed = await check(aisha, cid, "School or SENCO", [("note", note)])
    assert (lapsed["allowed"], lapsed["code"]) == (False, "lapsed")
    assert "due for review" in lapsed["reason"]
    # The young person's own consent covers their confidential side.
    await set_review_due(owner_conn, northmoor, lapsed_case, TODAY + timedelta(days=300))
    own = await check(aisha, cid, "School or SENCO", [("note", secret)])
    assert own["allowed"] is True
    await set_review_due(owner_conn, northmoor, lapsed_case, TODAY - timedelta(days=3))

    # A tenant may relax a lapsed consent to a warning.
    await as_tenant(
        owner_conn,
        northmoor,
        "INSERT INTO tenant_policies (id, tenant_id, lapsed_consent_blocks)"
        " VALUES (gen_random_uuid(), $1, false)"
        " ON CONFLICT DO NOTHING",
        northmoor.id,
    )
    await as_tenant(
        owner_conn, northmoor, "UPDATE tenant_policies SET lapsed_consent_blocks = false"
    )
    try:
        warned = await check(aisha, cid, "School or SENCO", [("note", note)])
        assert (warned["allowed"], warned["code"]) == (True, "lapsed_warning")
        assert "due for review" in warned["warning"]
    finally:
        await as_tenant(
            owner_conn, northmoor, "UPDATE tenant_policies SET lapsed_consent_blocks = true"
        )
    # Unknown roles and items from another case are errors, not refusals.
    bad_role = await post(aisha, f"{NM}/cases/{cid}/disclosure-checks", share_body("Wizard", []))
    assert bad_role.status_code == 400
    other = await new_case(aisha)
    elsewhere = await add_note(aisha, other["id"], "Another family's note")
    response = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosure-checks",
        share_body("School or SENCO", [("note", elsewhere)]),
    )
    assert response.status_code == 400
    assert "items" in response.json()["errors"]


# Sharing


async def test_a_share_the_consent_allows_records_exactly_the_chosen_items(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    first = await add_note(aisha, cid, "Sam finds transitions hard; needs a visual timetable")
    second = await add_note(aisha, cid, "Parent asked for a meeting with the SENCO")
    await add_note(aisha, cid, "Not for the school: family finances")
    given = await record_consent(aisha, cid)
    response = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures",
        share_body("School or SENCO", [("note", first), ("note", second), ("field", "name")]),
    )
    assert response.status_code == 201, response.text
    shared = response.json()
    assert shared["status"] == "allowed"  # decided; nothing has gone yet
    assert shared["shared_at"] is None
    sent = await send(aisha, cid, shared["id"])
    assert sent.status_code == 200, sent.text
    shared = sent.json()
    assert shared["status"] == "shared"
    assert shared["basis"] == "consent"
    assert shared["consent_id"] == given["id"]
    assert shared["consent_version"] == 1
    assert shared["task"] is None  # shared with consent: nobody needs telling
    texts = [item["text"] for item in shared["items"]]
    assert texts == [
        "Sam finds transitions hard; needs a visual timetable",
        "Parent asked for a meeting with the SENCO",
        "Sam Okafor",
    ]
    assert all("finances" not in t for t in texts)

    # The record stays as it was shared, even after the note is corrected.
    await post(
        aisha,
        f"{NM}/cases/{cid}/notes/{first}/corrections",
        {"body": "Corrected text", "reason": "Typo"},
    )
    again = (await aisha.get(f"{NM}/cases/{cid}/disclosures/{shared['id']}")).json()
    assert again["items"][0]["text"] == texts[0]
    log = (await aisha.get(f"{NM}/cases/{cid}/disclosures")).json()
    assert [d["id"] for d in log["items"]] == [shared["id"]]
    assert log["items"][0]["item_count"] == 3
    assert log["total"] == 1
    actions = await audit_actions(owner_conn, tenants["northmoor"], cid)
    assert actions.index("disclosure_allowed") < actions.index("disclosure_sent")


async def test_a_refused_share_records_nothing_but_the_refusal(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Health visitor should know about sleep")
    await record_consent(aisha, cid)
    response = await post(
        aisha, f"{NM}/cases/{cid}/disclosures", share_body("Health", [("note", note)])
    )
    assert response.status_code == 409
    body = response.json()
    assert body["refused"] is True
    assert body["code"] == "restricted_excludes_role"
    assert "Health is not one of them" in body["reason"]
    assert (await aisha.get(f"{NM}/cases/{cid}/disclosures")).json()["total"] == 0
    assert "disclosure_refused" in await audit_actions(owner_conn, tenants["northmoor"], cid)


async def test_a_caseworker_cannot_override_the_consent(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Concern raised at home visit")
    await record_consent(aisha, cid)
    response = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures",
        share_body(
            "Health",
            [("note", note)],
            legal_basis="safeguarding",
            justification="I think there is a risk",
        ),
    )
    assert response.status_code == 403
    assert (await aisha.get(f"{NM}/cases/{cid}/disclosures")).json()["total"] == 0
    actions = await audit_actions(owner_conn, tenants["northmoor"], cid)
    assert "disclosure_override_refused" in actions


@pytest.mark.parametrize(
    "basis", ["safeguarding", "police_request", "court_order", "legal_obligation"]
)
async def test_a_manager_shares_without_consent_on_each_legal_basis(
    basis: str, aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Details the police asked for")
    await record_consent(aisha, cid, decision="refused", roles=[], advised_of_limits=True)
    response = await post(
        fiona,
        f"{NM}/cases/{cid}/disclosures",
        share_body(
            "Police",
            [("note", note)],
            recipient_org="Northmoor Police",
            legal_basis=basis,
            justification="Recorded reason for sharing without consent",
        ),
    )
    assert response.status_code == 201, response.text
    authorised = response.json()
    assert (authorised["status"], authorised["basis"], authorised["legal_basis"]) == (
        "authorised",
        "legal",
        basis,
    )
    assert authorised["authorised_by_name"] == "Fiona MacLeod"
    assert authorised["justification"] == "Recorded reason for sharing without consent"
    assert authorised["task"] is None  # nothing has gone yet: nobody to tell yet
    sent = await send(fiona, cid, authorised["id"], sent_to="DC Shah, Northmoor Police")
    assert sent.status_code == 200, sent.text
    shared = sent.json()
    assert (shared["status"], shared["sent_to"]) == ("shared", "DC Shah, Northmoor Police")
    task = shared["task"]
    assert task["status"] == "open"
    assert task["due_on"] == (TODAY + timedelta(days=5)).isoformat()
    # The assigned caseworker sees the task to tell the family.
    mine = (await aisha.get(f"{NM}/tell-client-tasks", params={"limit": 100})).json()
    assert task["id"] in [t["id"] for t in mine["items"]]


async def test_a_legal_basis_needs_a_justification_and_is_not_for_a_consented_share(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "A note")
    await record_consent(aisha, cid)
    url = f"{NM}/cases/{cid}/disclosures"
    no_reason = await post(
        fiona, url, share_body("Health", [("note", note)], legal_basis="safeguarding")
    )
    assert no_reason.status_code == 400
    assert "justification" in no_reason.json()["errors"]
    needless = await post(
        fiona,
        url,
        share_body(
            "School or SENCO", [("note", note)], legal_basis="safeguarding", justification="x"
        ),
    )
    assert needless.status_code == 400
    assert "legal_basis" in needless.json()["errors"]


async def test_a_caseworker_asks_and_a_manager_authorises_or_declines(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Worrying bruising seen at meeting")
    await record_consent(aisha, cid)
    asked = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures",
        share_body("Social care", [("note", note)], ask_manager=True),
    )
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["status"] == "awaiting_authorisation"
    assert request["basis"] is None
    assert request["check_code"] == "restricted_excludes_role"

    awaiting = (await fiona.get(f"{NM}/disclosures/awaiting-authorisation")).json()
    assert request["id"] in [d["id"] for d in awaiting["items"]]
    assert (await aisha.get(f"{NM}/disclosures/awaiting-authorisation")).status_code == 403

    url = f"{NM}/cases/{cid}/disclosures/{request['id']}"
    decision = {"legal_basis": "safeguarding", "justification": "Risk of serious harm"}
    assert (await post(aisha, f"{url}/authorisation", decision)).status_code == 403
    authorised = await post(fiona, f"{url}/authorisation", decision)
    assert authorised.status_code == 200, authorised.text
    done = authorised.json()
    assert (done["status"], done["basis"], done["legal_basis"]) == (
        "authorised",
        "legal",
        "safeguarding",
    )
    assert done["task"] is None
    sent = await send(aisha, cid, request["id"])  # the caseworker sends it
    assert sent.status_code == 200, sent.text
    assert sent.json()["task"]["status"] == "open"
    again = await post(fiona, f"{url}/authorisation", decision)
    assert again.status_code == 400  # decided once, and only once
    # The refused second attempt is a read in the audit trail, not a second authorisation.
    assert (await audit_actions(owner_conn, tenants["northmoor"], cid)).count(
        "disclosure_authorised"
    ) == 1

    second = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures",
        share_body("Health", [("note", note)], ask_manager=True),
    )
    declined = await post(
        fiona,
        f"{NM}/cases/{cid}/disclosures/{second.json()['id']}/decline",
        {"reason": "No risk that justifies it; ask the family"},
    )
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert declined.json()["task"] is None
    # Tom has no need-to-know for the case: its disclosures are restricted to him.
    assert (await tom.get(f"{NM}/cases/{cid}/disclosures")).status_code == 403


# Telling the service user


async def _task_after_override(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> tuple[str, dict[str, Any]]:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Shared with social care")
    await record_consent(aisha, cid, decision="refused", roles=[], advised_of_limits=True)
    response = await post(
        fiona,
        f"{NM}/cases/{cid}/disclosures",
        share_body(
            "Social care",
            [("note", note)],
            legal_basis="safeguarding",
            justification="Child at risk",
        ),
    )
    assert response.status_code == 201, response.text
    sent = await send(fiona, cid, response.json()["id"])
    assert sent.status_code == 200, sent.text
    return cid, sent.json()["task"]


async def test_the_tell_the_client_task_is_delayed_never_dropped_then_done(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    app_conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    cid, task = await _task_after_override(aisha, fiona)
    url = f"{NM}/tell-client-tasks/{task['id']}"
    later = (TODAY + timedelta(days=30)).isoformat()
    delay = {"reason": "Telling now would put the young person at risk", "new_due_on": later}
    assert (await post(aisha, f"{url}/delay", delay)).status_code == 403
    earlier = await post(fiona, f"{url}/delay", {**delay, "new_due_on": TODAY.isoformat()})
    assert earlier.status_code == 400
    assert "new_due_on" in earlier.json()["errors"]
    delayed = await post(fiona, f"{url}/delay", delay)
    assert delayed.status_code == 200, delayed.text
    body = delayed.json()
    assert body["status"] == "open"
    assert body["due_on"] == later
    assert [d["reason"] for d in body["delays"]] == [delay["reason"]]
    assert body["delays"][0]["previous_due_on"] == task["due_on"]

    # Overdue: highlighted to managers in the open list.
    await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "UPDATE tell_client_tasks SET due_on = $2 WHERE id = $1",
        uuid.UUID(task["id"]),
        TODAY - timedelta(days=1),
    )
    listed = (await fiona.get(f"{NM}/tell-client-tasks", params={"limit": 100})).json()
    [mine] = [t for t in listed["items"] if t["id"] == task["id"]]
    assert mine["overdue"] is True

    # The application can never delete it.
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["northmoor"].id)
        )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await app_conn.execute("DELETE FROM tell_client_tasks")

    bad = await post(aisha, f"{url}/told", {"told_on": "2999-01-01", "told_how": "phone"})
    assert bad.status_code == 400
    assert "told_on" in bad.json()["errors"]
    told = await post(
        aisha,
        f"{url}/told",
        {"told_on": TODAY.isoformat(), "told_how": "phone", "note": "Spoke to mum"},
    )
    assert told.status_code == 200, told.text
    assert told.json()["status"] == "done"
    assert told.json()["told_by_name"] == "Aisha Rahman"
    assert told.json()["overdue"] is False
    twice = await post(aisha, f"{url}/told", {"told_on": TODAY.isoformat(), "told_how": "phone"})
    assert twice.status_code == 400
    still_open = (await fiona.get(f"{NM}/tell-client-tasks", params={"limit": 100})).json()
    assert task["id"] not in [t["id"] for t in still_open["items"]]
    actions = await audit_actions(owner_conn, tenants["northmoor"], cid)
    for action in ("tell_client_task_opened", "tell_client_delayed", "tell_client_done"):
        assert action in actions


# Reviews


async def test_reviews_due_show_for_the_caseworker_and_a_confirmation_renews_consent(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "A note")
    await record_consent(aisha, cid)
    await set_review_due(owner_conn, tenants["northmoor"], cid, TODAY - timedelta(days=2))

    due = (await aisha.get(f"{NM}/consent-reviews", params={"limit": 100})).json()
    [review] = [r for r in due["items"] if r["case_id"] == cid]
    assert review["overdue"] is True
    assert review["subject_name"] == "Sam Okafor"
    theirs = (await tom.get(f"{NM}/consent-reviews", params={"limit": 100})).json()
    assert cid not in [r["case_id"] for r in theirs["items"]]
    assert (await check(aisha, cid, "School or SENCO", [("note", note)]))["code"] == "lapsed"

    confirmed = await post(aisha, f"{NM}/cases/{cid}/consents/reviews", {"note": "Still happy"})
    assert confirmed.status_code == 201, confirmed.text
    renewed = confirmed.json()
    assert renewed["lapsed"] is False
    assert renewed["version"] == 1
    assert renewed["review_due"] > TODAY.isoformat()
    assert renewed["reviews"][0]["outcome"] == "confirmed"
    after = (await aisha.get(f"{NM}/consent-reviews", params={"limit": 100})).json()
    assert cid not in [r["case_id"] for r in after["items"]]
    assert (await check(aisha, cid, "School or SENCO", [("note", note)]))["allowed"] is True


async def test_no_review_without_a_consent(aisha: httpx.AsyncClient) -> None:
    case = await new_case(aisha)
    response = await post(aisha, f"{NM}/cases/{case['id']}/consents/reviews", {})
    assert response.status_code == 400
    assert "consent" in response.json()["errors"]


# Isolation and need-to-know


async def test_other_tenants_and_unassigned_staff_see_nothing(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
) -> None:
    cid, task = await _task_after_override(aisha, fiona)
    log = (await fiona.get(f"{NM}/cases/{cid}/disclosures")).json()
    disclosure_id = log["items"][0]["id"]
    ED = "/t/eastdale/api"
    nowhere = str(uuid.uuid4())
    for path, missing_path in (
        (f"/cases/{cid}/consents", f"/cases/{nowhere}/consents"),
        (f"/cases/{cid}/disclosures", f"/cases/{nowhere}/disclosures"),
        (f"/cases/{cid}/disclosures/{disclosure_id}", f"/cases/{cid}/disclosures/{nowhere}"),
        (f"/tell-client-tasks/{task['id']}", f"/tell-client-tasks/{nowhere}"),
    ):
        response = await bronwen.get(ED + path)
        missing = await bronwen.get(ED + missing_path)
        assert response.status_code == missing.status_code == 404, path
        assert response.json() == missing.json()  # another tenant's is just "not found"
    eastdale_tasks = (await bronwen.get(f"{ED}/tell-client-tasks")).json()
    assert task["id"] not in [t["id"] for t in eastdale_tasks["items"]]

    for path in (f"/cases/{cid}/consents", f"/tell-client-tasks/{task['id']}"):
        restricted = await tom.get(NM + path)
        assert restricted.status_code == 403
        assert restricted.json()["restricted"] is True
    told = await post(
        tom, f"{NM}/tell-client-tasks/{task['id']}/told",
        {"told_on": TODAY.isoformat(), "told_how": "phone"},
    )  # fmt: skip
    assert told.status_code == 403
    assert (await post(tom, f"{NM}/cases/{cid}/consents", consent())).status_code == 403


async def test_break_glass_reads_but_does_not_speak_for_the_family(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    cid, task = await _task_after_override(aisha, fiona)
    reason = "Duty worker: the family rang while Aisha is on leave"
    opened = await post(tom, f"{NM}/cases/{cid}/break-glass", {"reason": reason})
    assert opened.status_code == 201
    assert (await tom.get(f"{NM}/cases/{cid}/consents")).status_code == 200
    assert (await post(tom, f"{NM}/cases/{cid}/consents", consent())).status_code == 403
    assert (await post(tom, f"{NM}/cases/{cid}/consents/reviews", {})).status_code == 403
    told = {"told_on": TODAY.isoformat(), "told_how": "phone"}
    assert (await post(tom, f"{NM}/tell-client-tasks/{task['id']}/told", told)).status_code == 403
    history = (await aisha.get(f"{NM}/cases/{cid}/consents")).json()
    assert len(history["versions"]) == 1


async def test_nobody_was_told_before_the_share_was_sent(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    _, task = await _task_after_override(aisha, fiona)
    early = {"told_on": (TODAY - timedelta(days=1)).isoformat(), "told_how": "letter"}
    response = await post(aisha, f"{NM}/tell-client-tasks/{task['id']}/told", early)
    assert response.status_code == 400
    assert "before the information was shared" in response.json()["errors"]["told_on"]


async def test_a_task_about_the_young_persons_confidences_says_to_tell_them(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    secret = await add_note(aisha, case["id"], "Told us about self-harm", side="young_person_only")
    await record_consent(aisha, case["id"], given_by="young_person")
    response = await post(
        fiona,
        f"{NM}/cases/{case['id']}/disclosures",
        share_body(
            "Health",
            [("note", secret)],
            legal_basis="safeguarding",
            justification="Risk of serious harm to the young person",
        ),
    )
    assert response.status_code == 201, response.text
    sent = await send(fiona, case["id"], response.json()["id"])
    task = sent.json()["task"]
    assert task["young_person_items"] is True
    page = await aisha.get(f"/t/northmoor/tasks/{task['id']}")
    assert "Tell the young person, not their parent or carer." in page.text
