"""The disclosure package (issue 16): exactly what a disclosure recorded, as a ZIP of the
printable record (a PDF, the record on its first page) and the shared files; need-to-know,
never on break-glass, and each download audited."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile

import asyncpg
import httpx

from confide.platform.core.db import tenant_transaction
from confide.platform.storage.services import tenant_files
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.consent import add_note, record_consent, send, share_body
from tests.helpers.documents import LETTER, upload
from tests.helpers.exports import pdf_pages
from tests.helpers.html import parse
from tests.helpers.http import post
from tests.helpers.pages import NM as PAGES
from tests.helpers.tenants import TenantRef


def _unzipped(content: bytes) -> dict[str, bytes]:
    """The package's files; each one's SHA-256 as its manifest says."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["name"]]).hexdigest() == entry["sha256"]
    return files


async def _shared(http: httpx.AsyncClient) -> tuple[str, dict[str, object]]:
    case = await new_case(http)
    cid = str(case["id"])
    note = await add_note(http, cid, "Plan agreed with mum at the review")
    made = await upload(http, cid, [("letter.pdf", LETTER)], title="Decision letter")
    assert made.status_code == 201, made.text
    document = made.json()[0]["id"]
    await record_consent(http, cid)
    share = await post(
        http,
        f"{NM}/cases/{cid}/disclosures",
        share_body("School or SENCO", [("note", note), ("document", document)]),
    )
    assert share.status_code == 201, share.text
    assert (await send(http, cid, share.json()["id"])).status_code == 200
    return cid, share.json()


async def test_the_package_is_what_the_disclosure_recorded_its_record_first(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    cid, share = await _shared(aisha)
    record = await aisha.get(f"{PAGES}/cases/{cid}/disclosures/{share['id']}")
    link = parse(record).one("[data-testid=package-link]").get("href") or ""
    for path in (link, f"{NM}/cases/{cid}/disclosures/{share['id']}/package"):
        got = await aisha.get(path)
        assert got.status_code == 200, got.text
        assert got.headers["content-type"] == "application/zip"
        assert got.headers["content-disposition"].startswith(
            f'attachment; filename="disclosure-{share["case_reference"]}-'
        )
        assert got.headers["cache-control"] == "no-store"
        files = _unzipped(got.content)
        [record_pdf] = [n for n in files if n.endswith(".pdf") and "/" not in n]
        document = next(i for i in share["items"] if i["kind"] == "document")  # type: ignore[attr-defined]
        ident, version = document["ref"].split("@")
        assert files[f"documents/{ident}-v{version}.pdf"] == LETTER  # the very file shared
        pages = pdf_pages(files[record_pdf])
        first, rest = pages[0], "\n".join(pages[1:])
        assert f"Disclosure record: case {share['case_reference']}" in first
        assert "Northmoor Primary School" in first
        assert "School or SENCO" in first
        assert "Plan agreed with mum" not in first  # the items follow the record
        items = share["items"]
        assert isinstance(items, list)
        for item in items:
            assert item["label"] in rest
        assert "Plan agreed with mum at the review" in rest
        sha = next(i for i in items if i["kind"] == "document")["text"].rsplit(" ", 1)[-1]
        assert sha in rest.replace("\n", "")
    downloads = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT detail FROM audit_entries WHERE action = 'disclosure_package_downloaded'"
        " AND subject_id = $1", uuid.UUID(cid),
    )  # fmt: skip
    assert len(downloads) == 2
    assert all(str(share["id"]) in d["detail"] for d in downloads)


async def test_the_package_needs_need_to_know_and_is_never_taken_on_break_glass(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    cid, share = await _shared(aisha)
    path = f"{NM}/cases/{cid}/disclosures/{share['id']}/package"
    assert (await tom.get(path)).status_code == 403
    granted = await post(tom, f"{NM}/cases/{cid}/break-glass", {"reason": "Covering her cases"})
    assert granted.status_code == 201, granted.text
    refused = await tom.get(path)
    assert refused.status_code == 403
    assert (
        await tom.get(f"{PAGES}/cases/{cid}/disclosures/{share['id']}/package")
    ).status_code == 403
    other = await bronwen.get(f"/t/eastdale/api/cases/{cid}/disclosures/{share['id']}/package")
    assert other.status_code == 404
    wrong = await aisha.get(f"{NM}/cases/{cid}/disclosures/{uuid.uuid4()}/package")
    assert wrong.status_code == 404
    downloads = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'disclosure_package_downloaded'"
        " AND subject_id = $1", uuid.UUID(cid),
    )  # fmt: skip
    assert downloads[0]["n"] == 0


