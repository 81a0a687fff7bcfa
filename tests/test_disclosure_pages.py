"""The sharing pages over HTTP, as a browser without JavaScript uses them: the consent check
explained, a manager's legal basis, the printable record, and telling the service user.
Consent is recorded through the domain service (its pages are built elsewhere)."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from conftest import TenantRef
from tests.conftest import csrf_token, http_client, sign_in
from tests.test_casework import _as_tenant, _reads
from tests.test_casework_pages import NM, record_enquiry, submit, text

SCHOOL = "School or SENCO"
HEALTH = "Health"
SOCIAL = "Social care"


async def _signed_in(app: Any, slug: str, sub: str) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as http:
        await sign_in(http, slug, sub)
        yield http


@pytest.fixture
async def aisha(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _signed_in(app, "northmoor", "northmoor-cw-1"):
        yield http


@pytest.fixture
async def fiona(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _signed_in(app, "northmoor", "northmoor-manager"):
        yield http


@pytest.fixture
async def bronwen(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Eastdale's manager: another tenant."""
    async for http in _signed_in(app, "eastdale", "eastdale-manager"):
        yield http


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

    [row] = await _as_tenant(
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
                given_on=date.today(),
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
    found = re.findall(
        r'name="items" type="checkbox" value="([^"]+)".*?govuk-checkboxes__hint">([^<]*)</div>',
        text(page),
        re.DOTALL,
    )
    return {hint: value for value, hint in found}


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
    today = date.today()
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
    found = re.search(rf'href="({NM}/tasks/[0-9a-f-]{{36}})"', record_page)
    assert found, "the record links to no task"
    return found.group(1)


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


async def test_an_allowed_share_records_exactly_the_two_chosen_notes(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "restricted", [SCHOOL, HEALTH])

    form = text(await aisha.get(f"{NM}/cases/{case_id}/share"))
    assert re.search(r"Restricted to named professional roles \(version \d+\)", form)
    assert f"{SCHOOL}, {HEALTH}" in form
    assert " checked" not in form  # never the whole file by default
    assert 'data-testid="young-person-only"' in form
    assert "field:name" in form
    assert "field:school_or_setting" in form

    one = found["Mum says the school has not applied for an assessment."]
    two = found["Agreed to ask the SENCO about the SEN support plan."]
    checked = await post_share(aisha, case_id, share_pairs(HEALTH, [one, two], "check"))
    assert checked.status_code == 200, checked.text
    body = text(checked)
    assert 'data-testid="check-allowed"' in body
    assert f"includes {HEALTH}." in body
    assert 'value="share"' in body
    assert body.count('name="items"') == 2

    record = record_path(
        await post_share(aisha, case_id, share_pairs(HEALTH, [one, two], "share")), case_id
    )
    page = await aisha.get(record)
    assert page.status_code == 200
    shown = text(page)
    assert "Mum says the school has not applied for an assessment." in shown
    assert "Agreed to ask the SENCO about the SEN support plan." in shown
    assert "bullied" not in shown
    assert "Jamie Whitfield" not in shown  # no case field was chosen
    assert shown.count('data-testid="shared-item"') == 2
    assert re.search(r"Consent \(version \d+\)", shown)
    assert "Northmoor Academy" in shown
    assert "Ms Patel, SENCO" in shown
    assert "govuk-!-display-none-print" in shown
    assert "/tasks/" not in shown  # shared on consent: no-one needs telling
    assert "Allowed: not sent yet" in shown
    assert 'data-testid="sent-form"' in shown

    log = text(await aisha.get(f"{NM}/cases/{case_id}/disclosures"))
    assert record in log
    assert log.count('data-testid="disclosure-row"') == 1
    assert "not sent yet" in log


async def test_a_refused_share_shows_the_reason(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "restricted", [SCHOOL])
    note = found["Mum says the school has not applied for an assessment."]
    reason = f"Consent is restricted to {SCHOOL}: {SOCIAL} is not one of them."

    checked = await post_share(aisha, case_id, share_pairs(SOCIAL, [note], "check"))
    assert checked.status_code == 200
    body = text(checked)
    assert 'data-testid="check-refused"' in body
    assert reason in body
    assert 'data-testid="ask-manager"' in body
    assert 'name="legal_basis"' not in body

    as_manager = text(await post_share(fiona, case_id, share_pairs(SOCIAL, [note], "check")))
    assert reason in as_manager
    assert 'name="legal_basis"' in as_manager
    assert 'data-testid="ask-manager"' not in as_manager

    # Recording it anyway is refused, with the same reason.
    refused = await post_share(aisha, case_id, share_pairs(SOCIAL, [note], "share"))
    assert refused.status_code == 409
    assert reason in text(refused)
    log = text(await aisha.get(f"{NM}/cases/{case_id}/disclosures"))
    assert 'data-testid="no-disclosures"' in log


async def test_a_caseworker_asks_and_a_manager_authorises_on_safeguarding(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "refused")
    note = found["Agreed to ask the SENCO about the SEN support plan."]
    record = record_path(
        await post_share(aisha, case_id, share_pairs(SOCIAL, [note], "ask")), case_id
    )
    asked = text(await aisha.get(record))
    assert "Awaiting a manager's authorisation" in asked
    assert "/tasks/" not in asked

    authorise = f"{record}/authorise"
    assert authorise in text(await fiona.get(f"{NM}/disclosures/awaiting"))
    assert (await aisha.get(f"{NM}/disclosures/awaiting")).status_code == 403
    assert (await aisha.get(authorise)).status_code == 403

    page = await fiona.get(authorise)
    assert page.status_code == 200
    assert "refused consent to share" in text(page)
    missing = await submit(fiona, authorise, authorise, [("legal_basis", "safeguarding")])
    assert missing.status_code == 400
    assert 'data-testid="error-summary"' in missing.text
    assert re.search(r'value="safeguarding" checked', missing.text)

    done = await submit(
        fiona,
        authorise,
        authorise,
        [("legal_basis", "safeguarding"), ("justification", "Jamie may be at risk at home.")],
    )
    assert done.status_code == 303
    assert done.headers["location"] == record
    shown = text(await aisha.get(record))
    assert "Risk of serious harm (safeguarding)" in shown
    assert "Jamie may be at risk at home." in shown
    assert "Fiona MacLeod" in shown
    assert "Authorised: not sent yet" in shown
    assert 'data-testid="task-when-sent"' in shown
    assert (await send_from_record(aisha, record)).status_code == 303
    shown = text(await aisha.get(record))
    task = task_path(shown)
    assert task in text(await aisha.get(f"{NM}/tasks"))
    assert task in text(await fiona.get(f"{NM}/tasks"))
    assert record not in text(await fiona.get(f"{NM}/disclosures/awaiting"))
    again = await submit(
        fiona,
        authorise,
        authorise,
        [("legal_basis", "safeguarding"), ("justification", "Twice.")],
    )
    assert again.status_code == 400
    assert "already been decided" in text(again)


async def test_a_caseworker_cannot_record_a_legal_basis(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "refused")
    note = found["Mum says the school has not applied for an assessment."]
    pairs = share_pairs(
        SOCIAL, [note], "share", legal_basis="safeguarding", justification="I think so."
    )
    refused = await post_share(aisha, case_id, pairs)
    assert refused.status_code == 403
    reads = await _reads(owner_conn, tenants["northmoor"], case_id)
    assert ("disclosure_override_refused", "northmoor-cw-1") in [
        (r["action"], r["subject"]) for r in reads
    ]
    log = text(await aisha.get(f"{NM}/cases/{case_id}/disclosures"))
    assert 'data-testid="no-disclosures"' in log


async def test_a_manager_shares_on_a_legal_basis_and_must_justify_it(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "refused")
    note = found["Mum says the school has not applied for an assessment."]
    unjustified = await post_share(
        fiona, case_id, share_pairs("Police", [note], "share", legal_basis="police_request")
    )
    assert unjustified.status_code == 400
    body = text(unjustified)
    assert "Enter the justification" in body
    assert 'value="police_request" checked' in body  # kept on the check page
    assert "Police is not one of the professional roles consent covers" in body

    record = record_path(
        await post_share(
            fiona,
            case_id,
            share_pairs(
                "Police",
                [note],
                "share",
                legal_basis="police_request",
                justification="Written request from Northmoor Police, ref 123.",
            ),
        ),
        case_id,
    )
    shown = text(await fiona.get(record))
    assert "Without consent: Police request" in shown
    assert "Written request from Northmoor Police, ref 123." in shown
    assert "/tasks/" not in shown  # nothing has gone yet
    assert (await send_from_record(fiona, record)).status_code == 303
    task_path(text(await fiona.get(record)))


async def test_a_manager_declines_a_request(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "refused")
    note = found["Mum says the school has not applied for an assessment."]
    record = record_path(
        await post_share(aisha, case_id, share_pairs(SOCIAL, [note], "ask")), case_id
    )
    authorise = f"{record}/authorise"
    empty = await submit(fiona, authorise, f"{record}/decline", [("reason", " ")])
    assert empty.status_code == 400
    assert "Enter the reason" in text(empty)
    assert (await submit(aisha, record, f"{record}/decline", [("reason", "No")])).status_code == 403

    done = await submit(
        fiona, authorise, f"{record}/decline", [("reason", "Not a safeguarding matter.")]
    )
    assert done.status_code == 303
    assert done.headers["location"] == record
    shown = text(await aisha.get(record))
    assert "Declined by a manager" in shown
    assert "Not a safeguarding matter." in shown
    assert "/tasks/" not in shown


async def test_share_form_errors_keep_what_was_typed(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "full")
    note = found["Agreed to ask the SENCO about the SEN support plan."]
    pairs = [
        ("recipient_org", ""),
        ("recipient_role", HEALTH),
        ("recipient_person", "Dr Okafor"),
        ("purpose", ""),
        ("items", note),
        ("action", "check"),
    ]
    bad = await post_share(aisha, case_id, pairs)
    assert bad.status_code == 400
    body = text(bad)
    assert 'data-testid="error-summary"' in body
    assert "Enter the organisation" in body
    assert "Enter the purpose of sharing" in body
    assert f'value="{note}" checked' in body
    assert f'value="{HEALTH}" selected' in body
    assert 'value="Dr Okafor"' in body
    assert body.count(" checked") == 1

    nothing = await post_share(aisha, case_id, share_pairs(HEALTH, [], "check"))
    assert nothing.status_code == 400
    assert "Choose what to share" in text(nothing)
    elsewhere = await post_share(
        aisha, case_id, share_pairs(HEALTH, [f"note:{uuid.uuid4()}"], "check")
    )
    assert elsewhere.status_code == 400
    assert "Choose items from this case" in text(elsewhere)


async def test_telling_the_service_user_delay_and_done(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    _, record, task = await legal_share(fiona, aisha, owner_conn, tenants["northmoor"])
    page = await aisha.get(task)
    assert page.status_code == 200
    body = text(page)
    # About to contact them: safe-contact preferences first (DESIGN rule 8).
    assert "Before you make contact" in body
    assert "Do not leave a voicemail." in body
    assert "Partner must not know" in body
    assert record in body
    assert 'data-testid="delay"' not in body  # caseworkers cannot delay

    later = date.today() + timedelta(days=20)
    delay_pairs = [
        ("reason", "Telling now would put Jamie at risk."),
        ("new_due_on-day", str(later.day)),
        ("new_due_on-month", str(later.month)),
        ("new_due_on-year", str(later.year)),
    ]
    assert (await submit(aisha, task, f"{task}/delay", delay_pairs)).status_code == 403
    bad_delay = await submit(fiona, task, f"{task}/delay", delay_pairs[:1])
    assert bad_delay.status_code == 400
    assert "Enter the new due date" in text(bad_delay)
    assert "Telling now would put Jamie at risk." in text(bad_delay)
    delayed = await submit(fiona, task, f"{task}/delay", delay_pairs)
    assert delayed.status_code == 303
    assert delayed.headers["location"] == task
    shown = text(await aisha.get(task))
    assert f"{later.day} {later:%B %Y}" in shown
    assert "Telling now would put Jamie at risk." in shown
    assert 'data-testid="delay-row"' in shown

    today = date.today()
    told = [
        ("told_on-day", str(today.day)),
        ("told_on-month", str(today.month)),
        ("told_on-year", str(today.year)),
        ("told_how", "phone"),
        ("note", "Called when convenient, as agreed."),
    ]
    missing = await submit(aisha, task, f"{task}/told", told[3:])
    assert missing.status_code == 400
    assert "Enter the date they were told" in text(missing)
    assert 'value="phone" checked' in missing.text
    done = await submit(aisha, task, f"{task}/told", told)
    assert done.status_code == 303
    assert done.headers["location"] == task
    shown = text(await aisha.get(task))
    assert 'data-testid="task-done"' in shown
    assert "Aisha Rahman" in shown
    assert 'data-testid="record-told"' not in shown
    assert task not in text(await aisha.get(f"{NM}/tasks"))
    assert "Done" in text(await aisha.get(record))


async def test_overdue_tasks_are_highlighted(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    _, _, task = await legal_share(fiona, aisha, owner_conn, tenants["northmoor"])
    assert 'data-testid="overdue"' not in text(await aisha.get(task))

    # A year overdue, so it heads the list however many tasks other tests left open.
    await _as_tenant(
        owner_conn,
        tenants["northmoor"],
        "UPDATE tell_client_tasks SET due_on = current_date - 365 WHERE id = $1",
        uuid.UUID(task.rsplit("/", 1)[1]),
    )
    row = re.compile(rf'<tr[^>]*data-testid="task-row">(?:(?!</tr>).)*{task}', re.DOTALL)
    listed = row.search(text(await fiona.get(f"{NM}/tasks")))
    assert listed
    assert 'govuk-tag govuk-tag--red" data-testid="overdue">Overdue' in listed.group(0)
    assert 'data-testid="overdue"' in text(await aisha.get(task))


async def test_another_tenants_case_disclosure_and_task_are_not_found(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, record, task = await legal_share(fiona, aisha, owner_conn, tenants["northmoor"])
    disclosure_id = record.rsplit("/", 1)[1]
    task_id = task.rsplit("/", 1)[1]
    ed = "/t/eastdale"
    for path in (
        f"/cases/{case_id}/share",
        f"/cases/{case_id}/disclosures",
        f"/cases/{case_id}/disclosures/{disclosure_id}",
        f"/cases/{case_id}/disclosures/{disclosure_id}/authorise",
        f"/tasks/{task_id}",
    ):
        response = await bronwen.get(f"{ed}{path}")
        assert response.status_code == 404, path
        assert "Northmoor" not in response.text
    dashboard = await bronwen.get(f"{ed}/dashboard")
    token = csrf_token(dashboard.text)
    told = await bronwen.post(
        f"{ed}/tasks/{task_id}/told",
        data={"_csrf_token": token, "told_how": "phone", "told_on-day": "1"},
    )
    assert told.status_code in (400, 404)
    assert "Jamie" not in told.text
    later = date.today() + timedelta(days=20)
    delayed = await bronwen.post(
        f"{ed}/tasks/{task_id}/delay",
        data={
            "_csrf_token": token,
            "reason": "Mine now",
            "new_due_on-day": str(later.day),
            "new_due_on-month": str(later.month),
            "new_due_on-year": str(later.year),
        },
    )
    assert delayed.status_code == 404
    # A disclosure under the wrong case is not found either.
    other_case, _ = await case_with_notes(aisha)
    assert (
        await aisha.get(f"{NM}/cases/{other_case}/disclosures/{disclosure_id}")
    ).status_code == 404


async def test_need_to_know_guards_the_sharing_pages(
    app: Any,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, record, task = await legal_share(fiona, aisha, owner_conn, tenants["northmoor"])
    async for tom in _signed_in(app, "northmoor", "northmoor-cw-2"):
        # Not assigned: the case page says it is restricted (and offers break-glass).
        for path in (f"/cases/{case_id}/share", f"/cases/{case_id}/disclosures", record[len(NM) :]):
            response = await tom.get(f"{NM}{path}")
            assert response.status_code == 303, path
            assert response.headers["location"] == f"{NM}/cases/{case_id}"
        assert (await tom.get(task)).status_code == 403
        assert task not in text(await tom.get(f"{NM}/tasks"))
    async for gareth in _signed_in(app, "northmoor", "northmoor-admin"):
        assert (await gareth.get(f"{NM}/tasks")).status_code == 403
        assert (await gareth.get(f"{NM}/cases/{case_id}/share")).status_code == 403
