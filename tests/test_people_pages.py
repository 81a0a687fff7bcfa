"""One person across cases, on the pages without JavaScript: the new enquiry offers people
already recorded to link (only those need-to-know allows, rule 1), who must not be told
about a case is warned of and never offered (rule 22), households and a manager's merge."""

from __future__ import annotations

import random
import string
from typing import Any

import httpx

from tests.helpers.casework import new_case
from tests.helpers.html import error_summary, field_error, page_text, parse
from tests.helpers.http import post
from tests.helpers.pages import NM, enquiry_form, submit, text

API = "/t/northmoor/api"
ASK = "A possible match exists - ask a manager"


def surname() -> str:
    return "Qu" + "".join(random.choices(string.ascii_lowercase, k=9))


def _family(last: str) -> dict[str, Any]:
    return {
        "young_person": {"first_name": "Zephyrine", "last_name": last,
                         "date_of_birth": "2013-05-17", "postcode": "NM1 4QZ"},
        "parents": [{"first_name": "Claire", "last_name": last, "phone": "07700 900456",
                     "may_phone": True, "may_text": True,
                     "safe_contact_note": "Partner must not know"}],
    }  # fmt: skip


def _second_child(last: str, **changes: Any) -> list[tuple[str, str]]:
    """A parent rings about a second child: the form as the caseworker first posts it."""
    fields: dict[str, Any] = {
        "yp-first_name": "Theo",
        "yp-last_name": last,
        "yp-date_of_birth-day": "9",
        "yp-date_of_birth-month": "1",
        "yp-date_of_birth-year": "2016",
        "yp-school_or_setting": None,
        "yp-primary_need": None,
        "parent-first_name": "Claire",
        "parent-last_name": last,
        "yp-person_id": "new",  # a sibling's name may be offered too: Theo is new
        "parent-person_id": None,
        "consent-young_person_view": "Theo is happy for school to know",
    }
    fields.update(changes)
    return enquiry_form(**fields)


def _case_id(location: str) -> str:
    return location.rsplit("/", 1)[1].split("?", 1)[0]


async def test_the_enquiry_page_links_the_parent_already_recorded(
    aisha: httpx.AsyncClient,
) -> None:
    last = surname()
    first = await new_case(aisha, **_family(last))
    claire = first["people"][0]["person"]["id"]
    asked = await submit(aisha, f"{NM}/enquiries/new", f"{NM}/enquiries/new", _second_child(last))
    assert asked.status_code == 400
    assert [f for f, _ in error_summary(asked)] == ["#parent-person_id"]
    [offered] = parse(asked).select("[data-testid=parent-person_id-matches] input[type=radio]")[:1]
    assert offered.get("value") == claire
    assert first["reference"] in page_text(asked)

    done = await submit(
        aisha,
        f"{NM}/enquiries/new",
        f"{NM}/enquiries/new",
        _second_child(last, **{"parent-person_id": claire}),
    )
    assert done.status_code == 303, text(done)
    case = (await aisha.get(f"{API}/cases/{_case_id(done.headers['location'])}")).json()
    assert [p["person"]["id"] for p in case["people"]] == [claire]
    assert case["subject"]["first_name"] == "Theo"
    # Her safe-contact warning is already on the new case.
    page = await aisha.get(f"{NM}/cases/{case['id']}")
    assert "Partner must not know" in page_text(page)


