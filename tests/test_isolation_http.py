"""Through the HTTP app: a tenant's address only ever reaches that tenant's data."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import a_minute_ago
from tests.helpers.http import csrf_token, http_client, post
from tests.helpers.tenants import TenantRef


async def _heartbeat(owner: asyncpg.Connection, tenant: TenantRef) -> uuid.UUID:
    row_id = uuid.uuid4()
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        await owner.execute(
            "INSERT INTO housekeeping_heartbeats (id, tenant_id, period_start, task_id)"
            " VALUES ($1, $2, $3, 'http-test')",
            row_id,
            tenant.id,
            datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=secrets.randbelow(10**9)),
        )
    return row_id


async def test_a_tenant_sees_only_its_own_rows(
    fiona: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    north_row = await _heartbeat(owner_conn, tenants["northmoor"])
    east_row = await _heartbeat(owner_conn, tenants["eastdale"])

    own = await fiona.get(f"/t/northmoor/api/housekeeping/heartbeats/{north_row}")
    assert own.status_code == 200
    assert own.json()["id"] == str(north_row)

    other = await fiona.get(f"/t/northmoor/api/housekeeping/heartbeats/{east_row}")
    missing = await fiona.get(f"/t/northmoor/api/housekeeping/heartbeats/{uuid.uuid4()}")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()

    listed = (await bronwen.get("/t/eastdale/api/housekeeping/heartbeats?limit=100")).json()
    ids = {item["id"] for item in listed["items"]}
    assert str(east_row) in ids
    assert str(north_row) not in ids

    # Northmoor's session asking at eastdale's address is no one there.
    crossing = await fiona.get(
        "/t/eastdale/api/housekeeping/heartbeats",
        cookies={"confide_session": fiona.cookies["confide_session"]},
    )
    assert crossing.status_code == 401


async def test_the_api_needs_a_signed_in_member_of_staff(client: httpx.AsyncClient) -> None:
    response = await client.get("/t/northmoor/api/housekeeping/heartbeats")
    assert response.status_code == 401
    assert response.json()["status_code"] == 401


async def _northmoor_rows(owner: asyncpg.Connection, tenant: TenantRef) -> dict[str, str]:
    """A fingerprint of every row of every tenant table that belongs to ``tenant``."""
    tables = await owner.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'"
        " WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1"
    )
    prints: dict[str, str] = {}
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        for table in tables:
            name = table["relname"]
            prints[name] = await owner.fetchval(
                f"SELECT count(*) || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text),"
                f" '')) FROM \"{name}\" t"
            )
    return prints


async def _northmoor_case_work(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> dict[str, str]:
    """Real northmoor ids: a case with a note and consent, a request awaiting a manager, a
    share allowed and not sent, a legal-basis share sent (with its task), a caseworker."""
    from tests.helpers.casework import new_case
    from tests.helpers.consent import add_note, record_consent, send, share_body
    from tests.helpers.http import post as api_post

    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Northmoor's note")
    await record_consent(aisha, cid)
    url = f"/t/northmoor/api/cases/{cid}/disclosures"
    asked = await api_post(aisha, url, share_body("Health", [("note", note)], ask_manager=True))
    allowed = await api_post(aisha, url, share_body("School or SENCO", [("note", note)]))
    legal = share_body(
        "Social care", [("note", note)], legal_basis="safeguarding", justification="Risk"
    )
    authorised = await api_post(fiona, url, legal)
    sent = await send(fiona, cid, authorised.json()["id"])
    person = case["people"][0]["person"]["id"]
    household = await api_post(aisha, "/t/northmoor/api/households", {
        "name": "Northmoor's family", "members": [{"person_id": person, "relationship": "parent"}]
    })  # fmt: skip
    contact = await api_post(
        aisha,
        f"/t/northmoor/api/cases/{cid}/contacts",
        {
            "kind": "phone",
            "direction": "incoming",
            "occurred_at": "2026-01-05T10:00:00+00:00",
            "summary": "Northmoor's call",
        },
    )
    return {
        "household_id": household.json()["id"],
        "case_id": cid,
        "note_id": note,
        "person_id": case["subject"]["id"],
        "contact_id": contact.json()["id"],
        "awaiting_id": asked.json()["id"],
        "allowed_id": allowed.json()["id"],
        "task_id": sent.json()["task"]["id"],
        "user_id": case["assignments"][0]["staff_id"],
    }


async def _northmoor_school(gareth: httpx.AsyncClient) -> str:
    """A school in northmoor's directory (issue 14)."""
    from tests.helpers.schools import gias_csv, import_api, new_urns, school_row, schools_named

    [urn] = new_urns(1)
    done = await import_api(gareth, "northmoor", gias_csv([school_row(urn, f"Ours {urn}")]))
    assert done.status_code == 200, done.text
    [school] = await schools_named(gareth, "northmoor", urn)
    return str(school["id"])


