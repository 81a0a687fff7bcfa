"""Issue 11 through the JSON API: consent and disclosure as the confidentiality policy says.

One test (or a few) per numbered item, from the outside, against the real app and database:
police and courts only on a legal basis (1), a young person's own consent and capacity (2),
closed cases (3), anonymous cases (4), reviews of unassigned cases (5), consent asked at
first contact (6), the parent's view for a parent's consent (7), decided then sent (8).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, a_minute_ago, as_tenant, case_audit, enquiry, new_case
from tests.helpers.consent import (
    add_note,
    audit_actions,
    backdate_share,
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


def born(years: int, days: int = 30) -> str:
    """A date of birth ``years`` old (and ``days`` more) today."""
    return (TODAY.replace(year=TODAY.year - years) - timedelta(days=days)).isoformat()


def child(years: int, **changes: Any) -> dict[str, Any]:
    person: dict[str, Any] = {"first_name": "Robin", "last_name": "Ashe"}
    person["date_of_birth"] = born(years)
    person.update(changes)
    return person


async def disclose(http: httpx.AsyncClient, case_id: str, body: dict[str, Any]) -> httpx.Response:
    return await post(http, f"{NM}/cases/{case_id}/disclosures", body)


async def tell_tasks(owner: asyncpg.Connection, tenant: TenantRef, disclosure_id: str) -> int:
    rows = await as_tenant(
        owner,
        tenant,
        "SELECT count(*) AS n FROM tell_client_tasks WHERE disclosure_id = $1",
        uuid.UUID(disclosure_id),
    )
    return int(rows[0]["n"])


@pytest.fixture
async def capacity_age_15(tenants: dict[str, TenantRef]) -> AsyncIterator[None]:
    """Northmoor presumes capacity from 15 for the test, and from 12 (the default) after."""
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import DEFAULT_PROFESSIONAL_ROLES, set_consent_settings

    async def to(age: int) -> None:
        async with tenant_transaction(tenants["northmoor"].id):
            await set_consent_settings(
                DEFAULT_PROFESSIONAL_ROLES, 12, True, 5, capacity_age=age, unsent_share_days=5
            )

    await to(15)
    yield
    await to(12)


# 1. Police, a court or anyone not on the list: never on consent, always a manager's call.


@pytest.mark.parametrize("role", ["Police", "Court", "Other"])
async def test_full_consent_never_covers_the_police_a_court_or_anyone_not_on_the_list(
    role: str,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Mum described the incident at school")
    await record_consent(aisha, cid, decision="full", roles=[], parties_told=["School or SENCO"])

    result = await check(aisha, cid, role, [("note", note)])
    assert (result["allowed"], result["code"]) == (False, "legal_basis_only")
    assert f"{role} is not one of the professional roles consent covers" in result["reason"]
    refused = await disclose(aisha, cid, share_body(role, [("note", note)]))
    assert refused.status_code == 409
    assert refused.json()["code"] == "legal_basis_only"
    assert (await aisha.get(f"{NM}/cases/{cid}/disclosures")).json()["total"] == 0

    # A caseworker may ask; only a manager decides, on a legal basis, and the family is told.
    asked = await disclose(aisha, cid, share_body(role, [("note", note)], ask_manager=True))
    assert asked.json()["status"] == "awaiting_authorisation"
    decision = {"legal_basis": "police_request", "justification": "A written police request"}
    url = f"{NM}/cases/{cid}/disclosures/{asked.json()['id']}"
    authorised = await post(fiona, f"{url}/authorisation", decision)
    assert authorised.json()["status"] == "authorised"
    sent = await send(aisha, cid, asked.json()["id"], sent_to="DC Shah, Northmoor Police")
    assert sent.status_code == 200, sent.text
    assert sent.json()["task"]["status"] == "open"
    assert await tell_tasks(owner_conn, tenants["northmoor"], asked.json()["id"]) == 1


async def test_the_parties_they_were_told_about_are_recorded_at_first_contact(
    aisha: httpx.AsyncClient,
) -> None:
    given = consent(decision="full", roles=[], parties_told=["School or SENCO", "Health"])
    case = await new_case(aisha, consent=given, consent_not_asked=None)
    history = (await aisha.get(f"{NM}/cases/{case['id']}/consents")).json()
    assert history["current"]["version"] == 1
    assert history["current"]["parties_told"] == ["School or SENCO", "Health"]
    note = await add_note(aisha, case["id"], "A note for the school")
    told = await check(aisha, case["id"], "School or SENCO", [("note", note)])
    assert (told["allowed"], told["warning"]) == (True, None)
    untold = await check(aisha, case["id"], "Social care", [("note", note)])
    assert untold["allowed"] is True
    assert "they were told about School or SENCO, Health, not Social care" in untold["warning"]


# 2. Capacity: a young person's own consent, and what a parent's consent covers.


async def test_a_child_under_the_age_answers_only_with_a_recorded_decision_of_capacity(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha, young_person=child(9), contacted_by="young_person")
    cid = case["id"]
    own = await post(aisha, f"{NM}/cases/{cid}/consents", consent(given_by="young_person"))
    assert own.status_code == 400
    assert (
        "The young person is 9: under the service's age of 12" in own.json()["errors"]["given_by"]
    )
    capacity = (await aisha.get(f"{NM}/cases/{cid}/capacity")).json()
    assert (capacity["age"], capacity["has_capacity"], capacity["decision"]) == (9, False, None)

    unsaid = {"has_capacity": True, "judged_on": TODAY.isoformat(), "note": " "}
    bad = await post(aisha, f"{NM}/cases/{cid}/capacity", unsaid)
    assert bad.status_code == 400
    assert "note" in bad.json()["errors"]
    judged = await post(
        aisha,
        f"{NM}/cases/{cid}/capacity",
        {
            "has_capacity": True,
            "judged_on": TODAY.isoformat(),
            "note": "Understood what sharing means and who with",
        },
    )
    assert judged.status_code == 201, judged.text
    decision = judged.json()["decision"]
    assert judged.json()["has_capacity"] is True
    assert decision["judged_by_name"] == "Aisha Rahman"
    assert decision["judged_on"] == TODAY.isoformat()
    own = await post(aisha, f"{NM}/cases/{cid}/consents", consent(given_by="young_person"))
    assert own.status_code == 201, own.text
    assert "capacity_recorded" in await audit_actions(owner_conn, tenants["northmoor"], cid)


async def test_below_the_age_a_parents_consent_covers_the_case_with_the_childs_view(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha, young_person=child(9))
    cid = case["id"]
    viewless = await post(aisha, f"{NM}/cases/{cid}/consents", consent())
    assert viewless.status_code == 400
    assert "Record the child's own view" in viewless.json()["errors"]["young_person_view"]
    view = "Robin is happy for the SENCO to know about the sensory breaks"
    given = await record_consent(aisha, cid, young_person_view=view)
    assert given["young_person_view"] == view
    secret = await add_note(aisha, cid, "Robin told us about a worry", side="young_person_only")
    result = await check(aisha, cid, "School or SENCO", [("note", secret)])
    assert (result["allowed"], result["code"]) == (True, "restricted_includes_role")


async def test_at_the_age_a_parents_consent_covers_the_parents_side_only(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha, young_person=child(14))
    cid = case["id"]
    await record_consent(aisha, cid)  # a parent's: no view needed, Robin answers for himself
    shared = await add_note(aisha, cid, "Mum asked for a meeting with the SENCO")
    secret = await add_note(aisha, cid, "Robin told us about a worry", side="young_person_only")
    assert (await check(aisha, cid, "School or SENCO", [("note", shared)]))["allowed"] is True
    refused = await disclose(aisha, cid, share_body("School or SENCO", [("note", secret)]))
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "young_person_side"
    assert "a parent's or carer's consent covers the parent's side only" in body["reason"]
    assert "The young person is 14: at or over the service's age of 12" in body["reason"]

    # Robin's own consent covers what he told us.
    await record_consent(aisha, cid, given_by="young_person")
    assert (await check(aisha, cid, "School or SENCO", [("note", secret)]))["allowed"] is True

    # A decision that he cannot decide for himself: his parent speaks for him again.
    await record_consent(aisha, cid, young_person_view="Robin did not want to say")
    judged = {"has_capacity": False, "judged_on": TODAY.isoformat(), "note": "Assessed today"}
    assert (await post(aisha, f"{NM}/cases/{cid}/capacity", judged)).status_code == 201
    assert (await check(aisha, cid, "School or SENCO", [("note", secret)]))["allowed"] is True


async def test_the_age_of_capacity_is_the_tenants_setting(
    aisha: httpx.AsyncClient, capacity_age_15: None
) -> None:
    case = await new_case(aisha, young_person=child(14))
    cid = case["id"]
    own = await post(aisha, f"{NM}/cases/{cid}/consents", consent(given_by="young_person"))
    assert own.status_code == 400
    assert "under the service's age of 15" in own.json()["errors"]["given_by"]
    viewless = await post(aisha, f"{NM}/cases/{cid}/consents", consent())
    assert "young_person_view" in viewless.json()["errors"]


# 3. A closed case: a manager's legal-basis disclosure, and authorising one, still work.


async def test_a_police_request_for_a_closed_case_is_authorised_sent_and_told(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Advice given about the exclusion appeal")
    await record_consent(aisha, cid, decision="full", roles=[], parties_told=["School or SENCO"])
    closed = await post(aisha, f"{NM}/cases/{cid}/close", {"outcome": "Appeal heard"})
    assert closed.status_code == 200

    on_consent = await disclose(aisha, cid, share_body("School or SENCO", [("note", note)]))
    assert on_consent.status_code == 409
    assert on_consent.json()["code"] == "case_closed"

    police = share_body(
        "Police",
        [("note", note)],
        recipient_org="Northmoor Police",
        ask_manager=True,
        purpose="A written police request for the advice given",
    )
    asked = await disclose(aisha, cid, police)
    assert asked.status_code == 201, asked.text
    url = f"{NM}/cases/{cid}/disclosures/{asked.json()['id']}"
    decision = {"legal_basis": "police_request", "justification": "Signed DP request form"}
    authorised = await post(fiona, f"{url}/authorisation", decision)
    assert authorised.status_code == 200, authorised.text
    assert authorised.json()["status"] == "authorised"
    sent = await send(fiona, cid, asked.json()["id"], sent_to="DC Shah, Public Protection Unit")
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "shared"
    assert sent.json()["task"]["status"] == "open"

    court = share_body(
        "Court",
        [("note", note)],
        recipient_org="Northmoor County Court",
        legal_basis="court_order",
        justification="Court order of today's date for the file",
    )
    direct = await disclose(fiona, cid, court)
    assert direct.status_code == 201, direct.text
    assert direct.json()["status"] == "authorised"
    actions = await audit_actions(owner_conn, tenants["northmoor"], cid)
    assert actions.count("disclosure_authorised") == 2
    assert actions.count("disclosure_sent") == 1


# 4. An anonymous case: nobody to tell, and it says so.


async def test_an_anonymous_case_records_that_telling_is_not_possible(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha, anonymous=True, young_person=None, parents=[])
    cid = case["id"]
    note = await add_note(aisha, cid, "Caller described a child at risk at a named school")
    refused = await disclose(aisha, cid, share_body("Social care", [("note", note)]))
    assert refused.status_code == 409
    assert refused.json()["code"] == "anonymous"

    body = share_body(
        "Social care",
        [("note", note)],
        legal_basis="safeguarding",
        justification="A child may be at risk of serious harm",
    )
    authorised = await disclose(fiona, cid, body)
    assert authorised.status_code == 201, authorised.text
    made = authorised.json()
    assert "there is no-one to tell" in made["tell_not_possible"]
    sent = await send(fiona, cid, made["id"], sent_to="Duty social worker")
    assert sent.status_code == 200, sent.text
    assert (sent.json()["status"], sent.json()["task"]) == ("shared", None)
    assert await tell_tasks(owner_conn, tenants["northmoor"], made["id"]) == 0
    listed = (await fiona.get(f"{NM}/tell-client-tasks", params={"limit": 100})).json()
    assert made["id"] not in [t["disclosure_id"] for t in listed["items"]]


# 5. Reviews of cases with no caseworker: managers see them.


async def test_managers_see_due_reviews_of_cases_nobody_is_assigned_to(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    await record_consent(aisha, cid)
    await set_review_due(owner_conn, tenants["northmoor"], cid, TODAY - timedelta(days=2))
    staff = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT id FROM staff_users WHERE subject = 'northmoor-cw-1'",
    )
    unassigned = await post(
        fiona,
        f"{NM}/cases/{cid}/assignments",
        {"staff_id": str(staff[0]["id"]), "assigned": False},
    )
    assert unassigned.status_code == 200, unassigned.text

    def listed(response: httpx.Response) -> list[str]:
        return [r["case_id"] for r in response.json()["items"]]

    params = {"limit": 100}
    assert cid in listed(await fiona.get(f"{NM}/consent-reviews", params=params))
    assert cid not in listed(await tom.get(f"{NM}/consent-reviews", params=params))
    assert cid not in listed(await aisha.get(f"{NM}/consent-reviews", params=params))


# 6. The API's enquiry asks about consent as the page does.


async def test_the_api_enquiry_needs_the_consent_answer_or_why_it_was_not_asked(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    url = f"{NM}/enquiries"
    before = await as_tenant(owner_conn, tenants["northmoor"], "SELECT count(*) AS n FROM cases")
    silent = await post(aisha, url, enquiry(consent_not_asked=None))
    assert silent.status_code == 400
    assert "Record their answer about consent" in silent.json()["errors"]["consent"]
    bad = await post(aisha, url, enquiry(consent_not_asked=None, consent=consent(roles=[])))
    assert "consent.roles" in bad.json()["errors"]
    young = await post(
        aisha,
        url,
        enquiry(
            consent_not_asked=None,
            young_person=child(9),
            consent=consent(given_by="young_person"),
        ),
    )
    assert "consent.given_by" in young.json()["errors"]
    both = await post(aisha, url, enquiry(consent=consent()))
    assert "consent_not_asked" in both.json()["errors"]
    blank = await post(aisha, url, enquiry(consent_not_asked=" "))
    assert "consent_not_asked" in blank.json()["errors"]
    anonymous = enquiry(anonymous=True, young_person=None, parents=[], consent=consent())
    assert "consent" in (await post(aisha, url, anonymous)).json()["errors"]
    after = await as_tenant(owner_conn, tenants["northmoor"], "SELECT count(*) AS n FROM cases")
    assert after[0]["n"] == before[0]["n"]  # nothing half-recorded

    answered = await new_case(aisha, consent=consent(), consent_not_asked=None)
    assert (await aisha.get(f"{NM}/cases/{answered['id']}/consents")).json()["current"][
        "version"
    ] == 1

    why = "The call dropped before we could ask"
    deferred = await new_case(aisha, consent_not_asked=why)
    cid = deferred["id"]
    waiting = (await aisha.get(f"{NM}/cases-awaiting-consent", params={"limit": 100})).json()
    [line] = [c for c in waiting["items"] if c["case_id"] == cid]
    assert line["reason"] == why
    history = (await aisha.get(f"{NM}/cases/{cid}/consents")).json()
    assert history["not_asked"]["reason"] == why
    await record_consent(aisha, cid)
    waiting = (await aisha.get(f"{NM}/cases-awaiting-consent", params={"limit": 100})).json()
    assert cid not in [c["case_id"] for c in waiting["items"]]


# 7. A share made on a parent's consent is made from the parent's view of the case.


async def test_a_share_on_a_parents_consent_is_taken_from_the_parents_view(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha, young_person=child(14))
    cid = case["id"]
    await record_consent(aisha, cid, decision="full", roles=[], parties_told=["Health"])
    said = await add_note(aisha, cid, "Mum says the referral is overdue")
    secret = await add_note(aisha, cid, "Robin asked us not to tell mum", side="young_person_only")
    contact = await post(
        aisha,
        f"{NM}/cases/{cid}/contacts",
        {
            "kind": "phone",
            "direction": "incoming",
            "occurred_at": a_minute_ago(),
            "summary": "Robin rang on his own",
            "side": "young_person_only",
        },
    )
    private = contact.json()["id"]
    for item in (("note", secret), ("contact", private)):
        refused = await disclose(aisha, cid, share_body("Health", [("note", said), item]))
        assert refused.status_code == 409, item
        assert refused.json()["code"] == "young_person_side"
    allowed = await disclose(aisha, cid, share_body("Health", [("note", said)]))
    assert allowed.status_code == 201, allowed.text
    assert [i["text"] for i in allowed.json()["items"]] == ["Mum says the referral is overdue"]
    reads = [r["reason_code"] for r in await case_audit(owner_conn, tenants["northmoor"], cid)]
    assert reads.count("parent_consent_share") == 3  # each share looked through the parent's view


# 8. A disclosure is decided, then sent: only then is it shared.


async def test_a_share_is_allowed_then_sent_and_the_log_shows_both_steps(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Plan agreed with mum")
    await record_consent(aisha, cid)
    made = (await disclose(aisha, cid, share_body("School or SENCO", [("note", note)]))).json()
    log = (await aisha.get(f"{NM}/cases/{cid}/disclosures")).json()["items"]
    assert [(d["status"], d["sent_on"]) for d in log] == [("allowed", None)]

    for bad, field in (
        ({"sent_on": (TODAY + timedelta(days=1)).isoformat()}, "sent_on"),
        ({"sent_on": (TODAY - timedelta(days=3)).isoformat()}, "sent_on"),  # before allowed
        ({"sent_to": "  "}, "sent_to"),
    ):
        response = await send(aisha, cid, made["id"], **bad)
        assert response.status_code == 400, bad
        assert field in response.json()["errors"]
    assert (await send(tom, cid, made["id"])).status_code == 403  # no need-to-know
    sent = await send(aisha, cid, made["id"], method="post", sent_to="Ms Patel, SENCO, by post")
    assert sent.status_code == 200, sent.text
    done = sent.json()
    assert (done["status"], done["sent_on"], done["sent_method"]) == (
        "shared",
        TODAY.isoformat(),
        "post",
    )
    assert (done["sent_to"], done["sent_by_name"]) == ("Ms Patel, SENCO, by post", "Aisha Rahman")
    log = (await aisha.get(f"{NM}/cases/{cid}/disclosures")).json()["items"]
    assert [(d["status"], d["sent_on"], d["sent_method"]) for d in log] == [
        ("shared", TODAY.isoformat(), "post")
    ]
    assert (await send(aisha, cid, made["id"])).status_code == 400  # sent once
    cancel = await post(aisha, f"{NM}/cases/{cid}/disclosures/{made['id']}/cancel", {"reason": "x"})
    assert cancel.status_code == 400
    actions = await audit_actions(owner_conn, tenants["northmoor"], cid)
    assert actions.index("disclosure_allowed") < actions.index("disclosure_sent")


async def test_sending_checks_the_consent_again_and_a_share_not_sent_can_be_cancelled(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Plan agreed with mum")
    await record_consent(aisha, cid)
    made = (await disclose(aisha, cid, share_body("School or SENCO", [("note", note)]))).json()
    await record_consent(aisha, cid, decision="refused", roles=[], advised_of_limits=True)
    refused = await send(aisha, cid, made["id"])
    assert refused.status_code == 409
    assert refused.json()["code"] == "refused"
    record = (await aisha.get(f"{NM}/cases/{cid}/disclosures/{made['id']}")).json()
    assert record["status"] == "allowed"
    url = f"{NM}/cases/{cid}/disclosures/{made['id']}/cancel"
    assert (await post(aisha, url, {"reason": ""})).status_code == 400
    cancelled = await post(aisha, url, {"reason": "Mum withdrew consent before it went"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_by_name"] == "Aisha Rahman"


async def test_shares_not_sent_within_the_tenants_days_are_listed_for_the_caseworker(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Plan agreed with mum")
    await record_consent(aisha, cid)
    made = (await disclose(aisha, cid, share_body("School or SENCO", [("note", note)]))).json()

    def listed(response: httpx.Response) -> list[str]:
        return [d["id"] for d in response.json()["items"]]

    url, params = f"{NM}/disclosures/unsent", {"limit": 100}
    assert made["id"] not in listed(await aisha.get(url, params=params))  # allowed today
    await backdate_share(made["id"], 6)  # the tenant's default is 5 days
    assert made["id"] in listed(await aisha.get(url, params=params))
    assert made["id"] in listed(await fiona.get(url, params=params))
    assert made["id"] not in listed(await tom.get(url, params=params))
    assert (await send(aisha, cid, made["id"])).status_code == 200
    assert made["id"] not in listed(await aisha.get(url, params=params))


async def test_a_persons_address_and_phone_can_be_shared_for_a_safeguarding_referral(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    parent = {
        "first_name": "Ada",
        "last_name": "Okafor",
        "address": "12 Moor Lane\nNorthmoor",
        "postcode": "nm1 2ab",
        "phone": "07700 900777",
        "may_phone": True,
    }
    case = await new_case(aisha, parents=[parent])
    cid = case["id"]
    person = case["people"][0]["person"]["id"]
    await record_consent(aisha, cid, decision="refused", roles=[], advised_of_limits=True)
    body = share_body(
        "Social care",
        [("address", person), ("phone", person)],
        legal_basis="safeguarding",
        justification="Children's social care need to visit today",
    )
    made = await disclose(fiona, cid, body)
    assert made.status_code == 201, made.text
    items = [(i["kind"], i["label"], i["text"]) for i in made.json()["items"]]
    assert items == [
        ("address", "Address of Ada Okafor (parent or carer)", "12 Moor Lane\nNorthmoor\nNM1 2AB"),
        ("phone", "Phone number of Ada Okafor (parent or carer)", "07700 900777"),
    ]


async def test_a_contact_detail_that_is_not_recorded_cannot_be_chosen(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)  # Ada has no address; the case has no such person
    cid = case["id"]
    person = case["people"][0]["person"]["id"]
    for kind, ident, message in (
        ("address", person, "Address of Ada Okafor is not recorded"),
        ("phone", str(uuid.uuid4()), "Choose items from this case"),
    ):
        response = await post(
            aisha,
            f"{NM}/cases/{cid}/disclosure-checks",
            share_body("School or SENCO", [(kind, ident)]),
        )
        assert response.status_code == 400
        assert response.json()["errors"]["items"] == message
