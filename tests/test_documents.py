"""Documents on a case (rule 28): uploads judged by their bytes and size with nothing
half-stored, versions kept, downloads behind need-to-know and audited, the parent's view
without the young person's side, the scanning hook, and retention taking the stored
objects with the case."""

from __future__ import annotations

import asyncio
import contextlib
import io
import struct
import uuid
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
import time_machine

from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.documents import LETTER, upload
from tests.helpers.environment import STORAGE_FOLDER
from tests.helpers.html import error_summary, parse, table_rows
from tests.helpers.http import csrf_token, post
from tests.helpers.tenants import TenantRef

NOTE_TEXT = b"Notes from the annual review meeting.\nAttended: Jasmine's mother.\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _objects(tenant: TenantRef) -> set[str]:
    folder = STORAGE_FOLDER / str(tenant.id)
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


async def test_files_upload_list_and_download_as_attachments_never_cached(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    case = await new_case(aisha)
    answer = await upload(
        aisha,
        case["id"],
        [("letter.pdf", LETTER), ("review notes.txt", NOTE_TEXT), ("plan.docx", _docx())],
        title="",
        document_date="2026-10-01",
    )
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert [(d["title"], d["content_type"]) for d in made] == [
        ("letter", "application/pdf"),
        ("review notes", "text/plain; charset=utf-8"),
        ("plan", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    assert made[0]["document_date"] == "2026-10-01"
    listed = (await aisha.get(f"{NM}/cases/{case['id']}/documents")).json()
    assert {d["id"] for d in listed} == {d["id"] for d in made}
    one = await aisha.get(f"{NM}/cases/{case['id']}/documents/{made[1]['id']}")
    assert one.json()["title"] == "review notes"
    # Titles and names are the case file's: the list and the record are reads of it (rule 2).
    reads = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'case_read'"
        " AND reason_code = 'documents' AND subject_id = $1", uuid.UUID(case["id"]),
    )  # fmt: skip
    assert reads[0]["n"] == 2

    letter = made[0]
    got = await aisha.get(f"{NM}/cases/{case['id']}/documents/{letter['id']}/file")
    assert got.status_code == 200
    assert got.content == LETTER
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith('attachment; filename="letter.pdf"')
    assert got.headers["cache-control"] == "no-store"
    assert got.headers["x-content-type-options"] == "nosniff"

    # Stored sealed, under ids only.
    [row] = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT object_id FROM case_documents WHERE document_id = $1", uuid.UUID(letter["id"]),
    )  # fmt: skip
    stored = (STORAGE_FOLDER / str(tenants["northmoor"].id) / str(row["object_id"])).read_bytes()
    assert b"Jasmine" not in stored
    assert b"%PDF" not in stored

    downloads = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT detail FROM audit_entries WHERE action = 'document_downloaded'"
        " AND subject_id = $1", uuid.UUID(case["id"]),
    )  # fmt: skip
    assert len(downloads) == 1
    assert letter["id"] in downloads[0]["detail"]


