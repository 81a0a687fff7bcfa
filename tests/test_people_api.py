"""One person across cases, through the API: linking someone already recorded, the
duplicate check (only what need-to-know allows, rule 1), households, who must not be told
about a case (rule 22), and a manager's merge of two records."""

from __future__ import annotations

import random
import string
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, as_tenant, case_audit, enquiry, new_case
from tests.helpers.consent import task_after_override
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

ED = "/t/eastdale/api"
ASK = "A possible match exists - ask a manager"


def surname() -> str:
    """A surname no other test or the demo uses (name search is service-wide)."""
    return "Qu" + "".join(random.choices(string.ascii_lowercase, k=9))


def _yp(last: str, **changes: Any) -> dict[str, Any]:
    person: dict[str, Any] = {
        "first_name": "Zephyrine",
        "last_name": last,
        "date_of_birth": "2013-05-17",
        "postcode": "NM1 4QZ",
        "phone": "07700 900777",
        "may_phone": True,
    }
    person.update(changes)
    return person


def _parent(last: str, **changes: Any) -> dict[str, Any]:
    person: dict[str, Any] = {"first_name": "Ada", "last_name": last, "may_email": False}
    person.update(changes)
    return person


def _person(case: dict[str, Any], first_name: str) -> str:
    everyone = [case["subject"], *(p["person"] for p in case["people"])]
    [found] = [p["id"] for p in everyone if p["first_name"] == first_name]
    return str(found)


async def test_an_enquiry_links_people_already_recorded_with_their_own_preferences(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    last = surname()
    first = await new_case(aisha, young_person=_yp(last), parents=[_parent(last)])
    sam, ada = _person(first, "Zephyrine"), _person(first, "Ada")
    # A parent rings about a second child: she is linked, not recorded again.
    second = await new_case(
        aisha,
        young_person=_yp(last, first_name="Theo", date_of_birth="2016-01-09"),
        parents=[],
        parent_ids=[ada],
    )
    [linked] = second["people"]
    assert linked["person"]["id"] == ada
    assert linked["person"]["safe_contact"] == first["people"][0]["person"]["safe_contact"]
    # A young person who returns is the same person.
    returning = await new_case(aisha, young_person=None, young_person_id=sam, parents=[])
    assert returning["subject"]["id"] == sam
    assert returning["subject"]["safe_contact"]["may_phone"] is True
    people = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT count(*) AS n FROM people WHERE last_name = $1",
        last,
    )
    assert people[0]["n"] == 3  # Zephyrine, Ada and Theo: nobody twice
    # Consent stays per case: the third case has none of the first's.
    consent = await aisha.get(f"{NM}/cases/{returning['id']}/consents")
    assert consent.status_code == 200, consent.text
    assert (consent.json()["current"], consent.json()["versions"]) == (None, [])
    actions = [e["action"] for e in await case_audit(owner_conn, tenants["northmoor"],
                                                       returning["id"])]  # fmt: skip
    assert "person_linked" in actions
    both = await post(aisha, f"{NM}/enquiries", {**_enquiry_body(last), "young_person_id": sam})
    assert both.status_code == 400
    assert "young_person_id" in both.json()["errors"]


def _enquiry_body(last: str) -> dict[str, Any]:
    return enquiry(young_person=_yp(last), parents=[])


