"""The sharing pages over HTTP, as a browser without JavaScript uses them: the consent check
explained, a manager's legal basis, the printable record, and telling the service user.
Consent is recorded through the domain service (its pages are built elsewhere)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import asyncpg
import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import as_tenant, case_audit
from tests.helpers.html import (
    buttons,
    error_summary,
    form_values,
    links,
    page_text,
    parse,
    table_rows,
)
from tests.helpers.http import csrf_token
from tests.helpers.pages import NM, submit, text
from tests.helpers.sharing import (
    HEALTH,
    SCHOOL,
    SOCIAL,
    case_with_notes,
    legal_share,
    post_share,
    record_consent,
    record_path,
    send_from_record,
    share_pairs,
    task_path,
)
from tests.helpers.tenants import TenantRef


async def test_an_allowed_share_records_exactly_the_two_chosen_notes(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case_id, found = await case_with_notes(aisha)
    await record_consent(owner_conn, tenants["northmoor"], case_id, "restricted", [SCHOOL, HEALTH])

    form = text(await aisha.get(f"{NM}/cases/{case_id}/share"))
    assert re.search(r"Restricted to named professional roles \(version \d+\)", form)
    assert f"{SCHOOL}, {HEALTH}" in form
    assert not parse(form).select("input[checked]")  # never the whole file by default
    assert parse(form).select("[data-testid=young-person-only]")
    assert "field:name" in form
    assert "field:school_or_setting" in form

    one = found["Mum says the school has not applied for an assessment."]
    two = found["Agreed to ask the SENCO about the SEN support plan."]
    checked = await post_share(aisha, case_id, share_pairs(HEALTH, [one, two], "check"))
    assert checked.status_code == 200, checked.text
    assert parse(checked).select("[data-testid=check-allowed]")
    assert f"includes {HEALTH}." in page_text(checked)
    assert "share" in [b.get("value") for b in parse(checked).select("button[name=action]")]
    assert len(parse(checked).select("input[name=items]")) == 2

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
    assert len(parse(shown).select("[data-testid=shared-item]")) == 2
    assert re.search(r"Consent \(version \d+\)", shown)
    assert "Northmoor Academy" in shown
    assert "Ms Patel, SENCO" in shown
    # The page prints without its forms and links.
    assert any("govuk-!-display-none-print" in e.classes for e in parse(shown).descendants())
    assert not [href for _, href in links(shown) if "/tasks/" in href]  # no-one needs telling
    assert "Allowed: not sent yet" in page_text(shown)
    assert parse(shown).one("form[data-testid=sent-form]")

    log = text(await aisha.get(f"{NM}/cases/{case_id}/disclosures"))
    rows = parse(log).select("[data-testid=disclosure-row]")
    assert len(rows) == 1
    assert record in [href for _, href in links(rows[0])]
    [(_, recipient, _, status, _, _)] = table_rows(log)
    assert "Northmoor Academy" in recipient
    assert "not sent yet" in status


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
    assert parse(checked).select("[data-testid=check-refused]")
    assert reason in page_text(checked)
    # The buttons each persona is offered: a caseworker asks, a manager decides.
    assert buttons(parse(checked).one("main")) == ["Ask a manager to authorise"]
    assert not parse(checked).select("[name=legal_basis]")

    as_manager = await post_share(fiona, case_id, share_pairs(SOCIAL, [note], "check"))
    assert reason in page_text(as_manager)
    assert parse(as_manager).select("input[name=legal_basis]")
    assert buttons(parse(as_manager).one("main")) == ["Authorise sharing without consent"]

    # Recording it anyway is refused, with the same reason.
    refused = await post_share(aisha, case_id, share_pairs(SOCIAL, [note], "share"))
    assert refused.status_code == 409
    assert reason in text(refused)
    log = text(await aisha.get(f"{NM}/cases/{case_id}/disclosures"))
    assert parse(log).select("[data-testid=no-disclosures]")


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
    assert error_summary(missing)
    assert form_values(missing)["legal_basis"] == "safeguarding"

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
    assert parse(shown).select("[data-testid=task-when-sent]")
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
    reads = await case_audit(owner_conn, tenants["northmoor"], case_id)
    assert ("disclosure_override_refused", "northmoor-cw-1") in [
        (r["action"], r["subject"]) for r in reads
    ]
    log = text(await aisha.get(f"{NM}/cases/{case_id}/disclosures"))
    assert parse(log).select("[data-testid=no-disclosures]")


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
    assert form_values(unjustified)["legal_basis"] == "police_request"  # kept on the check page
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
    messages = [message for _, message in error_summary(bad)]
    assert "Enter the organisation" in messages
    assert "Enter the purpose of sharing" in messages
    kept = form_values(bad)
    assert kept["items"] == note
    assert kept["recipient_role"] == HEALTH
    assert kept["recipient_person"] == "Dr Okafor"
    assert len(parse(bad).select("input[checked]")) == 1

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
    # About to contact them: safe-contact preferences first (rule 8).
    assert "Before you make contact" in body
    assert "Do not leave a voicemail." in body
    assert "Partner must not know" in body
    assert record in body
    assert not parse(body).select("[data-testid=delay]")  # caseworkers cannot delay

    later = service_today() + timedelta(days=20)
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
    assert parse(shown).select("[data-testid=delay-row]")

    today = service_today()
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
    assert form_values(missing)["told_how"] == "phone"
    done = await submit(aisha, task, f"{task}/told", told)
    assert done.status_code == 303
    assert done.headers["location"] == task
    shown = text(await aisha.get(task))
    assert parse(shown).select("[data-testid=task-done]")
    assert "Aisha Rahman" in shown
    assert not parse(shown).select("[data-testid=record-told]")
    assert task not in text(await aisha.get(f"{NM}/tasks"))
    assert "Done" in text(await aisha.get(record))


async def test_overdue_tasks_are_highlighted(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    _, _, task = await legal_share(fiona, aisha, owner_conn, tenants["northmoor"])
    assert not parse(await aisha.get(task)).select("[data-testid=overdue]")

    # A year overdue, so it heads the list however many tasks other tests left open.
    await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "UPDATE tell_client_tasks SET due_on = current_date - 365 WHERE id = $1",
        uuid.UUID(task.rsplit("/", 1)[1]),
    )
    rows = parse(await fiona.get(f"{NM}/tasks")).select("tr[data-testid=task-row]")
    [listed] = [row for row in rows if task in [href for _, href in links(row)]]
    overdue = listed.one("[data-testid=overdue]")
    assert overdue.text == "Overdue"
    assert {"govuk-tag", "govuk-tag--red"} <= overdue.classes
    assert parse(await aisha.get(task)).select("[data-testid=overdue]")


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
    later = service_today() + timedelta(days=20)
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
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    gareth: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, record, task = await legal_share(fiona, aisha, owner_conn, tenants["northmoor"])
    # Not assigned: the case page says it is restricted (and offers break-glass).
    for path in (f"/cases/{case_id}/share", f"/cases/{case_id}/disclosures", record[len(NM) :]):
        response = await tom.get(f"{NM}{path}")
        assert response.status_code == 303, path
        assert response.headers["location"] == f"{NM}/cases/{case_id}"
    assert (await tom.get(task)).status_code == 403
    assert task not in text(await tom.get(f"{NM}/tasks"))
    assert (await gareth.get(f"{NM}/tasks")).status_code == 403
    assert (await gareth.get(f"{NM}/cases/{case_id}/share")).status_code == 403
