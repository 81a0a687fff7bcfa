"""The directory used on case work (issue 14): a person's school chosen from it (an act on
the case: need-to-know and audited, rules 1 and 2), and a school's SENCO as the recipient
of a share (rule 6: the check is the same; the recipient is the directory's)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import httpx

from tests.helpers.casework import as_tenant, case_audit, new_case
from tests.helpers.consent import add_note, record_consent, share_body
from tests.helpers.html import error_summary, links, parse
from tests.helpers.http import csrf_token, post
from tests.helpers.schools import gias_csv, import_api, new_urns, school_row, schools_named
from tests.helpers.tenants import TenantRef

NM = "/t/northmoor"
API = f"{NM}/api"


async def _school(
    gareth: httpx.AsyncClient, http: httpx.AsyncClient, slug: str = "northmoor"
) -> Any:
    [urn] = new_urns(1)
    done = await import_api(gareth, slug, gias_csv([school_row(urn, f"Fellview {urn}")]))
    assert done.status_code == 200, done.text
    [school] = await schools_named(http, slug, urn)
    return school


async def test_a_persons_school_is_chosen_from_the_directory_and_audited(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    gareth: httpx.AsyncClient,
    priya: httpx.AsyncClient,
    sign_in_as: Any,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    nm = tenants["northmoor"]
    school = await _school(gareth, aisha)
    case = await new_case(aisha)
    person = case["subject"]["id"]
    path = f"{API}/cases/{case['id']}/people/{person}/school"

    chosen = await post(aisha, path, {"school_id": school["id"]})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["school"]["urn"] == school["urn"]
    assert (await aisha.get(path)).json()["school"]["id"] == school["id"]
    [row] = await as_tenant(
        owner_conn, nm, "SELECT school_id FROM people WHERE id = $1", UUID(person)
    )
    assert str(row["school_id"]) == school["id"]
    actions = [a["action"] for a in await case_audit(owner_conn, nm, case["id"])]
    assert "person_school_chosen" in actions

    cleared = await post(aisha, path, {"school_id": None})
    assert cleared.status_code == 200
    assert cleared.json()["school"] is None

    # Only a school of this service's directory; only a person on this case.
    seun = await sign_in_as("seun")
    theirs = await _school(seun, priya, "eastdale")
    for school_id in (theirs["id"], "00000000-0000-4000-8000-000000000000"):
        refused = await post(aisha, path, {"school_id": school_id})
        assert refused.status_code == 400
        assert list(refused.json()["errors"]) == ["school_id"]
    other = await new_case(aisha)
    stranger = f"{API}/cases/{case['id']}/people/{other['subject']['id']}/school"
    assert (await post(aisha, stranger, {"school_id": school["id"]})).status_code == 404
    assert (await post(aisha, path, {"school_id": "not a uuid"})).status_code == 400
    # Need-to-know: Tom is not assigned.
    restricted = await post(tom, path, {"school_id": school["id"]})
    assert restricted.status_code == 403
    assert restricted.json()["restricted"] is True
    assert (await tom.get(path)).status_code == 403


async def test_a_persons_school_is_chosen_on_a_page_without_javascript(
    aisha: httpx.AsyncClient,
    gareth: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    school = await _school(gareth, aisha)
    case = await new_case(aisha)
    person = case["subject"]["id"]
    case_page = await aisha.get(f"{NM}/cases/{case['id']}")
    chooser = f"{NM}/cases/{case['id']}/people/{person}/school"
    assert chooser in [href for _, href in links(case_page, "[data-testid=person-school-link]")]

    before = len(await case_audit(owner_conn, tenants["northmoor"], case["id"]))
    page = await aisha.get(chooser, params={"q": school["urn"]})
    assert page.status_code == 200
    read = (await case_audit(owner_conn, tenants["northmoor"], case["id"]))[before:]
    assert [(r["action"], r["reason_code"]) for r in read] == [("case_read", "person_school")]
    other = (await new_case(aisha))["subject"]["id"]
    assert (await aisha.get(f"{NM}/cases/{case['id']}/people/{other}/school")).status_code == 404
    assert parse(page).select(f"input[data-testid=school-{school['urn']}]")
    token = csrf_token(page.text)
    bad = await aisha.post(chooser, data={"_csrf_token": token, "school_id": "somewhere"})
    assert bad.status_code == 400
    assert error_summary(bad) == [("#school_id", "Choose a school from the list, or none")]
    done = await aisha.post(chooser, data={"_csrf_token": token, "school_id": school["id"]})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{NM}/cases/{case['id']}?done=school"
    again = await aisha.get(chooser)
    assert school["name"] in parse(again).one("[data-testid=current-school]").text


async def test_a_share_can_go_to_a_schools_senco_from_the_directory(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient
) -> None:
    school = await _school(gareth, aisha)
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Needs a quiet space at lunch")
    await record_consent(aisha, cid)
    body = share_body("School or SENCO", [("note", note)], recipient_school_id=school["id"])
    body["recipient_org"] = "typed, and replaced by the directory's"

    no_senco = await post(aisha, f"{API}/cases/{cid}/disclosures", body)
    assert no_senco.status_code == 400
    assert list(no_senco.json()["errors"]) == ["recipient_school_id"]

    saved = await post(
        aisha,
        f"{API}/schools/{school['id']}/senco",
        {"senco_name": "Ravi Senco", "senco_email": "senco@fellview.example"},
    )
    assert saved.status_code == 200
    shared = await post(aisha, f"{API}/cases/{cid}/disclosures", body)
    assert shared.status_code == 201, shared.text
    made = shared.json()
    assert made["recipient_org"] == school["name"]
    assert made["recipient_person"] == "Ravi Senco <senco@fellview.example>"
    assert made["status"] == "allowed"

    unknown = dict(body, recipient_school_id="00000000-0000-4000-8000-000000000000")
    refused = await post(aisha, f"{API}/cases/{cid}/disclosures", unknown)
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["recipient_school_id"]


async def test_the_share_page_finds_a_school_and_addresses_the_share_to_its_senco(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient, owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    from tests.helpers.sharing import case_with_notes, post_share, record_path, share_pairs

    school = await _school(gareth, aisha)
    await post(
        aisha,
        f"{API}/schools/{school['id']}/senco",
        {"senco_name": "Ravi Senco", "senco_email": "senco@fellview.example"},
    )
    case_id, found = await case_with_notes(aisha)
    share = f"{NM}/cases/{case_id}/share"
    searched = await aisha.get(share, params={"senco_q": school["urn"]})
    assert searched.status_code == 200
    [(_, href)] = links(searched, f"[data-testid=senco-{school['urn']}]")
    addressed = await aisha.get(href)
    assert addressed.status_code == 200
    values = parse(addressed)
    assert values.one("#recipient_org").get("value") == school["name"]
    assert values.one("#recipient_role option[selected]").get("value") == "School or SENCO"
    assert values.one("input[name=recipient_school_id]").get("value") == school["id"]

    note = found["Mum says the school has not applied for an assessment."]
    done = await post_share(
        aisha,
        case_id,
        [
            (k, v)
            for k, v in share_pairs("School or SENCO", [note], "share")
            if k not in ("recipient_org", "recipient_person")
        ]
        + [("recipient_org", "Typed over"), ("recipient_school_id", school["id"])],
    )
    record = record_path(done, case_id)
    [row] = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT recipient_org, recipient_person FROM disclosures WHERE id = $1",
        UUID(record.rsplit("/", 1)[1]),
    )
    assert (row["recipient_org"], row["recipient_person"]) == (
        school["name"],
        "Ravi Senco <senco@fellview.example>",
    )
    bad = await post_share(
        aisha,
        case_id,
        share_pairs("School or SENCO", [note], "share", recipient_school_id="nowhere"),
    )
    assert bad.status_code == 400
    assert ("#recipient_org", "Choose a school from the directory") in error_summary(bad)