async def test_the_enquiry_page_tells_a_caseworker_without_need_to_know_only_to_ask(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    last = surname()
    first = await new_case(aisha, **_family(last))
    asked = await submit(tom, f"{NM}/enquiries/new", f"{NM}/enquiries/new", _second_child(last))
    assert asked.status_code == 400
    shown = page_text(asked)
    assert ASK in shown
    assert not parse(asked).select("[data-testid*=-match-]")
    assert first["reference"] not in shown
    assert first["people"][0]["person"]["id"] not in asked.text
    # "None of these": a new record, as he chose.
    done = await submit(
        tom,
        f"{NM}/enquiries/new",
        f"{NM}/enquiries/new",
        _second_child(last, **{"parent-person_id": "new"}),
    )
    assert done.status_code == 303, text(done)


async def test_someone_who_must_not_be_told_is_warned_of_and_never_offered(
    aisha: httpx.AsyncClient,
) -> None:
    last = surname()
    case = await new_case(aisha, **_family(last))
    claire = case["people"][0]["person"]["id"]
    people = f"{NM}/cases/{case['id']}/people"
    marked = await submit(aisha, people, f"{people}/must-not-be-told",
                          [("person_id", claire), ("must_not_be_told", "yes")])  # fmt: skip
    assert marked.status_code == 303
    page = await aisha.get(f"{NM}/cases/{case['id']}")
    warning = parse(page).one("[data-testid=must-not-be-told]")
    assert f"Claire {last}" in warning.text
    contact_form = await aisha.get(f"{NM}/cases/{case['id']}/contacts/new")
    assert parse(contact_form).select("[data-testid=must-not-be-told]")
    offered = [o.get("value") for o in parse(contact_form).select("select#with_person_id option")]
    assert claire not in offered
    refused = await submit(
        aisha,
        f"{NM}/cases/{case['id']}/contacts/new",
        f"{NM}/cases/{case['id']}/contacts",
        [("kind", "phone"), ("direction", "outgoing"), ("with_person_id", claire),
         ("summary", "Rang about the meeting")],
    )  # fmt: skip
    assert refused.status_code == 400
    assert "must not be told" in (field_error(refused, "with_person_id") or "")
    cleared = await submit(aisha, people, f"{people}/must-not-be-told", [("person_id", claire)])
    assert cleared.status_code == 303
    assert not parse(await aisha.get(f"{NM}/cases/{case['id']}")).select(
        "[data-testid=must-not-be-told]"
    )


async def test_linking_recording_a_household_and_the_person_page(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    last = surname()
    case = await new_case(aisha, **_family(last))
    other = await new_case(
        aisha, young_person={"first_name": "Theo", "last_name": last}, parents=[
            {"first_name": "Rex", "last_name": last}]
    )  # fmt: skip
    rex = other["people"][0]["person"]["id"]
    people = f"{NM}/cases/{case['id']}/people"
    found = await submit(aisha, people, f"{people}/link",
                         [("first_name", "Rex"), ("last_name", last)])  # fmt: skip
    assert found.status_code == 200
    assert (
        next(i.get("value") for i in parse(found).select("[data-testid=person_id-matches] input"))
        == rex
    )
    linked = await submit(
        aisha, people, f"{people}/link",
        [("first_name", "Rex"), ("last_name", last), ("person_id", rex),
         ("relationship", "parent_or_carer"), ("must_not_be_told", "yes")],
    )  # fmt: skip
    assert linked.status_code == 303, text(linked)
    rows = parse(await aisha.get(people)).select("[data-testid=case-person]")
    assert any("Rex" in r.text and "Must not be told" in r.text for r in rows)

    nobody = await submit(
        aisha, people, f"{NM}/cases/{case['id']}/household", [("name", "The family")]
    )
    assert nobody.status_code == 400
    assert [f for f, _ in error_summary(nobody)] == ["#members"]
    zeph = case["subject"]["id"]
    claire = case["people"][0]["person"]["id"]
    made = await submit(
        aisha, people, f"{NM}/cases/{case['id']}/household",
        [("name", f"The {last} family"), (f"member-{zeph}", "young_person"),
         (f"member-{claire}", "parent"), (f"pr-{claire}", "yes")],
    )  # fmt: skip
    assert made.status_code == 303, text(made)
    household = await aisha.get(made.headers["location"])
    members = [r.text for r in parse(household).select("[data-testid=member]")]
    assert any("Claire" in m and "Parent" in m and "Yes" in m for m in members)
    person = await aisha.get(f"{NM}/people/{zeph}")
    assert f"The {last} family" in page_text(person)
    assert (await tom.get(f"{NM}/people/{zeph}")).status_code == 404
    assert (await tom.get(made.headers["location"])).status_code == 404


async def test_a_manager_merges_a_duplicate_from_the_person_page(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    last = surname()
    one = await new_case(aisha, **_family(last))
    two = await new_case(
        aisha, young_person={"first_name": "Zephyrine", "last_name": last,
                             "date_of_birth": "2013-05-17"}, parents=[]
    )  # fmt: skip
    keep, drop = one["subject"]["id"], two["subject"]["id"]
    page = f"{NM}/people/{keep}"
    assert not parse(await aisha.get(page)).select("[data-testid=merge]")
    form = await fiona.get(page)
    assert drop in [i.get("value") for i in parse(form).select("[data-testid=merge-candidate]")]
    no_reason = await submit(fiona, page, f"{page}/merge", [("merged_id", drop)])
    assert no_reason.status_code == 400
    assert [f for f, _ in error_summary(no_reason)] == ["#reason"]
    reason = "The same child, recorded twice"
    merged = await submit(fiona, page, f"{page}/merge", [("merged_id", drop), ("reason", reason)])
    assert merged.status_code == 303, text(merged)
    shown = await fiona.get(merged.headers["location"])
    assert parse(shown).select("[data-testid=merge-row]")
    assert (await aisha.get(f"{NM}/people/{drop}")).status_code == 404
    refused = await aisha.post(f"{page}/merge", data={"merged_id": drop, "reason": "x" * 20})
    assert refused.status_code in (403, 400)


async def _siblings(
    http: httpx.AsyncClient, last: str
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Zephyrine's case and household (with Claire); then Claire rings about Theo: his case,
    and the household's id."""
    first = await new_case(http, **_family(last))
    zeph, claire = first["subject"]["id"], first["people"][0]["person"]["id"]
    made = await post(http, f"{API}/households", {"name": f"The {last} family", "members": [
        {"person_id": zeph, "relationship": "young_person"},
        {"person_id": claire, "relationship": "parent"}]})  # fmt: skip
    assert made.status_code == 201, made.text
    second = await new_case(
        http, young_person={"first_name": "Theo", "last_name": last}, parents=[],
        parent_ids=[claire],
    )  # fmt: skip
    return first, second, made.json()["id"]


async def test_a_second_child_joins_the_household_from_their_case_s_people_page(
    aisha: httpx.AsyncClient,
) -> None:
    last = surname()
    first, second, household = await _siblings(aisha, last)
    theo = second["subject"]["id"]
    people = f"{NM}/cases/{second['id']}/people"
    action = f"{NM}/cases/{second['id']}/households/{household}/members"
    page = parse(await aisha.get(people))
    [section] = page.select("[data-testid=household]")
    assert f"The {last} family" in section.text
    form = section.one("[data-testid=add-to-household]")
    assert form.get("action") == action
    # Only Theo is offered: Claire is in the household already.
    assert [s.get("name") for s in form.select("select")] == [f"member-{theo}", f"pr-{theo}"]
    # Each household's form has its own ids (the household form below uses the same names).
    ids = [e.get("id") for e in page.select("[id]")]
    assert len(ids) == len(set(ids))
    prefix = f"h{household}-"

    nobody = await submit(aisha, people, action, [(f"member-{theo}", ""), (f"pr-{theo}", "yes")])
    assert nobody.status_code == 400
    assert [f for f, _ in error_summary(nobody)] == [f"#{prefix}members"]
    assert field_error(nobody, f"{prefix}members") == (
        "Choose at least one person to add to the household"
    )
    cousin = await submit(aisha, people, action, [(f"member-{theo}", "cousin")])
    assert cousin.status_code == 400
    assert [f for f, _ in error_summary(cousin)] == [f"#{prefix}member-{theo}"]
    assert field_error(cousin, f"{prefix}member-{theo}") == "Choose a relationship"
    pr = await submit(aisha, people, action, [(f"member-{theo}", "sibling"), (f"pr-{theo}", "?")])
    assert [f for f, _ in error_summary(pr)] == [f"#{prefix}pr-{theo}"]
    # The form comes back as it was typed.
    typed = parse(pr).one(f"#{prefix}member-{theo} option[selected]")
    assert typed.get("value") == "sibling"
    # Someone not on this case (a tampered form) is refused by the service, on the form.
    zeph = first["subject"]["id"]
    stranger = await submit(aisha, people, action, [(f"member-{zeph}", "sibling")])
    assert stranger.status_code == 400
    assert [f for f, _ in error_summary(stranger)] == [f"#{prefix}members"]

    added = await submit(aisha, people, action, [(f"member-{theo}", "sibling"),
                                                 (f"pr-{theo}", "unknown")])  # fmt: skip
    assert added.status_code == 303, text(added)
    done = await aisha.get(added.headers["location"])
    assert "They are added to the household." in page_text(done)
    assert not parse(done).select("[data-testid=add-to-household]")
    assert "Everyone on this case is in this household." in page_text(done)
    shown = await aisha.get(f"{NM}/households/{household}")
    members = [r.text for r in parse(shown).select("[data-testid=member]")]
    assert any(f"Theo {last}" in m and "Sibling" in m for m in members)
    assert any(f"Zephyrine {last}" in m and "Young person" in m for m in members)
    # Zephyrine's case shows the household with both children.
    other = parse(await aisha.get(f"{NM}/cases/{first['id']}/people"))
    assert f"Theo {last}" in other.one("[data-testid=household-members]").text


async def test_only_need_to_know_adds_to_a_household_from_a_case(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    last = surname()
    _, second, household = await _siblings(aisha, last)
    theo = second["subject"]["id"]
    people = f"{NM}/cases/{second['id']}/people"
    action = f"/cases/{second['id']}/households/{household}/members"
    pairs = [(f"member-{theo}", "sibling")]
    restricted = await tom.get(people)
    assert f"The {last} family" not in page_text(restricted)
    refused = await submit(tom, f"{NM}/dashboard", f"{NM}{action}", pairs)
    assert refused.status_code == 303  # to the case, which says it is restricted
    assert refused.headers["location"].endswith(f"/cases/{second['id']}")
    # Break-glass reads the page, households included, but offers no change.
    glass = await post(tom, f"{API}/cases/{second['id']}/break-glass",
                       {"reason": "Covering for Aisha today, family rang"})  # fmt: skip
    assert glass.status_code in (200, 201), glass.text
    read = parse(await tom.get(people))
    assert f"The {last} family" in read.one("[data-testid=household]").text
    assert not read.select("[data-testid=add-to-household]")
    assert (await submit(tom, people, f"{NM}{action}", pairs)).status_code == 403
    # Another service: not found.
    elsewhere = await submit(bronwen, "/t/eastdale/dashboard", f"/t/eastdale{action}", pairs)
    assert elsewhere.status_code == 404
    members = (await aisha.get(f"{API}/households/{household}")).json()["members"]
    assert theo not in [m["person_id"] for m in members]
