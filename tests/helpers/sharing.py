"""The sharing pages as a browser without JavaScript uses them, with consent recorded
through the domain service."""

from __future__ import annotations

import re
import uuid

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import as_tenant
from tests.helpers.html import links, parse
from tests.helpers.pages import NM, record_enquiry, submit, text
from tests.helpers.tenants import TenantRef

SCHOOL = "School or SENCO"


HEALTH = "Health"


SOCIAL = "Social care"


async def record_consent(
    owner: asyncpg.Connection,
    tenant: TenantRef,
    case_id: str,
    decision: str,
    roles: list[str] | None = None,
) -> None:
    """A consent recorded by Aisha through the domain service, in a tenant transaction."""
    from confide.platform.consent import consents
    from confide.platform.consent.schemas import ConsentMethod, Decision, GivenBy, NewConsent
    from confide.platform.core.db import tenant_transaction
    from confide.platform.identity.staff import get_staff

    [row] = await as_tenant(
        owner, tenant, "SELECT id FROM staff_users WHERE subject = $1", "northmoor-cw-1"
    )
    async with tenant_transaction(tenant.id):
        staff = await get_staff(row["id"])
        assert staff is not None
        await consents.record_consent(
            uuid.UUID(case_id),
            staff,
            NewConsent(
                decision=Decision(decision),
                given_by=GivenBy.PARENT,
                method=ConsentMethod.VERBAL,
                given_on=service_today(),
                roles=roles or [],
                advised_of_limits=decision == "refused",
            ),
        )


async def add_note(http: httpx.AsyncClient, case_id: str, body: str, *, yp: bool = False) -> None:
    pairs = [("body", body)] + ([("side", "young_person_only")] if yp else [])
    done = await submit(
        http, f"{NM}/cases/{case_id}/notes/new", f"{NM}/cases/{case_id}/notes", pairs
    )
    assert done.status_code == 303, done.text


async def items(http: httpx.AsyncClient, case_id: str) -> dict[str, str]:
    """The share form's checkboxes: each item's hint (its first words) to its value."""
    page = await http.get(f"{NM}/cases/{case_id}/share")
    assert page.status_code == 200, page.text
    return {
        item.one(".govuk-checkboxes__hint").text: item.one("input[name=items]").get("value") or ""
        for item in parse(page).select(".govuk-checkboxes__item")
        if item.select("input[name=items][type=checkbox]")
    }


async def post_share(
    http: httpx.AsyncClient, case_id: str, pairs: list[tuple[str, str]]
) -> httpx.Response:
    return await submit(http, f"{NM}/cases/{case_id}/share", f"{NM}/cases/{case_id}/share", pairs)


def share_pairs(role: str, chosen: list[str], action: str, **extra: str) -> list[tuple[str, str]]:
    pairs = [
        ("recipient_org", "Northmoor Academy"),
        ("recipient_role", role),
        ("recipient_person", "Ms Patel, SENCO"),
        ("purpose", "To plan support for the EHC needs assessment."),
        ("action", action),
    ]
    pairs += [("items", key) for key in chosen]
    pairs += list(extra.items())
    return pairs


def record_path(response: httpx.Response, case_id: str) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(rf"{NM}/cases/{case_id}/disclosures/[0-9a-f-]{{36}}", location), location
    return location


async def send_from_record(http: httpx.AsyncClient, record: str, **changes: str) -> httpx.Response:
    """The record page's form: it went today, by secure email, to the named person."""
    today = service_today()
    fields = {
        "sent_on-day": str(today.day),
        "sent_on-month": str(today.month),
        "sent_on-year": str(today.year),
        "method": "secure_email",
        "sent_to": "Duty social worker, by secure email",
    }
    fields.update(changes)
    return await submit(http, record, f"{record}/sent", list(fields.items()))


def task_path(record_page: str) -> str:
    """The tell-the-client task a disclosure's record links to."""
    found = [
        href for _, href in links(record_page) if re.fullmatch(rf"{NM}/tasks/[0-9a-f-]{{36}}", href)
    ]
    assert found, "the record links to no task"
    return found[0]


async def case_with_notes(http: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    case_id = await record_enquiry(http)
    await add_note(http, case_id, "Mum says the school has not applied for an assessment.")
    await add_note(http, case_id, "Agreed to ask the SENCO about the SEN support plan.")
    await add_note(http, case_id, "Jamie told us he is being bullied at lunch.", yp=True)
    return case_id, await items(http, case_id)


async def legal_share(
    fiona: httpx.AsyncClient, aisha: httpx.AsyncClient, owner: asyncpg.Connection, tenant: TenantRef
) -> tuple[str, str, str]:
    """A case with refused consent that Fiona shares on safeguarding: (case, record, task)."""
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner, tenant, case_id, "refused")
    note = found["Mum says the school has not applied for an assessment."]
    done = await post_share(
        fiona,
        case_id,
        share_pairs(
            SOCIAL, [note], "share", legal_basis="safeguarding", justification="Risk at home."
        ),
    )
    record = record_path(done, case_id)
    sent = await send_from_record(fiona, record)
    assert sent.status_code == 303, sent.text
    page = await fiona.get(record)
    return case_id, record, task_path(text(page))