async def test_nobody_links_a_person_they_may_not_know_about(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    last = surname()
    case = await new_case(aisha, young_person=_yp(last), parents=[_parent(last)])
    sam, ada = _person(case, "Zephyrine"), _person(case, "Ada")
    body = {**_enquiry_body(last), "young_person": None, "young_person_id": sam}
    refused = await post(tom, f"{NM}/enquiries", body)
    never = await post(tom, f"{NM}/enquiries", {**body, "young_person_id": str(uuid.uuid4())})
    assert refused.status_code == never.status_code == 400
    assert refused.json()["errors"] == never.json()["errors"]
    parent = await post(tom, f"{NM}/enquiries", {**_enquiry_body(last), "parent_ids": [ada]})
    assert "parent_ids" in parent.json()["errors"]
    other_tenant = await post(bronwen, f"{ED}/enquiries", body)
    assert other_tenant.status_code == 400
    assert other_tenant.json()["errors"] == never.json()["errors"]
    assert (await tom.get(f"{NM}/people/{sam}")).status_code == 404
    assert (await bronwen.get(f"{ED}/people/{sam}")).status_code == 404
    assert (await aisha.get(f"{NM}/people/{sam}")).status_code == 200


async def test_the_duplicate_check_reveals_nothing_of_cases_one_may_not_see(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    last = surname()
    case = await new_case(aisha, young_person=_yp(last), parents=[_parent(last)])
    sam = _person(case, "Zephyrine")
    url = f"{NM}/people/duplicate-checks"
    misspelt = {"first_name": "Zephyrina", "last_name": last[:-1] + "x"}

    mine = (await post(aisha, url, misspelt)).json()
    [match] = mine["matches"]
    assert match["person_id"] == sam
    assert match["matched_on"] == ["name"]
    assert [c["reference"] for c in match["cases"]] == [case["reference"]]
    assert mine["hidden"] is False
    ada = {"first_name": "Ada", "last_name": last}
    assert (await post(aisha, url, ada)).json()["matches"][0]["first_name"] == "Ada"
    children = await post(aisha, url, {**ada, "kind": "child_or_young_person"})
    assert "Ada" not in [m["first_name"] for m in children.json()["matches"]]
    by_birth_and_postcode = (
        await post(aisha, url, {"date_of_birth": "2013-05-17", "postcode": "nm14qz"})
    ).json()
    assert sam in [m["person_id"] for m in by_birth_and_postcode["matches"]]

    # A phone number or an email address (as the caller gives it) with one other thing.
    number = f"07700 {random.randrange(100000, 999999)}"
    email = f"{last.lower()}@example.org"
    born = {"date_of_birth": "2012-01-09"}
    other = await new_case(
        aisha, young_person=_yp(surname(), first_name="Mirabel", phone=number, email=email,
                                **born), parents=[],
    )  # fmt: skip
    mirabel = _person(other, "Mirabel")
    for given in ({"phone": "+44 " + number[1:]}, {"email": email.upper()}):
        alone = (await post(aisha, url, given)).json()
        assert mirabel not in [m["person_id"] for m in alone["matches"]], given
        offered = (await post(aisha, url, {**given, **born})).json()
        assert [(m["person_id"], m["matched_on"]) for m in offered["matches"]] == [
            (mirabel, ["date_of_birth", *given])
        ], given
    assert "phone" in (await post(aisha, url, {"phone": "not a number"})).json()["errors"]

    # Tom has no need-to-know: he is told a match exists, and nothing else of it.
    theirs = await post(tom, url, misspelt)
    assert theirs.status_code == 200
    assert theirs.json()["matches"] == []
    assert theirs.json()["hidden"] is True
    assert theirs.json()["hidden_message"] == ASK
    for secret in (case["reference"], sam, last, "Zephyrine", case["id"], "2013"):
        assert secret not in theirs.text
    # A manager sees it in full; another service nothing at all.
    assert [m["person_id"] for m in (await post(fiona, url, misspelt)).json()["matches"]] == [sam]
    elsewhere = (await post(bronwen, f"{ED}/people/duplicate-checks", misspelt)).json()
    assert (elsewhere["matches"], elsewhere["hidden"]) == ([], False)

    checks = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT a.detail FROM audit_entries a JOIN staff_users s ON s.id = a.actor_id"
        " WHERE a.action = 'duplicate_check' AND s.subject = $1 ORDER BY a.seq DESC LIMIT 1",
        "northmoor-cw-2",
    )
    assert len(checks) == 1
    assert '"hidden": true' in str(checks[0]["detail"])
    assert last not in str(checks[0]["detail"])  # counts only, never what was checked
    bad = await post(aisha, url, {"first_name": "", "last_name": ""})
    assert bad.status_code == 400
    assert "first_name" in bad.json()["errors"]
    nul = await post(aisha, url, {"first_name": "A\u0000", "last_name": "B"})
    assert nul.status_code == 400


async def test_households_group_people_with_their_relationships(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    last = surname()
    case = await new_case(aisha, young_person=_yp(last), parents=[_parent(last)])
    sibling = await new_case(
        aisha,
        young_person=_yp(last, first_name="Theo"),
        parents=[],
        parent_ids=[_person(case, "Ada")],
    )
    zeph, ada, theo = _person(case, "Zephyrine"), _person(case, "Ada"), _person(sibling, "Theo")
    made = await post(
        aisha,
        f"{NM}/households",
        {
            "name": f"The {last} family",
            "members": [
                {"person_id": zeph, "relationship": "young_person"},
                {"person_id": ada, "relationship": "parent", "parental_responsibility": "yes"},
                {"person_id": theo, "relationship": "sibling"},
            ],
        },
    )
    assert made.status_code == 201, made.text
    household = made.json()
    members = {m["person_id"]: m for m in household["members"]}
    assert members[ada]["parental_responsibility"] == "yes"
    assert members[theo]["relationship"] == "sibling"
    person = (await aisha.get(f"{NM}/people/{theo}")).json()
    assert [h["id"] for h in person["households"]] == [household["id"]]
    reads = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'person_read' AND subject_id = $1",
        uuid.UUID(theo),
    )
    assert reads[0]["n"] == 1  # reading a person is audited, like reading a case
    step = await post(
        aisha,
        f"{NM}/households/{household['id']}/members",
        {"person_id": ada, "relationship": "step_parent", "parental_responsibility": "no"},
    )
    assert {m["person_id"]: m["relationship"] for m in step.json()["members"]}[ada] == (
        "step_parent"
    )
    bad = await post(aisha, f"{NM}/households", {"name": "x", "members": [
        {"person_id": zeph, "relationship": "cousin"}]})  # fmt: skip
    assert bad.status_code == 400
    assert (await tom.get(f"{NM}/households/{household['id']}")).status_code == 404
    refused = await post(tom, f"{NM}/households", {"name": "Mine", "members": [
        {"person_id": zeph, "relationship": "young_person"}]})  # fmt: skip
    assert refused.status_code == 400
    assert (await bronwen.get(f"{ED}/households/{household['id']}")).status_code == 404


async def _two_children(http: httpx.AsyncClient, last: str) -> tuple[dict[str, Any], ...]:
    """Zephyrine's case with Ada, their household; then Ada rings about Theo (a new case,
    Ada linked): the household Theo is not yet in."""
    first = await new_case(http, young_person=_yp(last), parents=[_parent(last)])
    zeph, ada = _person(first, "Zephyrine"), _person(first, "Ada")
    parent = {"person_id": ada, "relationship": "parent", "parental_responsibility": "yes"}
    made = await post(http, f"{NM}/households", {"name": f"The {last} family", "members": [
        {"person_id": zeph, "relationship": "young_person"}, parent]})  # fmt: skip
    assert made.status_code == 201, made.text
    second = await new_case(
        http, young_person=_yp(last, first_name="Theo"), parents=[], parent_ids=[ada]
    )
    return first, second, made.json()


async def test_people_on_a_case_join_a_household_someone_on_it_is_already_in(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    last = surname()
    first, second, household = await _two_children(aisha, last)
    theo, zeph = _person(second, "Theo"), _person(first, "Zephyrine")
    url = f"{NM}/cases/{second['id']}/households/{household['id']}/members"
    added = await post(aisha, url, {"members": [
        {"person_id": theo, "relationship": "sibling"}]})  # fmt: skip
    assert added.status_code == 200, added.text
    members = {m["person_id"]: m for m in added.json()["members"]}
    assert members[theo]["relationship"] == "sibling"
    assert members[theo]["parental_responsibility"] == "unknown"
    assert len(members) == 3
    person = (await aisha.get(f"{NM}/people/{theo}")).json()
    assert [h["id"] for h in person["households"]] == [household["id"]]
    audit = await case_audit(owner_conn, tenants["northmoor"], second["id"])
    assert ("household_member_set", "assigned", "sibling") in [
        (a["action"], a["grounds"], a["reason_code"]) for a in audit
    ]

    # Bad input: 400, naming the field where the service decides.
    for body, field in (
        ({"members": []}, "members"),
        ({"members": [{"person_id": zeph, "relationship": "sibling"}]}, "members"),
        ({"members": [{"person_id": theo, "relationship": "cousin"}]}, None),
        ({"members": [{"person_id": theo, "relationship": "sibling"}] * 2}, "members"),
        ({"members": [{"person_id": theo, "relationship": "x\u0000"}]}, None),
    ):
        bad = await post(aisha, url, body)
        assert bad.status_code == 400, (body, bad.text)
        if field:
            assert field in bad.json()["errors"], bad.text
    # A household nobody on the case is in is not found, as one that does not exist.
    other = await new_case(aisha, young_person=_yp(surname()), parents=[])
    theirs = await post(aisha, f"{NM}/households", {"name": "Another family", "members": [
        {"person_id": other["subject"]["id"], "relationship": "young_person"}]})  # fmt: skip
    for household_id in (theirs.json()["id"], str(uuid.uuid4())):
        missing = await post(
            aisha, f"{NM}/cases/{second['id']}/households/{household_id}/members",
            {"members": [{"person_id": theo, "relationship": "sibling"}]},
        )  # fmt: skip
        assert missing.status_code == 404, missing.text
    # A manager may too, on any case; a closed case takes no one.
    young = {"person_id": theo, "relationship": "young_person", "parental_responsibility": "no"}
    step = await post(fiona, url, {"members": [young]})
    assert step.status_code == 200, step.text
    closed = await post(aisha, f"{NM}/cases/{second['id']}/close", {"outcome": "Advice given"})
    assert closed.status_code == 200, closed.text
    shut = await post(aisha, url, {"members": [{"person_id": theo, "relationship": "sibling"}]})
    assert shut.status_code == 400
    final = (await aisha.get(f"{NM}/households/{household['id']}")).json()
    assert {m["person_id"]: m["relationship"] for m in final["members"]}[theo] == "young_person"


async def test_without_need_to_know_nobody_adds_a_case_s_people_to_a_household(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
) -> None:
    last = surname()
    _, second, household = await _two_children(aisha, last)
    theo = _person(second, "Theo")
    body = {"members": [{"person_id": theo, "relationship": "sibling"}]}
    url = f"/cases/{second['id']}/households/{household['id']}/members"
    assert (await post(tom, f"{NM}{url}", body)).status_code == 403
    member = {"person_id": theo, "relationship": "sibling"}
    general = f"/households/{household['id']}/members"  # the household's own route
    assert (await post(tom, f"{NM}{general}", member)).status_code == 404
    # Break-glass opens the case to read, not to change who the family are.
    glass = await post(tom, f"{NM}/cases/{second['id']}/break-glass",
                       {"reason": "Covering for Aisha today, family rang"})  # fmt: skip
    assert glass.status_code in (200, 201), glass.text
    assert (await post(tom, f"{NM}{url}", body)).status_code == 403
    # Nor through the household's own route, nor by making a household of them.
    assert (await post(tom, f"{NM}{general}", member)).status_code == 404
    made = await post(tom, f"{NM}/households", {"name": "Taken over", "members": [member]})
    assert made.status_code == 400, made.text
    assert "members" in made.json()["errors"]
    # Another service: the same "not found" as ids that never existed.
    assert (await post(bronwen, f"{ED}{url}", body)).status_code == 404
    assert (await post(bronwen, f"{ED}{general}", member)).status_code == 404
    after = (await aisha.get(f"{NM}/households/{household['id']}")).json()
    assert theo not in [m["person_id"] for m in after["members"]]


async def test_a_household_holds_at_most_twenty_people(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """Its members are shown whole, so it stays small, however people are added."""
    last = surname()
    _, second, household = await _two_children(aisha, last)
    theo = _person(second, "Theo")
    northmoor = tenants["northmoor"]
    await as_tenant(
        owner_conn,
        northmoor,
        "INSERT INTO household_members (id, tenant_id, household_id, person_id, relationship,"
        " parental_responsibility, added_by) SELECT gen_random_uuid(), $1, $2, p.id, 'other',"
        " 'unknown', (SELECT created_by FROM households WHERE id = $2) FROM people p"
        " WHERE p.tenant_id = $1 AND p.id <> $3 AND NOT EXISTS (SELECT 1 FROM household_members"
        " m WHERE m.household_id = $2 AND m.person_id = p.id) LIMIT 18",
        northmoor.id,
        uuid.UUID(household["id"]),
        uuid.UUID(theo),
    )
    filled = (await aisha.get(f"{NM}/households/{household['id']}")).json()
    assert len(filled["members"]) == 20
    member = {"person_id": theo, "relationship": "sibling"}
    full = await post(aisha, f"{NM}/households/{household['id']}/members", member)
    assert full.status_code == 400
    assert "at most 20" in full.json()["errors"]["person_id"]
    url = f"{NM}/cases/{second['id']}/households/{household['id']}/members"
    also = await post(aisha, url, {"members": [member]})
    assert also.status_code == 400
    assert "at most 20" in also.json()["errors"]["members"]
    # Someone already in it may still have their relationship set.
    ada = _person(second, "Ada")
    step = {"person_id": ada, "relationship": "step_parent"}
    assert (await post(aisha, url, {"members": [step]})).status_code == 200


async def test_someone_who_must_not_be_told_is_never_a_way_to_the_client(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    last = surname()
    # The ex-partner is on record from another case; the parent is fleeing them.
    earlier = await new_case(aisha, young_person=_yp(last), parents=[
        _parent(last, first_name="Rex", phone="07700 900999", may_phone=True,
                may_leave_voicemail=True, email="rex@example.com", may_email=True)])  # fmt: skip
    rex = _person(earlier, "Rex")
    cid, task = await task_after_override(
        aisha, fiona, young_person=_yp(last, first_name="Mia", may_phone=False), parents=[]
    )
    linked = await post(
        aisha,
        f"{NM}/cases/{cid}/people",
        {"person_id": rex, "relationship": "parent_or_carer", "must_not_be_told": True},
    )
    assert linked.status_code == 201, linked.text
    [on_case] = linked.json()["people"]
    assert on_case["must_not_be_told"] is True

    contact = {
        "kind": "phone",
        "direction": "outgoing",
        "occurred_at": datetime.now(UTC).isoformat(),
        "summary": "Rang about the tribunal",
    }
    named = await post(aisha, f"{NM}/cases/{cid}/contacts", {**contact, "with_person_id": rex})
    assert named.status_code == 400
    assert "must not be told" in named.json()["errors"]["with_person_id"]
    reason = "Manager decided: no other way to reach the family"
    excepted = await post(
        fiona,
        f"{NM}/cases/{cid}/contacts",
        {**contact, "with_person_id": rex, "safe_contact_exception": reason},
    )
    assert excepted.status_code == 400  # no exception for this one
    # Rex may be phoned, but he is no way to reach this client: nobody else may be.
    unnamed = await post(aisha, f"{NM}/cases/{cid}/contacts", contact)
    assert "may_phone" in unnamed.json()["errors"]["kind"]
    incoming = await post(
        aisha, f"{NM}/cases/{cid}/contacts",
        {**contact, "direction": "incoming", "with_person_id": rex},
    )  # fmt: skip
    assert incoming.status_code == 201  # what he does is always recordable
    told = await post(
        aisha,
        f"{NM}/tell-client-tasks/{task['id']}/told",
        {"told_on": service_today().isoformat(), "told_how": "email", "told_person_id": rex},
    )
    assert "must not be told" in told.json()["errors"]["told_person_id"]

    cleared = await post(
        aisha, f"{NM}/cases/{cid}/must-not-be-told", {"person_id": rex, "must_not_be_told": False}
    )
    assert cleared.json()["people"][0]["must_not_be_told"] is False
    subject = await post(
        aisha, f"{NM}/cases/{cid}/must-not-be-told", {"person_id": _person(earlier, "Zephyrine")}
    )
    assert "person_id" in subject.json()["errors"]


async def test_a_manager_merges_two_records_keeping_a_tombstone_and_the_history(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    last = surname()
    one = await new_case(aisha, young_person=_yp(last), parents=[_parent(last)])
    two = await new_case(aisha, young_person=_yp(last, first_name="Zephy"), parents=[])
    keep, drop = _person(one, "Zephyrine"), _person(two, "Zephy")
    body = {"survivor_id": keep, "merged_id": drop, "reason": "Same child: nickname on the second"}
    assert (await post(aisha, f"{NM}/people/merges", body)).status_code == 403
    short = await post(fiona, f"{NM}/people/merges", {**body, "reason": "same"})
    assert "reason" in short.json()["errors"]
    merged = await post(fiona, f"{NM}/people/merges", body)
    assert merged.status_code == 201, merged.text
    assert merged.json()["cases_moved"] == 1
    assert merged.json()["merged_by_name"] == "Fiona MacLeod"

    case_two = (await aisha.get(f"{NM}/cases/{two['id']}")).json()
    assert case_two["subject"]["id"] == keep
    [tombstone] = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT merged_into, first_name FROM people WHERE id = $1",
        uuid.UUID(drop),
    )
    assert (str(tombstone["merged_into"]), tombstone["first_name"]) == (keep, "Zephy")
    assert (await aisha.get(f"{NM}/people/{drop}")).status_code == 404
    record = (await aisha.get(f"{NM}/people/{keep}")).json()
    assert [(m["merged_id"], m["reason"]) for m in record["merges"]] == [(drop, body["reason"])]
    again = await post(fiona, f"{NM}/people/merges", body)
    assert again.status_code == 400
    log = (await fiona.get(f"{NM}/people/merges", params={"limit": 100})).json()
    assert drop in [m["merged_id"] for m in log["items"]]
    entries = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT action FROM audit_entries WHERE subject_kind = 'person' AND subject_id = $1",
        uuid.UUID(keep),
    )  # fmt: skip
    assert "people_merged" in [e["action"] for e in entries]
    # The merged record is no-one to link any more, nor offered by the duplicate check.
    offered = await post(fiona, f"{NM}/people/duplicate-checks",
                         {"first_name": "Zephy", "last_name": last})  # fmt: skip
    assert drop not in [m["person_id"] for m in offered.json()["matches"]]
    assert keep in [m["person_id"] for m in offered.json()["matches"]]
    relinked = await post(aisha, f"{NM}/enquiries", {**_enquiry_body(last), "young_person": None,
                                                      "young_person_id": drop})  # fmt: skip
    assert "young_person_id" in relinked.json()["errors"]


async def test_another_service_can_neither_see_nor_reach_households_or_merges(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    app_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    last = surname()
    one = await new_case(aisha, young_person=_yp(last), parents=[_parent(last)])
    two = await new_case(aisha, young_person=_yp(last, first_name="Zephy"), parents=[])
    zeph, ada = _person(one, "Zephyrine"), _person(one, "Ada")
    made = await post(aisha, f"{NM}/households", {"name": "Family", "members": [
        {"person_id": zeph, "relationship": "young_person"}]})  # fmt: skip
    household = uuid.UUID(made.json()["id"])
    merge = {"survivor_id": zeph, "merged_id": _person(two, "Zephy"), "reason": "One child, twice"}
    theirs = await post(bronwen, f"{ED}/people/merges", merge)
    assert theirs.status_code == 404
    stolen = await post(bronwen, f"{ED}/households", {"name": "Theirs", "members": [
        {"person_id": ada, "relationship": "parent"}]})  # fmt: skip
    assert stolen.status_code == 400
    assert (await post(fiona, f"{NM}/people/merges", merge)).status_code == 201

    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["eastdale"].id)
        )
        for table in ("households", "household_members", "person_merges"):
            seen = await app_conn.fetchval(
                f"SELECT count(*) FROM {table} WHERE tenant_id = $1",
                tenants["northmoor"].id,
            )
            assert seen == 0, table
        changed = await app_conn.execute(
            "UPDATE households SET name = 'Stolen' WHERE id = $1", household
        )
        assert changed == "UPDATE 0"
    # A row of this service cannot point into another's household or person.
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["eastdale"].id)
        )
        staff = await app_conn.fetchval("SELECT id FROM staff_users LIMIT 1")
        insert = app_conn.execute(
            "INSERT INTO household_members (id, tenant_id, household_id, person_id,"
            " relationship, parental_responsibility, added_by)"
            " VALUES ($1, $2, $3, $4, 'parent', 'unknown', $5)",
            uuid.uuid4(),
            tenants["eastdale"].id,
            household,
            uuid.UUID(ada),
            staff,
        )
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await insert