def _write_routes() -> list[tuple[str, str]]:
    """Every state-changing route under a tenant, as (method, path after /t/{tenant_slug})."""
    from confide.platform.app import create_litestar

    prefix = "/t/{tenant_slug:str}"
    return sorted(
        (method, route.path[len(prefix) :])
        for route in create_litestar().routes
        for method in getattr(route, "methods", ())
        if method in {"POST", "PUT", "PATCH", "DELETE"} and route.path.startswith(prefix)
    )


def _bodies(ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """A body each write route would accept for its own tenant's records: were isolation
    broken, these would change northmoor's rows."""
    today, later = service_today(), service_today() + timedelta(days=30)

    def day(name: str, when: date) -> dict[str, str]:
        return {
            f"{name}-day": str(when.day),
            f"{name}-month": str(when.month),
            f"{name}-year": str(when.year),
        }

    consent = {
        "decision": "full",
        "given_by": "parent",
        "method": "verbal",
        "given_on": today.isoformat(),
    }
    share = {
        "recipient_org": "Eastdale Police",
        "recipient_role": "Police",
        "purpose": "Asked",
        "items": [{"kind": "note", "id": ids["note_id"]}],
        "legal_basis": "police_request",
        "justification": "A written request",
    }
    return {
        # The JSON API.
        "/api/cases/{case_id:uuid}/assignments": {"staff_id": ids["user_id"], "assigned": False},
        "/api/cases/{case_id:uuid}/break-glass": {"reason": "Looking into a complaint today"},
        "/api/cases/{case_id:uuid}/capacity": {
            "has_capacity": True,
            "judged_on": str(today),
            "note": "Judged at a meeting",
        },
        "/api/cases/{case_id:uuid}/close": {"outcome": "Closed from another service"},
        "/api/cases/{case_id:uuid}/consents": consent,
        "/api/cases/{case_id:uuid}/consents/reviews": {"note": "Confirmed"},
        "/api/cases/{case_id:uuid}/contacts": {
            "kind": "phone",
            "direction": "outgoing",
            "occurred_at": a_minute_ago(),
            "summary": "Rang them",
        },
        "/api/cases/{case_id:uuid}/disclosure-checks": share,
        "/api/cases/{case_id:uuid}/disclosures": share,
        "/api/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/authorisation": {
            "legal_basis": "safeguarding",
            "justification": "Risk",
        },
        "/api/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/cancel": {"reason": "No"},
        "/api/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/decline": {"reason": "No"},
        "/api/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/sent": {
            "sent_on": str(today),
            "method": "post",
            "sent_to": "Someone else",
        },
        "/api/cases/{case_id:uuid}/notes": {"body": "Written from another service"},
        "/api/cases/{case_id:uuid}/notes/{note_id:uuid}/corrections": {
            "body": "Changed",
            "reason": "Because",
        },
        # Issue 14: a case's life.
        "/api/cases/{case_id:uuid}": {"reason": "From another service", "support_level": 4},
        "/api/cases/{case_id:uuid}/people/{person_id:uuid}": {
            "reason": "From another service",
            "first_name": "Changed",
        },
        "/api/cases/{case_id:uuid}/contacts/{contact_id:uuid}/corrections": {
            "kind": "email",
            "direction": "incoming",
            "occurred_at": a_minute_ago(),
            "summary": "Changed",
            "reason": "From another service",
        },
        "/api/cases/{case_id:uuid}/reopen": {"reason": "From another service"},
        "/api/cases/{case_id:uuid}/returning": {"contacted_by": "parent", "topics": ["Transport"]},
        "/api/tell-client-tasks/{task_id:uuid}/delay": {
            "reason": "Later",
            "new_due_on": str(later),
        },
        "/api/tell-client-tasks/{task_id:uuid}/told": {"told_on": str(today), "told_how": "phone"},
        "/api/cases/{case_id:uuid}/tasks": {"title": "From another service", "due_on": str(today)},
        "/api/tasks/{task_id:uuid}/done": {},
        "/api/cases/{case_id:uuid}/must-not-be-told": {"person_id": ids["person_id"]},
        "/api/cases/{case_id:uuid}/people": {"person_id": ids["person_id"]},
        "/api/households/{household_id:uuid}/members": {
            "person_id": ids["person_id"],
            "relationship": "carer",
        },
        "/api/cases/{case_id:uuid}/households/{household_id:uuid}/members": {
            "members": [{"person_id": ids["person_id"], "relationship": "sibling"}],
        },
        # The pages.
        "/admin/staff/{user_id:uuid}/status": {"status": "suspended"},
        "/cases/{case_id:uuid}/assignments": {"staff_id": ids["user_id"], "assigned": "false"},
        "/cases/{case_id:uuid}/break-glass": {"reason": "Looking into a complaint today"},
        "/cases/{case_id:uuid}/capacity": {
            "has_capacity": "yes",
            "note": "Judged",
            **day("judged_on", today),
        },
        "/cases/{case_id:uuid}/close": {"outcome": "Closed from another service"},
        "/cases/{case_id:uuid}/consent/new": {
            "consent-decision": "full",
            "consent-given_by": "parent",
            "consent-method": "verbal",
            **day("consent-given_on", today),
        },
        "/cases/{case_id:uuid}/consent/review": {"changed": "confirmed"},
        "/cases/{case_id:uuid}/contacts": {
            "kind": "phone",
            "direction": "outgoing",
            "summary": "Rang them",
        },
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/authorise": {
            "legal_basis": "safeguarding",
            "justification": "Risk",
        },
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/cancel": {"reason": "No"},
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/decline": {"reason": "No"},
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/sent": {
            "method": "post",
            "sent_to": "Someone else",
            **day("sent_on", today),
        },
        "/cases/{case_id:uuid}/notes": {"body": "Written from another service"},
        "/cases/{case_id:uuid}/notes/{note_id:uuid}/corrections": {
            "body": "Changed",
            "reason": "Because",
        },
        "/cases/{case_id:uuid}/share": {
            "recipient_org": "Eastdale Police",
            "recipient_role": "Police",
            "purpose": "Asked",
            "items": f"note:{ids['note_id']}",
            "action": "share",
            "legal_basis": "police_request",
            "justification": "A written request",
        },
        # The schools directory and the team view (issue 14).
        "/api/cases/{case_id:uuid}/people/{person_id:uuid}/school": {"school_id": None},
        "/api/schools/{school_id:uuid}/senco": {"senco_name": "Someone else"},
        "/api/team/reassignments": {"case_ids": [ids["case_id"]], "to_staff_id": ids["user_id"]},
        "/cases/{case_id:uuid}/people/{person_id:uuid}/school": {"school_id": "none"},
        "/schools/{school_id:uuid}": {"senco_name": "Someone else"},
        "/team/reassign": {"case_ids": ids["case_id"], "to_staff_id": ids["user_id"]},
        # Issue 14: a case's life.
        "/cases/{case_id:uuid}/contacts/{contact_id:uuid}/corrections": {
            "kind": "email",
            "direction": "incoming",
            "summary": "Changed",
            "reason": "From another service",
            **day("occurred_on", today),
        },
        "/cases/{case_id:uuid}/details": {
            "contacted_by": "parent",
            "referral_route": "self",
            "topics": "Transport",
            "support_level": "4",
            "reason": "From another service",
        },
        "/cases/{case_id:uuid}/people/{person_id:uuid}": {
            "first_name": "Changed",
            "last_name": "Elsewhere",
            "reason": "From another service",
        },
        "/cases/{case_id:uuid}/reopen": {"reason": "From another service"},
        "/cases/{case_id:uuid}/returning": {
            "contacted_by": "parent",
            "topics": "Transport",
            "support_level": "1",
        },
        "/tasks/{task_id:uuid}/delay": {"reason": "Later", **day("new_due_on", later)},
        "/cases/{case_id:uuid}/household": {
            "name": "Stolen",
            f"member-{ids['person_id']}": "parent",
        },
        "/cases/{case_id:uuid}/households/{household_id:uuid}/members": {
            f"member-{ids['person_id']}": "sibling",
        },
        "/cases/{case_id:uuid}/people/link": {
            "first_name": "Ada",
            "last_name": "Okafor",
            "person_id": ids["person_id"],
        },
        "/cases/{case_id:uuid}/people/must-not-be-told": {
            "person_id": ids["person_id"],
            "must_not_be_told": "yes",
        },
        "/people/{person_id:uuid}/merge": {
            "merged_id": ids["person_id"],
            "reason": "The same person twice",
        },
        "/tasks/{task_id:uuid}/told": {"told_how": "phone", **day("told_on", today)},
        "/cases/{case_id:uuid}/tasks": {"title": "From another service", **day("due_on", today)},
        "/cases/{case_id:uuid}/requests": {
            "kind": "subject_access",
            "requester_name": "From another service",
            "relation": "parent",
            "channel": "post",
            **day("received_on", today),
        },
        "/requests/{request_id:uuid}/clarification": day("asked_on", today),
        "/requests/{request_id:uuid}/extension": {"months": "1", "reason": "Complex"},
        "/requests/{request_id:uuid}/close": {"outcome": "From another service"},
        "/requests/{request_id:uuid}/identity": {
            "evidence": "Passport",
            **day("confirmed_on", today),
        },
        "/task-list/{task_id:uuid}/done": {},
        # Issue 15: notifications and break-glass reviews.
        "/api/notifications/{notification_id:uuid}/read": {},
        "/notifications/{notification_id:uuid}/read": {},
        "/api/break-glass-alerts/{grant_id:uuid}/review": {"note": "Not ours"},
        "/break-glass/{grant_id:uuid}/review": {"note": "Not ours"},
        # Issue 16: documents (multipart; a JSON or form body carries no file, and the
        # case is not found before any file would be read).
        "/api/cases/{case_id:uuid}/documents": {"kind": "report"},
        "/api/cases/{case_id:uuid}/documents/{document_id:uuid}/versions": {},
        "/cases/{case_id:uuid}/documents": {"kind": "report"},
        "/cases/{case_id:uuid}/documents/{document_id:uuid}/versions": {},
        # Issue 17: information requests (the API only).
        "/api/requests": {
            "kind": "subject_access",
            "requester_name": "From another service",
            "relation": "parent",
            "received_on": str(today),
            "channel": "email",
            "case_id": ids["case_id"],
        },
        "/api/requests/{request_id:uuid}/identity": {
            "confirmed_on": str(today),
            "evidence": "Passport",
        },
        "/api/requests/{request_id:uuid}/clarification": {"asked_on": str(today)},
        "/api/requests/{request_id:uuid}/extension": {"months": 1, "reason": "Complex"},
        "/api/requests/{request_id:uuid}/close": {"outcome": "From another service"},
        "/api/requests/{request_id:uuid}/documents": {"kind": "signed_consent"},
        "/api/requests/{request_id:uuid}/foi-response": {"text": "From another service"},
        "/requests/{request_id:uuid}/foi-response": {"text": "From another service"},
        "/requests/{request_id:uuid}/documents": {"kind": "signed_consent"},
        "/requests/{request_id:uuid}/release": {"ground": "user_asked"},
        "/api/requests/{request_id:uuid}/release": {
            "ground": "user_asked",
            "recipient_org": "From another service",
            "recipient_role": "Solicitor",
            "items": [{"kind": "field", "id": "name"}],
            "sent_on": str(today),
            "method": "post",
            "sent_to": "From another service",
            "justification": "Asked by phone",
            "given_by": "parent",
        },
        # Issue 17: subject access's own steps (rule 30).
        "/api/requests/{request_id:uuid}/subject-access/agreement": {
            "agreed_on": str(today),
            "evidence": "Signed letter",
        },
        "/api/requests/{request_id:uuid}/subject-access/no-capacity": {
            "judged_on": str(today),
            "note": "Judged at a meeting",
        },
        "/api/requests/{request_id:uuid}/subject-access/bundle": {},
        "/api/requests/{request_id:uuid}/subject-access/review": {},
        "/api/requests/{request_id:uuid}/subject-access/redactions": {
            "kind": "note",
            "item": ids["note_id"],
        },
        "/api/requests/{request_id:uuid}/subject-access/redactions/{mark_id:uuid}/remove": {},
        "/api/requests/{request_id:uuid}/subject-access/approve": {},
        "/api/requests/{request_id:uuid}/subject-access/approve/rebuild": {},
        "/api/requests/{request_id:uuid}/subject-access/release": {"method": "email"},
        "/requests/{request_id:uuid}/subject-access/agreement": {
            "agreement_evidence": "Signed letter",
            **day("agreed_on", today),
        },
        "/requests/{request_id:uuid}/subject-access/no-capacity": {
            "capacity_note": "Judged at a meeting",
            **day("judged_on", today),
        },
        "/requests/{request_id:uuid}/subject-access/bundle": {},
        "/requests/{request_id:uuid}/subject-access/review": {},
        "/requests/{request_id:uuid}/subject-access/redactions": {
            "kind": "note",
            "item": ids["note_id"],
        },
        "/requests/{request_id:uuid}/subject-access/redactions/{mark_id:uuid}/remove": {},
        "/requests/{request_id:uuid}/subject-access/approve": {},
        "/requests/{request_id:uuid}/subject-access/approve/rebuild": {},
        "/requests/{request_id:uuid}/subject-access/release": {"method": "email"},
        # Issue 15: legal holds (the API and the pages).
        "/api/cases/{case_id:uuid}/legal-hold": {"reason": "A claim is expected"},
        "/api/cases/{case_id:uuid}/legal-hold/lift": {},
        "/cases/{case_id:uuid}/legal-hold": {"reason": "A claim is expected"},
        "/cases/{case_id:uuid}/legal-hold/lift": {},
        # Issue 16: the case bundle (a worker would build it; nothing is queued).
        "/api/cases/{case_id:uuid}/exports/bundle": {"view": "full"},
        "/cases/{case_id:uuid}/bundle": {"view": "full"},
    }