async def test_no_package_for_a_share_that_was_not_allowed_or_went_nowhere(
    aisha: httpx.AsyncClient,
) -> None:
    """A share awaiting a manager, declined or cancelled has no package: a 400 naming its
    state (only an allowed, authorised or sent share's record leaves the case)."""
    case = await new_case(aisha)
    cid = str(case["id"])
    note = await add_note(aisha, cid, "Plan agreed with mum at the review")
    await record_consent(aisha, cid)
    asked = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures",
        share_body("Social care", [("note", note)], ask_manager=True),
    )
    assert asked.json()["status"] == "awaiting_authorisation", asked.text
    allowed = await post(
        aisha, f"{NM}/cases/{cid}/disclosures", share_body("School or SENCO", [("note", note)])
    )
    assert allowed.json()["status"] == "allowed", allowed.text
    assert (
        await aisha.get(f"{NM}/cases/{cid}/disclosures/{allowed.json()['id']}/package")
    ).status_code == 200
    cancelled = await post(
        aisha,
        f"{NM}/cases/{cid}/disclosures/{allowed.json()['id']}/cancel",
        {"reason": "The meeting was called off"},
    )
    assert cancelled.status_code == 200, cancelled.text
    for share, state in ((asked.json(), "awaiting"), (allowed.json(), "cancelled")):
        got = await aisha.get(f"{NM}/cases/{cid}/disclosures/{share['id']}/package")
        assert got.status_code == 400, (state, got.status_code)
        assert state in got.json()["errors"]["status"], got.text
        page = await aisha.get(f"{PAGES}/cases/{cid}/disclosures/{share['id']}/package")
        assert page.status_code == 400, (state, page.status_code)
        assert not page.content.startswith(b"PK")
        record = await aisha.get(f"{PAGES}/cases/{cid}/disclosures/{share['id']}")
        assert parse(record).first("[data-testid=package-link]") is None


async def test_a_stored_file_that_is_not_the_one_shared_is_a_409_never_sent(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """The shared version's stored object replaced (as someone with the bucket could): its
    SHA-256 is no longer the one the share recorded, so the package refuses (409
    ``shared_file_changed``) on the API and the page, and nothing leaves the case: no
    audit entry at all for a package, a read or a download that never happened."""
    nm = tenants["northmoor"]
    cid, share = await _shared(aisha)
    [row] = await as_tenant(
        owner_conn, nm, "SELECT object_id FROM case_documents WHERE case_id = $1", uuid.UUID(cid)
    )
    async with tenant_transaction(nm.id):
        files = await tenant_files()
    await files.put(row["object_id"], LETTER.replace(b"Jasmine", b"Someone"))
    entries = "SELECT count(*) AS n FROM audit_entries WHERE subject_id = $1"
    [before] = await as_tenant(owner_conn, nm, entries, uuid.UUID(cid))
    got = await aisha.get(f"{NM}/cases/{cid}/disclosures/{share['id']}/package")
    assert got.status_code == 409, got.status_code
    assert got.json()["code"] == "shared_file_changed"
    page = await aisha.get(f"{PAGES}/cases/{cid}/disclosures/{share['id']}/package")
    assert page.status_code == 409, page.status_code
    assert not page.content.startswith(b"PK")
    [after] = await as_tenant(owner_conn, nm, entries, uuid.UUID(cid))
    assert after["n"] == before["n"]


async def test_the_package_gives_its_moments_in_england(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """A share asked for at 23:30 UTC on a summer's night was asked for at 00:30 the next
    day in England: the record says so, as the share's page does."""
    cid, share = await _shared(aisha)
    async with owner_conn.transaction():  # past the guard that freezes a sent share
        await owner_conn.execute("ALTER TABLE disclosures DISABLE TRIGGER disclosures_guard")
        await owner_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["northmoor"].id)
        )
        await owner_conn.execute(
            "UPDATE disclosures SET requested_at = '2026-07-01 23:30:00+00' WHERE id = $1",
            uuid.UUID(str(share["id"])),
        )
        await owner_conn.execute("ALTER TABLE disclosures ENABLE TRIGGER disclosures_guard")
    record = await aisha.get(f"{PAGES}/cases/{cid}/disclosures/{share['id']}")
    asked = parse(record).one("[data-testid=step-asked]").text
    assert "2 July 2026 at 12:30am" in asked, asked
    got = await aisha.get(f"{NM}/cases/{cid}/disclosures/{share['id']}/package")
    assert got.status_code == 200, got.text
    files = _unzipped(got.content)
    [record_pdf] = [n for n in files if n.endswith(".pdf") and "/" not in n]
    first = pdf_pages(files[record_pdf])[0]
    assert "2 July 2026 at 12:30am" in first, first
