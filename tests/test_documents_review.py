"""Review findings on documents (issue 16): a document on a confidence stays on the young
person's side; a lost stored object is a clear error, never a 500."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from confide.platform.core.db import tenant_transaction
from confide.platform.storage.services import tenant_files
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.consent import add_note
from tests.helpers.documents import LETTER, upload
from tests.helpers.environment import STORAGE_FOLDER
from tests.helpers.http import post
from tests.helpers.pages import NM as PAGES
from tests.helpers.tenants import TenantRef


async def test_a_document_on_a_confidential_note_or_contact_is_on_the_young_persons_side(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    secret = await add_note(aisha, cid, "Robin asked us not to tell mum", side="young_person_only")
    said = await add_note(aisha, cid, "Mum rang about the review")
    contact = await post(
        aisha,
        f"{NM}/cases/{cid}/contacts",
        {
            "kind": "phone",
            "direction": "incoming",
            "occurred_at": "2026-11-02T09:00:00+00:00",
            "summary": "Robin rang on his own",
            "side": "young_person_only",
        },
    )
    assert contact.status_code == 201, contact.text
    for link in ({"note_id": secret}, {"contact_id": contact.json()["id"]}):
        made = await upload(aisha, cid, [("letter.pdf", LETTER)], side="shared", **link)
        assert made.status_code == 201, made.text
        assert made.json()[0]["side"] == "young_person_only", link
    plain = await upload(aisha, cid, [("letter.pdf", LETTER)], note_id=said)
    assert plain.json()[0]["side"] == "shared"


async def test_a_version_whose_stored_file_is_lost_is_a_clear_409_logged_without_names(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = await new_case(aisha)
    made = await upload(aisha, case["id"], [("Robin Ashe letter.pdf", LETTER)])
    document = made.json()[0]
    [row] = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT object_id FROM case_documents WHERE document_id = $1", uuid.UUID(document["id"]),
    )  # fmt: skip
    (STORAGE_FOLDER / str(tenants["northmoor"].id) / str(row["object_id"])).unlink()
    capsys.readouterr()
    got = await aisha.get(f"{NM}/cases/{case['id']}/documents/{document['id']}/file")
    assert got.status_code == 409, got.text
    assert got.json()["code"] == "file_missing"
    logged = capsys.readouterr().out
    assert "stored_object_missing" in logged
    assert "Robin" not in logged
    assert str(row["object_id"]) not in logged


async def _declared(http: httpx.AsyncClient, path: str, length: int) -> httpx.Response:
    """A small upload whose ``Content-Length`` declares ``length`` bytes: what a browser
    sends first for a large file, before any of it."""
    request = http.build_request(
        "POST",
        path,
        data={"kind": "report"},
        files=[("file", ("letter.pdf", LETTER, "application/pdf"))],
        headers={"x-csrftoken": http.cookies["confide_csrf"]},
    )
    request.headers["content-length"] = str(length)
    return await http.send(request)


async def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    base = f"{NM}/cases/{case['id']}/documents"
    made = await upload(aisha, case["id"], [("letter.pdf", LETTER)])
    versions = f"{base}/{made.json()[0]['id']}/versions"
    megabyte = 1024 * 1024
    # Over the service's 25 MB for one file: refused on the field, the body unread.
    refused = await _declared(aisha, versions, 27 * megabyte)
    assert refused.status_code == 400, refused.text
    assert "file" in refused.json()["errors"]
    # Over the route's own limit (one file of the largest a service may allow; an upload's
    # files together 100 MB, not ten of the largest): 413 naming the field.
    for path, length in ((versions, 60 * megabyte), (base, 102 * megabyte)):
        too_large = await _declared(aisha, path, length)
        assert too_large.status_code == 413, (path, too_large.text)
        assert "file" in too_large.json()["errors"]


async def test_a_document_file_is_never_downloaded_on_break_glass(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Rule 29: break-glass opens a case to read on screen; it takes no file away."""
    nm = tenants["northmoor"]
    case = await new_case(aisha)
    [document] = (await upload(aisha, case["id"], [("letter.pdf", LETTER)])).json()
    await as_tenant(
        owner_conn, nm,
        "UPDATE case_assignments SET ended_at = now() WHERE case_id = $1",
        uuid.UUID(case["id"]),
    )  # fmt: skip
    granted = await post(
        aisha, f"{NM}/cases/{case['id']}/break-glass", {"reason": "Covering her caseload"}
    )
    assert granted.status_code == 201, granted.text
    base = f"{NM}/cases/{case['id']}/documents"
    assert (await aisha.get(f"{base}/{document['id']}")).status_code == 200  # read on screen
    for path in (f"{base}/{document['id']}/file", f"{base}/{document['id']}/file?version=1"):
        refused = await aisha.get(path)
        assert refused.status_code == 403, refused.text
        assert LETTER not in refused.content
    page = await aisha.get(f"/t/northmoor/cases/{case['id']}/documents/{document['id']}/file")
    assert LETTER not in page.content
    taken = await as_tenant(
        owner_conn, nm,
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'document_downloaded'"
        " AND subject_id = $1", uuid.UUID(case["id"]),
    )  # fmt: skip
    assert taken[0]["n"] == 0


class _Body(httpx.AsyncByteStream):
    """A large upload's body, sent a chunk at a time; ``sent`` counts what the app read."""

    def __init__(self, chunks: int) -> None:
        self.chunks, self.sent = chunks, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF-"
        )
        for _ in range(self.chunks):
            self.sent += 1
            yield bytes(_CHUNK)
        yield b"\r\n--b--\r\n"


_CHUNK = 256 * 1024