# Write routes that name no record of any tenant: they act on the signed-in tenant only.
_OWN_TENANT_ONLY = {
    "/admin/case-lists",
    "/admin/schools",  # an import adds to the signed-in tenant's directory
    "/api/schools/import",
    "/admin/policy/consent",
    "/admin/policy/{group:str}",
    "/policy-review",
    "/api/policy/consent",
    "/api/policy/access",
    "/api/policy/statistics",
    "/api/policy/retention",
    "/api/policy/documents",
    "/api/policy/controller",
    "/api/policy/review-interval",
    "/api/policy/document/text",
    "/api/policy/document/reviews",
    "/admin/retention/confirm",  # the signed-in tenant's own sweep, after its dry run
    "/api/retention/confirm",
    "/api/statistics/releases",  # the signed-in tenant's return, once released
    "/statistics/annual-return/release",
    "/admin/sso",
    "/api/enquiries",
    "/enquiries/new",
    "/requests/foi/new",  # an FOI request logged at the signed-in service, no ids in it
    # Ids in the body only, refused as ids that do not exist (tests/test_people_api.py).
    "/api/households",
    "/api/people/duplicate-checks",
    "/api/people/merges",
    "/api/notifications/read",  # one's own notifications (tests/test_notifications.py)
    "/notifications/read",
    "/logout",
}


