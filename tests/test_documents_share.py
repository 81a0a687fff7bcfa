"""Documents as items of a share (rules 6, 15, 28): the disclosure records the exact
version, the record offers that version, and a document on the young person's side goes
on a parent's consent no more than a note of theirs does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, new_case
from tests.helpers.consent import record_consent, share_body
from tests.helpers.documents import LETTER, upload
from tests.helpers.html import parse
from tests.helpers.http import post
from tests.helpers.pages import NM as PAGES
from tests.helpers.sharing import post_share, record_path, share_pairs

TODAY = service_today()
SECOND = LETTER.replace(b"Decision letter", b"Amended decision letter")


def _child(years: int) -> dict[str, Any]:
    born = TODAY.replace(year=TODAY.year - years) - timedelta(days=30)
    return {"first_name": "Robin", "last_name": "Ashe", "date_of_birth": born.isoformat()}


async def _document(http: httpx.AsyncClient, case_id: str, **fields: str) -> str:
    made = await upload(http, case_id, [("letter.pdf", LETTER)], title="Decision letter", **fields)
    assert made.status_code == 201, made.text
    return str(made.json()[0]["id"])


async def test_a_share_records_the_exact_version_and_its_record_offers_that_version(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    document = await _document(aisha, cid)
    await record_consent(aisha, cid)
    made = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures",
        share_body("School or SENCO", [("document", document)]),
    )
    assert made.status_code == 201, made.text
    [item] = made.json()["items"]
    assert item["kind"] == "document"
    assert item["ref"] == f"{document}@1"
    assert item["label"] == "Document: Decision letter (version 1)"
    assert "letter.pdf" in item["text"]
    # A new version later changes nothing the share recorded, and the record offers the
    # version that was shared.
    newer = await aisha.post(
        f"{NM}/cases/{cid}/documents/{document}/versions",
        files=[("file", ("letter.pdf", SECOND, "application/pdf"))],
        headers={"x-csrftoken": aisha.cookies["confide_csrf"]},
    )
    assert newer.status_code == 201, newer.text
    record = await aisha.get(f"{PAGES}/cases/{cid}/disclosures/{made.json()['id']}")
    link = parse(record).one("[data-testid=shared-document-file]").get("href") or ""
    assert link.endswith("?version=1")
    got = await aisha.get(link)
    assert got.status_code == 200
    assert got.content == LETTER
    # A version named in the share is that version; one the document does not have is not
    # an item of this case.
    named = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures",
        share_body("School or SENCO", [("document", f"{document}@2")]),
    )
    assert named.status_code == 201, named.text
    assert named.json()["items"][0]["ref"] == f"{document}@2"
    for bad in (f"{document}@3", "not-an-id", f"{document}@0"):
        refused = await post(
            aisha,
            f"{NM}/cases/{cid}/disclosures",
            share_body("School or SENCO", [("document", bad)]),
        )
        assert refused.status_code == 400, bad
        assert "items" in refused.text


async def test_a_document_on_the_young_persons_side_needs_their_own_consent(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha, young_person=_child(14))
    cid = case["id"]
    shared = await _document(aisha, cid)
    private = await _document(aisha, cid, side="young_person_only")
    await record_consent(aisha, cid, decision="full", roles=[], parties_told=["Health"])
    refused = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures",
        share_body("Health", [("document", shared), ("document", private)]),
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "young_person_side"
    allowed = await post(
        aisha, f"{NM}/cases/{cid}/disclosures", share_body("Health", [("document", shared)])
    )
    assert allowed.status_code == 201, allowed.text
    assert [i["ref"] for i in allowed.json()["items"]] == [f"{shared}@1"]


async def test_the_share_page_offers_the_cases_documents(aisha: httpx.AsyncClient) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    document = await _document(aisha, cid)
    await record_consent(aisha, cid)
    page = await aisha.get(f"{PAGES}/cases/{cid}/share")
    box = parse(page).one(f"input[value='document:{document}@1']")
    assert box.get("name") == "items"
    answer = await post_share(
        aisha, cid, share_pairs("School or SENCO", [f"document:{document}"], "share")
    )
    record = await aisha.get(record_path(answer, cid))
    assert "Document: Decision letter (version 1)" in record.text


async def test_the_share_page_records_the_version_it_showed_not_a_newer_one(
    aisha: httpx.AsyncClient,
) -> None:
    """A version added after the share page was shown is not the one shared: the box's
    value names the version (``document:<id>@<n>``), through the check page to the post."""
    case = await new_case(aisha)
    cid = case["id"]
    document = await _document(aisha, cid)
    await record_consent(aisha, cid)
    page = await aisha.get(f"{PAGES}/cases/{cid}/share")
    value = f"document:{document}@1"
    parse(page).one(f"input[value='{value}']")
    newer = await aisha.post(
        f"{NM}/cases/{cid}/documents/{document}/versions",
        files=[("file", ("letter.pdf", SECOND, "application/pdf"))],
        headers={"x-csrftoken": aisha.cookies["confide_csrf"]},
    )
    assert newer.status_code == 201, newer.text
    checked = await post_share(aisha, cid, share_pairs("School or SENCO", [value], "check"))
    assert checked.status_code == 200, checked.status_code
    kept = [
        box.get("value")
        for box in parse(checked).select("input[name=items]")
        if box.get("type") == "hidden" or box.get("checked") is not None
    ]
    assert kept == [value], kept
    answer = await post_share(aisha, cid, share_pairs("School or SENCO", [value], "share"))
    record = await aisha.get(record_path(answer, cid))
    assert "Document: Decision letter (version 1)" in record.text
    assert "version 2" not in record.text


async def test_a_share_names_only_its_own_cases_versions_each_one_exactly(
    aisha: httpx.AsyncClient,
) -> None:
    """A document version is found by the case and the document together: another case's
    document (latest or at a version) is no item of this case, on the check and the share
    alike, and two versions of one document shared together are each recorded exactly."""
    mine, other = (await new_case(aisha))["id"], (await new_case(aisha))["id"]
    document, elsewhere = await _document(aisha, mine), await _document(aisha, other)
    newer = await aisha.post(
        f"{NM}/cases/{mine}/documents/{document}/versions",
        files=[("file", ("letter.pdf", SECOND, "application/pdf"))],
        headers={"x-csrftoken": aisha.cookies["confide_csrf"]},
    )
    assert newer.status_code == 201, newer.text
    await record_consent(aisha, mine)
    for ref in (elsewhere, f"{elsewhere}@1"):
        body = share_body("School or SENCO", [("document", ref)])
        for path in ("disclosure-checks", "disclosures"):
            refused = await post(aisha, f"{NM}/cases/{mine}/{path}", body)
            assert refused.status_code == 400, (ref, path, refused.status_code)
            assert "items" in refused.json()["errors"], refused.text
    both = await post(
        aisha,
        f"{NM}/cases/{mine}/disclosures",
        share_body("School or SENCO", [("document", f"{document}@1"), ("document", document)]),
    )
    assert both.status_code == 201, both.text
    items = both.json()["items"]
    assert [i["ref"] for i in items] == [f"{document}@1", f"{document}@2"]
    assert [i["label"] for i in items] == [
        "Document: Decision letter (version 1)",
        "Document: Decision letter (version 2)",
    ]


async def test_a_document_named_twice_for_one_version_is_shared_once(
    aisha: httpx.AsyncClient,
) -> None:
    """A document named by its id (the latest version) and by that version's number is one
    version: the share records it once (the package would otherwise send it twice)."""
    cid = (await new_case(aisha))["id"]
    document = await _document(aisha, cid)
    await record_consent(aisha, cid)
    made = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures",
        share_body("School or SENCO", [("document", document), ("document", f"{document}@1")]),
    )
    assert made.status_code == 201, made.text
    assert [i["ref"] for i in made.json()["items"]] == [f"{document}@1"]
