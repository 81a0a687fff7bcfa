"""Consent and disclosure through the JSON API, and what the database holds of them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.environment import ADMIN_URL, DATABASE
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

TODAY = service_today()


def consent(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "decision": "restricted",
        "roles": ["School or SENCO"],
        "given_by": "parent",
        "method": "verbal",
        "given_on": TODAY.isoformat(),
    }
    body.update(changes)
    return body


async def record_consent(http: httpx.AsyncClient, case_id: str, **changes: Any) -> dict[str, Any]:
    response = await post(http, f"{NM}/cases/{case_id}/consents", consent(**changes))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def add_note(http: httpx.AsyncClient, case_id: str, body: str, **extra: Any) -> str:
    response = await post(http, f"{NM}/cases/{case_id}/notes", {"body": body, **extra})
    assert response.status_code == 201, response.text
    return str(response.json()["note_id"])


def share_body(role: str, items: list[tuple[str, str]], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "recipient_org": "Northmoor Primary School",
        "recipient_role": role,
        "recipient_person": "Ms Patel, SENCO",
        "purpose": "To plan support at school",
        "items": [{"kind": kind, "id": ref} for kind, ref in items],
    }
    body.update(changes)
    return body


async def send(
    http: httpx.AsyncClient, case_id: str, disclosure_id: str, **changes: Any
) -> httpx.Response:
    """Record that an allowed or authorised share went (today, by secure email)."""
    body = {"sent_on": TODAY.isoformat(), "method": "secure_email", "sent_to": "Ms Patel, SENCO"}
    body.update(changes)
    return await post(http, f"{NM}/cases/{case_id}/disclosures/{disclosure_id}/sent", body)


async def check(http: httpx.AsyncClient, case_id: str, role: str, items: Any = ()) -> Any:
    response = await post(
        http, f"{NM}/cases/{case_id}/disclosure-checks", share_body(role, list(items))
    )
    assert response.status_code == 200, response.text
    return response.json()


async def audit_actions(owner: asyncpg.Connection, tenant: TenantRef, case_id: str) -> list[str]:
    rows = await as_tenant(
        owner,
        tenant,
        "SELECT action FROM audit_entries WHERE subject_kind = 'case' AND subject_id = $1"
        " ORDER BY seq",
        uuid.UUID(case_id),
    )
    return [r["action"] for r in rows]


async def set_review_due(
    owner: asyncpg.Connection, tenant: TenantRef, case_id: str, due: date
) -> None:
    await as_tenant(
        owner,
        tenant,
        "UPDATE consents SET review_due = $2, given_on = $2::date - 365 WHERE case_id = $1",
        uuid.UUID(case_id),
        due,
    )


async def backdate_share(disclosure_id: str, days: int) -> None:
    """Move a share's request back in time, as a superuser with triggers off for this one
    session: the application and the owner can never change it (issue 9, defect 7)."""
    admin = await asyncpg.connect(f"{ADMIN_URL.rsplit('/', 1)[0]}/{DATABASE}")
    try:
        await admin.execute("SET session_replication_role = replica")
        await admin.execute(
            "UPDATE disclosures SET requested_at = requested_at - make_interval(days => $2)"
            " WHERE id = $1",
            uuid.UUID(disclosure_id),
            days,
        )
    finally:
        await admin.close()


async def task_after_override(
    caseworker: httpx.AsyncClient, manager: httpx.AsyncClient, **case: Any
) -> tuple[str, dict[str, Any]]:
    """A case (``case``: changes to the API enquiry) whose consent was refused, and the
    tell-the-client task a manager's share on a legal basis opened once sent."""
    made = await new_case(caseworker, **case)
    cid = str(made["id"])
    note = await add_note(caseworker, cid, "Shared with social care")
    await record_consent(caseworker, cid, decision="refused", roles=[], advised_of_limits=True)
    response = await post(
        manager,
        f"{NM}/cases/{cid}/disclosures",
        share_body(
            "Social care",
            [("note", note)],
            legal_basis="safeguarding",
            justification="Child at risk",
        ),
    )
    assert response.status_code == 201, response.text
    sent = await send(manager, cid, response.json()["id"])
    assert sent.status_code == 200, sent.text
    task: dict[str, Any] = sent.json()["task"]
    return cid, task