async def test_no_route_updates_or_deletes_another_tenants_row(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]],
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Signed in at eastdale (as its manager, and its admin for the admin pages), every
    write route of the API and the pages, given northmoor's real ids and a body it would
    accept, answers "not found" and changes none of northmoor's rows."""
    ids = await _northmoor_case_work(aisha, fiona)
    ids["school_id"] = await _northmoor_school(await sign_in_as("gareth"))
    grant = await post(
        await sign_in_as("tom"),
        f"/t/northmoor/api/cases/{ids['case_id']}/break-glass",
        {"reason": "Covering while Aisha is away"},
    )
    assert grant.status_code == 201, grant.text
    ids["grant_id"] = grant.json()["id"]
    told = (await fiona.get("/t/northmoor/api/notifications?limit=1")).json()["items"]
    ids["notification_id"] = told[0]["id"]
    uploaded = await aisha.post(
        f"/t/northmoor/api/cases/{ids['case_id']}/documents",
        data={"kind": "report"},
        files=[("file", ("report.txt", b"A school report", "text/plain"))],
        headers={"x-csrftoken": aisha.cookies["confide_csrf"]},
    )
    assert uploaded.status_code == 201, uploaded.text
    ids["document_id"] = uploaded.json()[0]["id"]
    logged = await post(
        fiona,
        "/t/northmoor/api/requests",
        {
            "kind": "subject_access",
            "requester_name": "Ada Okafor",
            "relation": "parent",
            "received_on": str(service_today()),
            "channel": "post",
            "case_id": ids["case_id"],
        },
    )
    assert logged.status_code == 201, logged.text
    ids["request_id"] = logged.json()["id"]
    bodies = _bodies(ids)
    routes = _write_routes()
    untried = [path for _, path in routes if path not in bodies and path not in _OWN_TENANT_ONLY]
    assert not untried, f"write routes this test does not try yet: {untried}"
    before = await _northmoor_rows(owner_conn, tenants["northmoor"])
    params = {
        "case_id": ids["case_id"],
        "note_id": ids["note_id"],
        "person_id": ids["person_id"],
        "contact_id": ids["contact_id"],
        "task_id": ids["task_id"],
        "user_id": ids["user_id"],
        "household_id": ids["household_id"],
        "school_id": ids["school_id"],
        "grant_id": ids["grant_id"],
        "notification_id": ids["notification_id"],
        "document_id": ids["document_id"],
        "request_id": ids["request_id"],
        "mark_id": ids["request_id"],  # a redaction mark's: any id not one of eastdale's
    }
    answers: dict[str, int] = {}
    manager, admin = await sign_in_as("bronwen"), await sign_in_as("seun")
    for method, template in routes:
        if template in _OWN_TENANT_ONLY:
            continue
        http = admin if template.startswith("/admin/") else manager
        for disclosure in ("awaiting_id", "allowed_id"):
            path = template
            for name, value in {**params, "disclosure_id": ids[disclosure]}.items():
                path = path.replace(f"{{{name}:uuid}}", value)
            url = f"/t/eastdale{path}"
            if template.startswith("/api/"):
                token = http.cookies["confide_csrf"]
                response = await http.request(
                    method, url, json=bodies[template], headers={"x-csrftoken": token}
                )
            else:
                page = await http.get("/t/eastdale/dashboard")
                form = {"_csrf_token": csrf_token(page.text), **bodies[template]}
                response = await http.request(method, url, data=form)
            answers[f"{method} {path}"] = response.status_code
            if "{disclosure_id" not in template:
                break
    assert {route: status for route, status in answers.items() if status != 404} == {}
    assert await _northmoor_rows(owner_conn, tenants["northmoor"]) == before


