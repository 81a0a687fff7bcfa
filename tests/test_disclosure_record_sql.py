"""Issue 9, defect 7: what a disclosure shared can never change, whoever asks.

Raw SQL as the application role (and the owner): a disclosure is recorded awaiting
authorisation, allowed or authorised, and an update may only take one workflow step
(awaiting -> authorised | declined; allowed | authorised -> shared | cancelled), writing
that step's own columns once. Recipient, purpose, items, basis, consent, the check, who
asked and when are fixed at insert."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, new_case
from tests.helpers.consent import add_note, record_consent, share_body
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

FIXED = {
    "case_id": "gen_random_uuid()",
    "recipient_org": "'The newspaper'",
    "recipient_role": "'Other'",
    "recipient_person": "'A reporter'",
    "purpose": "'Something else'",
    "items": "jsonb_build_array(jsonb_build_object('kind', 'field', 'text', 'Someone'))",
    "basis": "'legal'",
    "consent_id": "NULL",
    "check_code": "'full'",
    "check_reason": "'Full consent'",
    "requested_by": "gen_random_uuid()",
    "requested_at": "now() - interval '1 year'",
    "legal_basis": "'court_order'",
    "justification": "'Changed afterwards'",
    "tenant_id": "gen_random_uuid()",
}


@asynccontextmanager
async def _in(conn: asyncpg.Connection, tenant: TenantRef) -> AsyncIterator[asyncpg.Connection]:
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        yield conn


async def _allowed(http: httpx.AsyncClient) -> tuple[str, str]:
    case = await new_case(http)
    note = await add_note(http, case["id"], "Plan agreed with mum")
    await record_consent(http, case["id"])
    made = await post(
        http,
        f"{NM}/cases/{case['id']}/disclosures",
        share_body("School or SENCO", [("note", note)]),
    )
    assert made.json()["status"] == "allowed"
    return case["id"], made.json()["id"]


async def _refused(conn: asyncpg.Connection, tenant: TenantRef, sql: str, *args: Any) -> str:
    with pytest.raises(asyncpg.IntegrityConstraintViolationError) as refused:
        async with _in(conn, tenant):
            await conn.execute(sql, *args)
    return str(refused.value)


SEND = (
    "UPDATE disclosures SET status = 'shared', sent_on = current_date, sent_method = 'post',"
    " sent_to = 'Ms Patel', sent_by = requested_by, shared_at = now()"
)


async def test_what_a_disclosure_shared_never_changes(
    aisha: httpx.AsyncClient,
    app_conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    northmoor = tenants["northmoor"]
    _, made = await _allowed(aisha)
    did = uuid.UUID(made)
    for column, value in FIXED.items():
        for conn in (app_conn, owner_conn):
            alone = f"UPDATE disclosures SET {column} = {value} WHERE id = $1"
            message = await _refused(conn, northmoor, alone, did)
            assert "a disclosure cannot go from allowed to allowed" in message, column
            # Not even alongside a step the workflow allows.
            with_step = f"{SEND}, {column} = {value} WHERE id = $1"
            message = await _refused(conn, northmoor, with_step, did)
            assert f"what a disclosure shared never changes: {column}" in message, column
    async with _in(owner_conn, northmoor):
        row = await owner_conn.fetchrow("SELECT * FROM disclosures WHERE id = $1", did)
    assert (row["status"], row["recipient_org"], row["purpose"]) == (
        "allowed",
        "Northmoor Primary School",
        "To plan support at school",
    )
    assert json.loads(row["items"])[0]["text"] == "Plan agreed with mum"


async def test_only_the_workflows_steps_are_taken_each_once(
    aisha: httpx.AsyncClient, app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    northmoor = tenants["northmoor"]
    _, made = await _allowed(aisha)
    did = uuid.UUID(made)
    for wrong in ("awaiting_authorisation", "authorised", "declined"):
        message = await _refused(
            app_conn, northmoor, "UPDATE disclosures SET status = $2 WHERE id = $1", did, wrong
        )
        assert f"cannot go from allowed to {wrong}" in message
    async with _in(app_conn, northmoor):
        await app_conn.execute(SEND + " WHERE id = $1", did)  # the one step it may take
    for sql in (
        "UPDATE disclosures SET sent_to = 'Someone else' WHERE id = $1",
        "UPDATE disclosures SET status = 'cancelled', cancel_reason = 'x',"
        " cancelled_by = requested_by, cancelled_at = now() WHERE id = $1",
        "UPDATE disclosures SET status = 'allowed' WHERE id = $1",
    ):
        await _refused(app_conn, northmoor, sql, did)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with _in(app_conn, northmoor):
            await app_conn.execute("DELETE FROM disclosures WHERE id = $1", did)


async def test_a_decision_is_made_once_and_a_disclosure_is_never_recorded_as_already_sent(
    aisha: httpx.AsyncClient, app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    northmoor = tenants["northmoor"]
    case = await new_case(aisha)
    note = await add_note(aisha, case["id"], "A worry")
    await record_consent(aisha, case["id"])
    asked = await post(
        aisha,
        f"{NM}/cases/{case['id']}/disclosures",
        share_body("Health", [("note", note)], ask_manager=True),
    )
    did = uuid.UUID(asked.json()["id"])
    authorise = (
        "UPDATE disclosures SET status = 'authorised', basis = 'legal', legal_basis ="
        " 'safeguarding', justification = 'Risk', authorised_by = requested_by,"
        " decided_at = now() WHERE id = $1"
    )
    async with _in(app_conn, northmoor):
        await app_conn.execute(authorise, did)
    again = "UPDATE disclosures SET status = 'declined', decline_reason = 'No' WHERE id = $1"
    assert "cannot go from authorised to declined" in await _refused(
        app_conn, northmoor, again, did
    )
    # A disclosure inserted as already sent, declined or cancelled is refused.
    copy = (
        "INSERT INTO disclosures (id, tenant_id, case_id, recipient_org, recipient_role,"
        " recipient_person, purpose, items, status, basis, consent_id, check_code, check_reason,"
        " requested_by, sent_on, sent_method, sent_to, sent_by, shared_at, decline_reason,"
        " cancel_reason) SELECT gen_random_uuid(), tenant_id, case_id, recipient_org,"
        " recipient_role, recipient_person, purpose, items, $2, 'consent', $3, check_code,"
        " check_reason, requested_by, $4, $5, $6, $7, $8, $9, $10 FROM disclosures WHERE id = $1"
    )
    [consent] = await _consents(app_conn, northmoor, case["id"])
    sent = (service_today(), "post", "Ms Patel", asked.json()["requested_by"], datetime.now(UTC))
    for status, columns in (
        ("shared", (*sent, None, None)),
        ("declined", (None,) * 5 + ("No", None)),
        ("allowed", (None,) * 6 + ("Never mind",)),
    ):
        message = await _refused(app_conn, northmoor, copy, did, status, consent, *columns)
        assert "never already sent, declined or cancelled" in message, status


async def _consents(conn: asyncpg.Connection, tenant: TenantRef, case_id: str) -> list[Any]:
    async with _in(conn, tenant):
        rows = await conn.fetch("SELECT id FROM consents WHERE case_id = $1", uuid.UUID(case_id))
    return [r["id"] for r in rows]


async def test_capacity_decisions_and_reasons_consent_was_not_asked_are_never_changed(
    aisha: httpx.AsyncClient, app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """The two consent tables this issue adds are append-only for the application role."""
    case = await new_case(aisha)  # consent not asked yet, and why
    judged = {"has_capacity": True, "judged_on": service_today().isoformat(), "note": "Judged"}
    assert (await post(aisha, f"{NM}/cases/{case['id']}/capacity", judged)).status_code == 201
    for table, column in (("capacity_decisions", "note"), ("consent_not_asked", "reason")):
        for sql in (f"UPDATE {table} SET {column} = 'Changed'", f"DELETE FROM {table}"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                async with _in(app_conn, tenants["northmoor"]):
                    await app_conn.execute(sql)
