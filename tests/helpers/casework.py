"""Case work through the JSON API, and reading what the database holds for a tenant."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

NM = "/t/northmoor/api"


def a_minute_ago() -> str:
    """A contact's ``occurred_at`` that is past whatever the hour (a fixed time of today is
    in the future before it: a contact may not be)."""
    return (datetime.now(UTC) - timedelta(minutes=1)).isoformat()


def enquiry(**changes: Any) -> dict[str, Any]:
    """An enquiry as the API takes it, with ``changes``."""
    body: dict[str, Any] = {
        "contacted_by": "parent",
        "young_person": {
            "first_name": "Sam",
            "last_name": "Okafor",
            "date_of_birth": "2014-03-02",
            "phone": "07700 900123",
            "may_phone": True,
            "may_leave_voicemail": False,
            "safe_contact_note": "Do not leave messages at home",
        },
        "parents": [{"first_name": "Ada", "last_name": "Okafor", "may_email": False}],
        "topics": ["EHC needs assessment", "Transport"],
        "support_level": 2,
        # The API asks about consent as the page does: these tests record it afterwards.
        "consent_not_asked": "Asked later in the test",
    }
    body.update(changes)
    if body.get("anonymous"):
        body.pop("consent_not_asked", None)  # an anonymous enquiry has no-one to ask
    return body


async def new_case(http: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    """Record an enquiry through the API; the case it made."""
    response = await post(http, f"{NM}/enquiries", enquiry(**changes))
    assert response.status_code == 201, response.text
    case: dict[str, Any] = response.json()
    return case


async def as_tenant(owner: asyncpg.Connection, tenant: TenantRef, sql: str, *args: Any) -> Any:
    """Run ``sql`` on ``owner`` in a transaction with ``tenant`` set, as the app would."""
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        return await owner.fetch(sql, *args)


async def case_audit(owner: asyncpg.Connection, tenant: TenantRef, case_id: str) -> list[Any]:
    """The audit entries about a case, oldest first: action, grounds, reason, who."""
    return list(
        await as_tenant(
            owner,
            tenant,
            "SELECT a.action, a.grounds, a.reason_code, s.subject FROM audit_entries a"
            " JOIN staff_users s ON s.id = a.actor_id"
            " WHERE a.subject_kind = 'case' AND a.subject_id = $1 ORDER BY a.seq",
            uuid.UUID(case_id),
        )
    )