async def test_unknown_and_suspended_tenants_get_the_same_not_found(
    client: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    suspended = await client.get("/t/gamma/")
    unknown = await client.get("/t/no-such-service/")
    malformed = await client.get("/t/NOT_A_SLUG/")
    assert suspended.status_code == unknown.status_code == malformed.status_code == 404
    assert suspended.text == unknown.text == malformed.text
    assert tenants["gamma"].name not in suspended.text
    api = await client.get("/t/gamma/api/housekeeping/heartbeats")
    assert api.status_code == 404


async def test_a_tenant_suspended_by_another_process_is_refused_at_the_next_request(
    priya: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """This process keeps the tenants it has read, but every request's transaction checks
    with its BEGIN that its tenant is still active: a suspension made elsewhere (here the
    command, another process) takes effect at once, for a signed-in member of staff too."""
    from tests.helpers.command import confide

    assert (await priya.get("/t/eastdale/api/cases")).status_code == 200
    assert (await priya.get("/t/eastdale/api/cases")).status_code == 200  # the kept tenant
    unknown = await client.get("/t/no-such-service/api/cases")
    confide("tenants", "suspend", "eastdale")
    try:
        refused = await priya.get("/t/eastdale/api/cases")
        assert refused.status_code == 404
        assert refused.text == unknown.text
        assert (await priya.get("/t/eastdale/api/cases")).status_code == 404
    finally:
        confide("tenants", "restore", "eastdale")
    assert (await priya.get("/t/eastdale/api/cases")).status_code == 200


async def test_pages_are_paged_and_bad_paging_is_a_clear_error(
    fiona: httpx.AsyncClient,
) -> None:
    response = await fiona.get("/t/northmoor/api/housekeeping/heartbeats?limit=1")
    body = response.json()
    assert response.status_code == 200
    assert body["limit"] == 1
    assert len(body["items"]) <= 1
    bad = await fiona.get("/t/northmoor/api/housekeeping/heartbeats?limit=100000")
    assert bad.status_code == 400
    assert "limit" in bad.text


async def test_subdomain_resolves_the_tenant_and_refuses_another(
    pool: None, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.app import create_litestar
    from confide.tenants.resolution import SubdomainTenants

    app = SubdomainTenants(create_litestar(), "example.org")
    async with http_client(app, "http://alpha.example.org") as http:
        start = await http.get("/")
        assert start.status_code == 200
        assert tenants["alpha"].name in start.text
        crossing = await http.get("/t/beta/")
        assert crossing.status_code == 404
        assert tenants["beta"].name not in crossing.text
    async with http_client(app, "http://gamma.example.org") as http:
        assert (await http.get("/")).status_code == 404