async def test_a_new_version_keeps_the_old_one(aisha: httpx.AsyncClient) -> None:
    case = await new_case(aisha)
    [document] = (await upload(aisha, case["id"], [("letter.pdf", LETTER)])).json()
    second = LETTER.replace(b"Decision", b"Amended decision")
    answer = await aisha.post(
        f"{NM}/cases/{case['id']}/documents/{document['id']}/versions",
        files=[("file", ("letter-v2.pdf", second, "application/pdf"))],
        headers={"x-csrftoken": aisha.cookies["confide_csrf"]},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["version"] == 2
    assert [v["version"] for v in answer.json()["versions"]] == [2, 1]
    base = f"{NM}/cases/{case['id']}/documents/{document['id']}/file"
    assert (await aisha.get(base)).content == second
    assert (await aisha.get(base + "?version=1")).content == LETTER
    assert (await aisha.get(base + "?version=3")).status_code == 404


@pytest.mark.parametrize(
    ("files", "fields", "field", "message"),
    [
        ([("letter.pdf", b"MZ\x90\x00\x03 an executable")], {}, "file", "must be a PDF"),
        ([("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 10), ("x.pdf", b"\x7fELF")], {}, "file",
         "x.pdf must be a PDF"),
        ([("empty.pdf", b"")], {}, "file", "empty.pdf is empty"),
        ([], {}, "file", "Choose a file"),
        ([("letter.pdf", LETTER)], {"kind": "novel"}, "kind", "Choose what kind"),
        ([("letter.pdf", LETTER)], {"document_date": "2026-02-30"}, "document_date", "real date"),
        ([("letter.pdf", LETTER)], {"side": "secret"}, "side", "Choose whose side"),
        ([("letter.pdf", LETTER)], {"note_id": "not-an-id"}, "note_id", "Choose a note"),
        ([("letter.pdf", LETTER)], {"contact_id": str(uuid.uuid4())}, "contact_id", "contact"),
    ],
)  # fmt: skip
async def test_a_bad_file_or_field_is_a_400_naming_it_and_nothing_is_stored(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    files: list[tuple[str, bytes]],
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    case = await new_case(aisha)
    before = _objects(tenants["northmoor"])
    answer = await upload(aisha, case["id"], files, **fields)
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["errors"][field]
    assert _objects(tenants["northmoor"]) == before
    rows = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT 1 FROM case_documents WHERE case_id = $1", uuid.UUID(case["id"]),
    )  # fmt: skip
    assert rows == []


async def test_a_file_over_the_size_limit_is_refused(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient
) -> None:
    six = ["ehc_plan", "decision_letter", "report", "consent_form", "correspondence", "other"]
    settings = f"{NM}/policy/documents"
    csrf = {"x-csrftoken": gareth.cookies["confide_csrf"]}
    changed = await gareth.put(
        settings, json={"document_max_mb": 1, "document_kinds": six}, headers=csrf
    )
    assert changed.status_code == 200, changed.text
    try:
        case = await new_case(aisha)
        big = LETTER + b"x" * (1024 * 1024)
        answer = await upload(aisha, case["id"], [("big.pdf", big)])
        assert answer.status_code == 400
        assert answer.json()["errors"]["file"] == "The file big.pdf must be smaller than 1 MB"
    finally:
        await gareth.put(
            settings, json={"document_max_mb": 25, "document_kinds": six}, headers=csrf
        )


async def test_need_to_know_guards_the_list_and_every_download(
    aisha: httpx.AsyncClient,
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]],
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    [document] = (await upload(aisha, case["id"], [("letter.pdf", LETTER)])).json()
    base = f"/cases/{case['id']}/documents"
    tom = await sign_in_as("tom")  # a caseworker of the service, not on this case
    for path in (base, f"{base}/{document['id']}", f"{base}/{document['id']}/file"):
        answer = await tom.get(f"{NM}{path}")
        assert answer.status_code == 403, path
        assert answer.json()["restricted"] is True
        assert LETTER not in answer.content
        page = await tom.get(f"/t/northmoor{path}")
        assert page.status_code in {200, 303, 403}
        assert b"letter.pdf" not in page.content
    refused = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT reason_code FROM audit_entries WHERE action = 'case_access_refused'"
        " AND subject_id = $1 AND actor_id = (SELECT id FROM staff_users"
        " WHERE subject = 'northmoor-cw-2')", uuid.UUID(case["id"]),
    )  # fmt: skip
    assert "download" in {r["reason_code"] for r in refused}
    denied = await tom.post(
        f"{NM}{base}",
        files=[("file", ("x.pdf", LETTER, "application/pdf"))],
        data={"kind": "report"},
        headers={"x-csrftoken": tom.cookies["confide_csrf"]},
    )
    assert denied.status_code == 403
    # Another service's manager: the same "not found" as a case that never was.
    bronwen = await sign_in_as("bronwen")
    for path in (base, f"{base}/{document['id']}/file"):
        assert (await bronwen.get(f"/t/eastdale/api{path}")).status_code == 404


async def test_the_parents_view_leaves_out_the_young_persons_side(
    aisha: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.documents import services

    case = await new_case(aisha)
    shared = (await upload(aisha, case["id"], [("letter.pdf", LETTER)])).json()[0]
    secret = (
        await upload(aisha, case["id"], [("diary.txt", NOTE_TEXT)], side="young_person_only")
    ).json()[0]
    assert secret["side"] == "young_person_only"
    async with tenant_transaction(tenants["northmoor"].id):
        staff = await _aisha(tenants["northmoor"])
        full = await services.list_documents(uuid.UUID(case["id"]), staff)
        parent = await services.list_documents(uuid.UUID(case["id"]), staff, for_parent=True)
    assert {str(d.id) for d in full} == {shared["id"], secret["id"]}
    assert [str(d.id) for d in parent] == [shared["id"]]


async def _aisha(tenant: TenantRef) -> Any:
    from confide.platform.core.sql import raw
    from confide.platform.identity.staff import get_staff

    [row] = await raw("SELECT id FROM staff_users WHERE subject = 'northmoor-cw-1'")
    return await get_staff(row["id"])


async def test_the_pages_upload_list_and_show_a_bad_file_in_the_error_summary(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    url = f"/t/northmoor/cases/{case['id']}/documents"
    page = await aisha.get(url + "/")
    assert page.status_code == 200
    assert parse(page).first("input[type=file][name=file]") is not None
    token = csrf_token(page.text)
    bad = await aisha.post(
        url + "/",
        data={"_csrf_token": token, "kind": "report"},
        files=[("file", ("report.pdf", b"MZ\x90\x00\x03 not a pdf", "application/pdf"))],
    )
    assert bad.status_code == 400
    [(href, text)] = error_summary(bad)
    assert "must be a PDF" in text
    assert href == "#file"
    good = await aisha.post(
        url + "/",
        data={"_csrf_token": token, "kind": "consent_form", "title": "Signed consent",
              "document_date-day": "3", "document_date-month": "11",
              "document_date-year": "2026"},
        files=[("file", ("consent.pdf", LETTER, "application/pdf"))],
    )  # fmt: skip
    assert good.status_code in {302, 303}, good.text
    listed = await aisha.get(good.headers["location"])
    rows = table_rows(listed, "table[data-testid=documents]")
    assert rows[0][:3] == ["Signed consent", "Consent form", "3 November 2026"]
    link = parse(listed).first("a[data-testid=download]")
    assert link is not None
    assert (await aisha.get(link.get("href") or "")).content == LETTER


async def test_retention_erases_a_cases_documents_and_their_stored_objects(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.errors import Conflict
    from confide.platform.core.sql import raw
    from confide.platform.identity.staff import get_staff
    from confide.platform.retention import services as retention

    tenant = tenants["northmoor"]
    then = datetime.now(UTC) - timedelta(days=366 * 9)
    with time_machine.travel(then, tick=True):
        young = {"first_name": "Rhiannon", "last_name": f"Docs{uuid.uuid4().hex[:6]}",
                 "date_of_birth": "1999-03-02"}  # fmt: skip
        case = await new_case(aisha, young_person=young)
        made = (await upload(aisha, case["id"], [("a.pdf", LETTER), ("b.txt", NOTE_TEXT)])).json()
        closed = await post(aisha, f"{NM}/cases/{case['id']}/close", {"outcome": "Advice given"})
        assert closed.status_code == 200, closed.text
    rows = await as_tenant(
        owner_conn, tenant, "SELECT object_id FROM case_documents WHERE case_id = $1",
        uuid.UUID(case["id"]),
    )  # fmt: skip
    objects = {str(r["object_id"]) for r in rows}
    assert len(objects) == len(made) == 2
    assert objects <= _objects(tenant)

    async with tenant_transaction(tenant.id):
        [admin] = await raw("SELECT id FROM staff_users WHERE subject = 'northmoor-admin'")
        admin_staff = await get_staff(admin["id"])
        assert admin_staff is not None
        with contextlib.suppress(Conflict):
            await retention.confirm(admin_staff)
    async with tenant_transaction(tenant.id):
        counts = await retention.sweep()
    assert counts["erased"] >= 1
    assert not objects & _objects(tenant)
    left = await as_tenant(
        owner_conn, tenant, "SELECT 1 FROM case_documents WHERE case_id = $1",
        uuid.UUID(case["id"]),
    )  # fmt: skip
    assert left == []


@contextlib.asynccontextmanager
async def fake_clamd(
    verdict: bytes, on_scan: Callable[[], Awaitable[None]] | None = None
) -> AsyncIterator[tuple[int, list[bytes]]]:
    """A ClamAV daemon's side of INSTREAM on a loopback port: reads the chunks, answers
    ``verdict`` (after ``on_scan``, while the upload waits for it); what it was sent is
    kept for the test."""
    received: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        command = await reader.readuntil(b"\0")
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (length,) = struct.unpack(">I", await reader.readexactly(4))
            if length == 0:
                break
            data += await reader.readexactly(length)
        received.append(data)
        if on_scan is not None:
            await on_scan()
        writer.write(verdict + b"\0")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port, received
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    ("verdict", "status", "message"),
    [
        (b"stream: OK", 201, None),
        (b"stream: Eicar-Test-Signature FOUND", 400, "contains a virus"),
        (b"INSTREAM size limit exceeded. ERROR", 400, "could not be checked"),
    ],
)
async def test_the_scanning_hook_sends_each_file_to_clamd_and_obeys_its_verdict(
    aisha: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    tenants: dict[str, TenantRef],
    verdict: bytes,
    status: int,
    message: str | None,
) -> None:
    from confide.platform.core.settings import reload_settings

    case = await new_case(aisha)
    before = _objects(tenants["northmoor"])
    async with fake_clamd(verdict) as (port, received):
        monkeypatch.setenv("CONFIDE_STORAGE_CLAMD_ADDRESS", f"127.0.0.1:{port}")
        reload_settings()
        try:
            answer = await upload(aisha, case["id"], [("letter.pdf", LETTER)])
        finally:
            monkeypatch.delenv("CONFIDE_STORAGE_CLAMD_ADDRESS")
            reload_settings()
    assert answer.status_code == status, answer.text
    assert received == [LETTER]
    if message:
        assert message in answer.json()["errors"]["file"]
        assert _objects(tenants["northmoor"]) == before


async def test_a_scanner_that_cannot_be_reached_refuses_the_upload(
    aisha: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from confide.platform.core.settings import reload_settings

    case = await new_case(aisha)
    async with fake_clamd(b"stream: OK") as (port, _):
        pass  # closed again: nothing listens on the port now
    monkeypatch.setenv("CONFIDE_STORAGE_CLAMD_ADDRESS", f"127.0.0.1:{port}")
    reload_settings()
    try:
        answer = await upload(aisha, case["id"], [("letter.pdf", LETTER)])
    finally:
        monkeypatch.delenv("CONFIDE_STORAGE_CLAMD_ADDRESS")
        reload_settings()
    assert answer.status_code == 400
    assert "could not be checked" in answer.json()["errors"]["file"]


async def test_uploads_are_checked_before_the_transaction_opens(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file's type and the scanner's verdict are found before the request's database
    transaction opens: while the scanner has the file (and while the bytes are sniffed,
    just before), no transaction of the app is open, on the API's upload and new version,
    on the page's upload, and on a request's files (a manager's, API and page)."""
    from confide.platform.core.settings import reload_settings

    open_then: list[int] = []

    async def transactions_open() -> None:
        open_then.append(
            await owner_conn.fetchval(
                # A transaction holds its own virtualxid lock while it lasts; pg_locks
                # shows every role's (pg_stat_activity hides the app role's state).
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                " WHERE l.locktype = 'virtualxid' AND a.datname = current_database()"
                " AND l.pid <> pg_backend_pid()"
            )
        )

    case = await new_case(aisha)
    url = f"/t/northmoor/cases/{case['id']}/documents"
    async with fake_clamd(b"stream: OK", transactions_open) as (port, received):
        monkeypatch.setenv("CONFIDE_STORAGE_CLAMD_ADDRESS", f"127.0.0.1:{port}")
        reload_settings()
        try:
            made = await upload(aisha, case["id"], [("letter.pdf", LETTER)])
            assert made.status_code == 201, made.text
            newer = await aisha.post(
                f"{NM}/cases/{case['id']}/documents/{made.json()[0]['id']}/versions",
                files=[("file", ("letter.pdf", LETTER + b"\n", "application/pdf"))],
                headers={"x-csrftoken": aisha.cookies["confide_csrf"]},
            )
            assert newer.status_code == 201, newer.text
            token = csrf_token((await aisha.get(url + "/")).text)
            page = await aisha.post(
                url + "/",
                data={"_csrf_token": token, "kind": "report"},
                files=[("file", ("report.pdf", LETTER, "application/pdf"))],
            )
            assert page.status_code == 303, page.text
            rid = await _information_request(fiona, case["id"])
            filed = await fiona.post(
                f"{NM}/requests/{rid}/documents",
                data={"kind": "signed_consent"},
                files=[("file", ("consent.pdf", LETTER, "application/pdf"))],
                headers={"x-csrftoken": fiona.cookies["confide_csrf"]},
            )
            assert filed.status_code == 201, filed.text
            token = csrf_token(await fiona.get(f"/t/northmoor/requests/{rid}/case-file"))
            filed_page = await fiona.post(
                f"/t/northmoor/requests/{rid}/documents",
                data={"_csrf_token": token, "kind": "signed_consent"},
                files=[("file", ("consent.pdf", LETTER + b"\n", "application/pdf"))],
            )
            assert filed_page.status_code == 303, filed_page.text
        finally:
            monkeypatch.delenv("CONFIDE_STORAGE_CLAMD_ADDRESS")
            reload_settings()
    assert len(received) == 5
    assert open_then == [0, 0, 0, 0, 0]


async def _information_request(fiona: httpx.AsyncClient, case_id: str) -> str:
    """A council's request for the case's file, logged by a manager: its id."""
    made = await post(
        fiona,
        f"{NM}/requests",
        {
            "kind": "case_file",
            "requester_name": "J. Clarke, SEN team",
            "relation": "council_officer",
            "received_on": service_today().isoformat(),
            "channel": "email",
            "case_id": case_id,
            "summary": "The case notes for the annual review",
        },
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_an_upload_its_route_will_refuse_is_never_scanned(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the route's guards refuse is refused before any file is sniffed or scanned:
    a caseworker's files on an information request (managers only), on the API and the
    page, and a page's upload or new version without its CSRF token. The scanner is not
    asked at all (an inspection before the transaction is for an upload that may stand)."""
    from confide.platform.core.settings import reload_settings

    case = await new_case(aisha)
    made = await upload(aisha, case["id"], [("letter.pdf", LETTER)])
    assert made.status_code == 201, made.text
    rid = await _information_request(fiona, case["id"])
    url = f"/t/northmoor/cases/{case['id']}/documents"
    files = [("file", ("consent.pdf", LETTER, "application/pdf"))]
    async with fake_clamd(b"stream: OK") as (port, received):
        monkeypatch.setenv("CONFIDE_STORAGE_CLAMD_ADDRESS", f"127.0.0.1:{port}")
        reload_settings()
        try:
            csrf = aisha.cookies["confide_csrf"]
            api = await aisha.post(
                f"{NM}/requests/{rid}/documents",
                data={"kind": "signed_consent"},
                files=files,
                headers={"x-csrftoken": csrf},
            )
            page = await aisha.post(
                f"/t/northmoor/requests/{rid}/documents",
                data={"kind": "signed_consent"},
                files=files,
                headers={"x-csrftoken": csrf},
            )
            forged = await aisha.post(url + "/", data={"kind": "report"}, files=files)
            forged_version = await aisha.post(
                f"{url}/{made.json()[0]['id']}/versions",
                data={"_csrf_token": "not-the-token"},
                files=files,
            )
        finally:
            monkeypatch.delenv("CONFIDE_STORAGE_CLAMD_ADDRESS")
            reload_settings()
    assert [api.status_code, page.status_code] == [403, 403]
    assert [forged.status_code, forged_version.status_code] == [403, 403]
    assert received == []