def _streamed(http: httpx.AsyncClient, path: str, body: _Body, *, declare: bool) -> httpx.Request:
    headers = {"content-type": "multipart/form-data; boundary=b"}
    if declare:
        headers["content-length"] = str(body.chunks * _CHUNK + 200)
    request = http.build_request("POST", path, headers=headers)
    request.stream = body
    if not declare:
        request.headers.pop("content-length", None)
        request.headers["transfer-encoding"] = "chunked"
    return request


async def test_an_upload_without_a_session_or_a_declared_length_is_refused_unread(
    browser: httpx.AsyncClient, aisha: httpx.AsyncClient
) -> None:
    """Nothing of a large body is read before the session is checked (the CSRF check of a
    page's form once read the whole body first), and a body that does not declare its
    length (chunked) is refused before it is read (411)."""
    case = uuid.uuid4()
    body = _Body(40)  # 10 MB
    page = _streamed(browser, f"/t/northmoor/cases/{case}/documents", body, declare=True)
    refused = await browser.send(page)
    assert refused.status_code in {302, 303, 401, 403}, refused.status_code
    assert body.sent <= 1, body.sent
    mine = await new_case(aisha)
    for path in (
        f"{NM}/cases/{mine['id']}/documents",
        f"/t/northmoor/cases/{mine['id']}/documents",
    ):
        body = _Body(40)
        request = _streamed(aisha, path, body, declare=False)
        request.headers["x-csrftoken"] = aisha.cookies["confide_csrf"]
        answer = await aisha.send(request)
        assert answer.status_code == 411, (path, answer.status_code)
        assert body.sent <= 1, (path, body.sent)
        assert "must say how large" in answer.text, path
    # The pages' upload checks the CSRF token itself, once the session is: none, no upload.
    page_upload = f"/t/northmoor/cases/{mine['id']}/documents"
    for token in ({}, {"_csrf_token": "forged" * 20}):
        forged = await aisha.post(
            page_upload,
            data={"kind": "report", **token},
            files=[("file", ("letter.pdf", LETTER, "application/pdf"))],
        )
        assert forged.status_code == 403, forged.status_code
    listed = await aisha.get(f"{NM}/cases/{mine['id']}/documents")
    assert listed.json() == []


async def test_the_migration_puts_documents_on_a_confidence_on_the_young_persons_side(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Documents uploaded before the side was forced (round 1) may be on the shared side
    though their note or contact is the young person's: the data migration moves them."""
    from confide.platform.documents.piccolo_migrations import (
        documents_2026_11_29t23_45_00_000000 as migration,
    )

    nm = tenants["northmoor"]
    case = await new_case(aisha)
    cid = case["id"]
    secret = await add_note(aisha, cid, "Robin asked us not to tell mum", side="young_person_only")
    said = await add_note(aisha, cid, "Mum rang about the review")
    on_secret = (await upload(aisha, cid, [("a.pdf", LETTER)], note_id=secret)).json()[0]
    on_said = (await upload(aisha, cid, [("b.pdf", LETTER)], note_id=said)).json()[0]
    # As a row written before the rule: on the shared side.
    await as_tenant(
        owner_conn, nm,
        "UPDATE case_documents SET side = 'shared' WHERE case_id = $1", uuid.UUID(cid),
    )  # fmt: skip
    await as_tenant(owner_conn, nm, migration.MOVE)  # what the migration runs for each tenant
    rows = await as_tenant(
        owner_conn, nm,
        "SELECT document_id, side FROM case_documents WHERE case_id = $1", uuid.UUID(cid),
    )  # fmt: skip
    sides = {str(r["document_id"]): r["side"] for r in rows}
    assert sides == {on_secret["id"]: "young_person_only", on_said["id"]: "shared"}


async def test_a_data_key_bound_to_another_tenant_is_a_logged_409_not_a_500(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Eastdale's wrapped key copied into Northmoor's row (a restore gone wrong): the
    download is refused with a 409 naming the code, on the API and the page, and the log
    says so with ids only; nothing is ever opened with another service's key, and no
    download that never happened is audited."""
    nm, ed = tenants["northmoor"], tenants["eastdale"]
    case = await new_case(aisha)
    made = await upload(aisha, case["id"], [("Robin Ashe letter.pdf", LETTER)])
    document = made.json()[0]
    async with tenant_transaction(ed.id):
        await tenant_files()  # Eastdale's key, made if it has none yet
    key = "SELECT wrapped_key FROM storage_data_keys"
    [ours], [theirs] = await as_tenant(owner_conn, nm, key), await as_tenant(owner_conn, ed, key)
    change = "UPDATE storage_data_keys SET wrapped_key = $1"
    await as_tenant(owner_conn, nm, change, theirs["wrapped_key"])
    try:
        capsys.readouterr()
        path = f"/cases/{case['id']}/documents/{document['id']}/file"
        got = await aisha.get(f"{NM}{path}")
        assert got.status_code == 409, got.status_code
        assert got.json()["code"] == "data_key_misbound"
        page = await aisha.get(f"{PAGES}{path}")
        assert page.status_code == 409, page.status_code
        logged = capsys.readouterr().out
        assert "data_key_misbound" in logged
        assert "Robin" not in logged
        downloads = await as_tenant(
            owner_conn, nm,
            "SELECT count(*) AS n FROM audit_entries WHERE action = 'document_downloaded'"
            " AND subject_id = $1", uuid.UUID(case["id"]),
        )  # fmt: skip
        assert downloads[0]["n"] == 0
    finally:
        await as_tenant(owner_conn, nm, change, ours["wrapped_key"])
    assert (await aisha.get(f"{NM}{path}")).content == LETTER
