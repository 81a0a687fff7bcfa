"""A create sent again with its idempotency key creates nothing twice (API and pages).

The first request commits; its answer is lost (a 500, a dropped connection); the
client sends the same request again with the same key and gets the first
answer back, while the record and its audit entry stay single.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx

from tests.helpers.html import form_values
from tests.helpers.http import csrf_token
from tests.helpers.tenants import TenantRef

NM = "/t/northmoor"


def _post(http: httpx.AsyncClient, path: str, body: dict[str, Any], key: str) -> Any:
    return http.post(
        path,
        json=body,
        headers={"x-csrftoken": http.cookies["confide_csrf"], "idempotency-key": key},
    )


ENQUIRY = {
    "contacted_by": "parent",
    "young_person": {"first_name": "Idris", "last_name": "Pemberton"},
    "topics": ["Transport"],
    "support_level": 1,
    "consent_not_asked": "Asked on the next call",
}


async def _count(owner: asyncpg.Connection, tenant: TenantRef, sql: str, *args: Any) -> int:
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        return int(await owner.fetchval(sql, *args))


async def _case(http: httpx.AsyncClient) -> str:
    created = await _post(http, f"{NM}/api/enquiries", ENQUIRY, uuid.uuid4().hex)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_an_api_note_sent_again_with_its_key_is_saved_once(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id = await _case(aisha)
    key = uuid.uuid4().hex
    body = {"body": f"Retried note {key}"}
    first = await _post(aisha, f"{NM}/api/cases/{case_id}/notes", body, key)
    again = await _post(aisha, f"{NM}/api/cases/{case_id}/notes", body, key)
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == f"{NM}/api/cases/{case_id}"
    northmoor = tenants["northmoor"]
    notes = await _count(
        owner_conn, northmoor, "SELECT count(*) FROM case_notes WHERE body = $1", body["body"]
    )
    audited = await _count(
        owner_conn,
        northmoor,
        "SELECT count(*) FROM audit_entries WHERE action = 'note_added' AND subject_id = $1",
        uuid.UUID(case_id),
    )
    assert (notes, audited) == (1, 1)


async def test_an_enquiry_replays_with_the_cases_location(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    key = uuid.uuid4().hex
    body = {**ENQUIRY, "young_person": {"first_name": "Ottilie", "last_name": key[:12]}}
    first = await _post(aisha, f"{NM}/api/enquiries", body, key)
    again = await _post(aisha, f"{NM}/api/enquiries", body, key)
    assert first.status_code == again.status_code == 201
    assert again.headers["location"] == f"{NM}/api/cases/{first.json()['id']}"
    assert again.json() == {
        "status_code": 201,
        "replayed": True,
        "location": f"{NM}/api/cases/{first.json()['id']}",
    }
    people = await _count(
        owner_conn, tenants["northmoor"], "SELECT count(*) FROM people WHERE last_name = $1",
        key[:12],
    )  # fmt: skip
    assert people == 1


async def test_concurrent_requests_with_one_key_make_one_record(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id = await _case(aisha)
    key = uuid.uuid4().hex
    body = {"body": f"Double click {key}"}
    answers = await asyncio.gather(
        *(_post(aisha, f"{NM}/api/cases/{case_id}/notes", body, key) for _ in range(8))
    )
    assert [a.status_code for a in answers] == [201] * 8
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 7
    notes = await _count(
        owner_conn, tenants["northmoor"], "SELECT count(*) FROM case_notes WHERE body = $1",
        body["body"],
    )  # fmt: skip
    assert notes == 1


async def test_consent_and_disclosure_creates_replay(aisha: httpx.AsyncClient) -> None:
    case_id = await _case(aisha)
    consent = {
        "decision": "full",
        "given_by": "parent",
        "method": "verbal",
        "given_on": "2026-01-05",
    }
    key = uuid.uuid4().hex
    first = await _post(aisha, f"{NM}/api/cases/{case_id}/consents", consent, key)
    again = await _post(aisha, f"{NM}/api/cases/{case_id}/consents", consent, key)
    assert first.status_code == again.status_code == 201, first.text
    assert again.headers["location"] == f"{NM}/api/cases/{case_id}/consents"
    history = (await aisha.get(f"{NM}/api/cases/{case_id}/consents")).json()
    assert [v["version"] for v in history["versions"]] == [1]

    share = {
        "recipient_org": "Northmoor Primary School",
        "recipient_role": "School or SENCO",
        "recipient_person": "Ms Patel, SENCO",
        "purpose": "To plan support at school",
        "items": [{"kind": "field", "id": "name"}],
    }
    key = uuid.uuid4().hex
    first = await _post(aisha, f"{NM}/api/cases/{case_id}/disclosures", share, key)
    again = await _post(aisha, f"{NM}/api/cases/{case_id}/disclosures", share, key)
    assert first.status_code == again.status_code == 201, first.text
    assert again.headers["location"] == (
        f"{NM}/api/cases/{case_id}/disclosures/{first.json()['id']}"
    )
    log = (await aisha.get(f"{NM}/api/cases/{case_id}/disclosures")).json()
    assert log["total"] == 1


async def test_a_key_is_one_request_of_one_member_of_staff(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    case_id = await _case(aisha)
    key = uuid.uuid4().hex
    url = f"{NM}/api/cases/{case_id}/notes"
    assert (await _post(aisha, url, {"body": "First"}, key)).status_code == 201
    other = await _post(aisha, url, {"body": "Something else"}, key)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]
    # Tom's key is his own: the same string names a different request of his.
    tom_case = await _case(tom)
    theirs = await _post(tom, f"{NM}/api/cases/{tom_case}/notes", {"body": "Tom's"}, key)
    assert theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers


async def test_a_malformed_key_is_a_400_naming_it(aisha: httpx.AsyncClient) -> None:
    case_id = await _case(aisha)
    bad = await _post(aisha, f"{NM}/api/cases/{case_id}/notes", {"body": "x"}, "short")
    assert bad.status_code == 400
    assert "Idempotency-Key" in bad.json()["detail"]


async def test_a_refused_request_stores_no_key(aisha: httpx.AsyncClient) -> None:
    case_id = await _case(aisha)
    key = uuid.uuid4().hex
    url = f"{NM}/api/cases/{case_id}/notes"
    assert (await _post(aisha, url, {"body": ""}, key)).status_code == 400
    fixed = await _post(aisha, url, {"body": ""}, key)
    assert fixed.status_code == 400, "a refusal was replayed instead of checked again"
    assert "idempotent-replayed" not in fixed.headers


async def test_a_page_form_carries_a_key_and_a_resent_form_saves_once(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id = await _case(aisha)
    form = await aisha.get(f"{NM}/cases/{case_id}/notes/new")
    key = form_values(form).get("idempotency_key")
    assert key, "the note form has no idempotency key"
    text = f"Resent from the browser {key}"
    fields = httpx.QueryParams(
        [("_csrf_token", csrf_token(form.text)), ("idempotency_key", key),
         ("body", text)]
    )  # fmt: skip
    sent = [
        await aisha.post(
            f"{NM}/cases/{case_id}/notes",
            content=str(fields).encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        for _ in range(2)
    ]
    assert [s.status_code for s in sent] == [303, 303]
    assert sent[0].headers["location"] == sent[1].headers["location"]
    notes = await _count(
        owner_conn, tenants["northmoor"], "SELECT count(*) FROM case_notes WHERE body = $1", text
    )
    assert notes == 1
    fresh = await aisha.get(f"{NM}/cases/{case_id}/notes/new")
    assert key not in fresh.text, "each form gets a key of its own"
