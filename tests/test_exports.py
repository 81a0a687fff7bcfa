"""Exports built by a real Celery worker (issue 16, rule 29): the case bundle's ZIP (PDF,
JSON, manifest of SHA-256 checksums) with its progress; the parent's view leaves out the
young person's side in the PDF, the JSON and the names; only the asker and the managers
download, audited, another service never; bad options are a 400 naming the field; the
expiry job deletes the file and marks the export expired."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import time_machine

from confide.platform.exports.schemas import FAILURE_TEXT, ExportFailure
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.consent import TODAY, add_note, record_consent
from tests.helpers.environment import STORAGE_FOLDER
from tests.helpers.exports import open_bundle, request_bundle, wait_until_finished
from tests.helpers.html import links, parse
from tests.helpers.http import post
from tests.helpers.pages import NM as PAGES
from tests.helpers.pages import submit
from tests.helpers.tenants import TenantRef

ED = "/t/eastdale/api"


async def _case_with_notes(http: httpx.AsyncClient) -> tuple[str, str, str]:
    """A case with a shared note (corrected once) and a note on the young person's side:
    its id, the shared note's first text, the confidential note's text."""
    token = uuid.uuid4().hex[:10]
    case = await new_case(http, contacted_by="young_person")
    case_id = str(case["id"])
    first = f"Shared note {token} first"
    note_id = await add_note(http, case_id, first)
    corrected = await post(
        http,
        f"{NM}/cases/{case_id}/notes/{note_id}/corrections",
        {"body": f"Shared note {token} corrected", "reason": "Wrong school named"},
    )
    assert corrected.status_code == 201, corrected.text
    secret = f"Confided {uuid.uuid4().hex[:10]} secret"
    await add_note(http, case_id, secret, side="young_person_only")
    return case_id, first, secret


async def _audit(owner: asyncpg.Connection, tenant: TenantRef, case_id: str) -> list[Any]:
    return list(
        await as_tenant(
            owner, tenant,
            "SELECT action, reason_code, actor_id FROM audit_entries"
            " WHERE subject_kind = 'case' AND subject_id = $1 ORDER BY seq",
            uuid.UUID(case_id),
        )
    )  # fmt: skip


async def test_a_worker_builds_the_bundle_with_progress_and_its_asker_downloads_it(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, first, secret = await _case_with_notes(aisha)
    asked = await request_bundle(aisha, case_id)
    assert asked["status"] == "queued"
    assert asked["case_id"] == case_id
    done = await wait_until_finished(aisha, asked["id"], worker)
    assert done["status"] == "ready", done
    assert done["progress_done"] == done["progress_total"] > 1
    assert done["expires_at"] is not None
    assert done["sha256"]

    response = await aisha.get(f"{NM}/exports/{asked['id']}/download")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert done["case_reference"] in disposition
    bundle = open_bundle(response.content)
    assert sorted(bundle.names) == sorted(
        [f"case-{done['case_reference']}.pdf", f"case-{done['case_reference']}.json",
         "manifest.json"]
    )  # fmt: skip
    # Every version of a note, in the PDF and the JSON; the full view holds both sides.
    token = first.split()[2]
    for text in (f"Shared note {token} corrected", first, secret):
        assert text in bundle.pdf_text, text
        assert text in bundle.json_text, text
    assert "Safe-contact preferences" in bundle.pdf_text
    assert bundle.data["case"]["reference"] == done["case_reference"]
    assert "Do not leave messages at home" in bundle.json_text  # safe-contact note

    entries = await _audit(owner_conn, tenants["northmoor"], case_id)
    actions = [(e["action"], e["reason_code"]) for e in entries]
    assert ("export_requested", "case_bundle") in actions  # its kind (the view: its detail)
    assert ("case_read", "export") in actions  # the worker's read, as the asker
    assert ("export_downloaded", "full") in actions


@contextlib.contextmanager
def paused(proc: subprocess.Popen[str]) -> Iterator[None]:
    """The worker stopped for the block (it picks up nothing queued meanwhile), then let go
    on: it is idle when paused (each test waits for what it asked)."""
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(proc.pid, signal.SIGCONT)


async def test_an_asker_unassigned_before_the_build_gets_a_failed_export_and_nothing_read(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Rule 29: the worker reads the case as the person who asked, when it builds. Aisha
    asks, then a manager unassigns her before the worker starts: the build fails as
    ``case_not_readable``, her page says why, nothing is stored, and the worker's read is
    audited as her refusal, never as a read. Seen red with the worker not handling the
    refusal (failed as ``error``) and with it reading with a manager's grounds (ready)."""
    north = tenants["northmoor"]
    case_id, _, _ = await _case_with_notes(aisha)
    [aisha_id] = [
        r["id"] for r in await as_tenant(
            owner_conn, north, "SELECT id FROM staff_users WHERE subject = 'northmoor-cw-1'"
        )
    ]  # fmt: skip
    with paused(worker):
        asked = await request_bundle(aisha, case_id)
        unassigned = await post(
            fiona, f"{NM}/cases/{case_id}/assignments",
            {"staff_id": str(aisha_id), "assigned": False},
        )  # fmt: skip
        assert unassigned.status_code == 200, unassigned.text
    done = await wait_until_finished(aisha, asked["id"], worker)
    assert (done["status"], done["failure"]) == ("failed", "case_not_readable"), done
    assert (done["size_bytes"], done["sha256"]) == (None, None)
    page = parse(await aisha.get(f"{PAGES}/exports/{asked['id']}"))
    assert page.one("[data-testid=export-status]").text == "Failed"
    shown = page.one("[data-testid=export-failure]").text
    assert shown == f"Warning{FAILURE_TEXT[ExportFailure.CASE_NOT_READABLE]}", shown
    assert not page.select("[data-testid=download]")
    assert (await aisha.get(f"{NM}/exports/{asked['id']}/download")).status_code == 409
    # Nothing stored: no object key, no file under the export's name.
    [row] = await as_tenant(
        owner_conn, north, "SELECT object_key FROM exports WHERE id = $1", uuid.UUID(asked["id"])
    )
    assert row["object_key"] is None
    assert not [p for p in STORAGE_FOLDER.rglob("*") if asked["id"] in str(p)]
    # Aisha's entries on the case from her request on: the worker's read refused, no read.
    entries = await _audit(owner_conn, north, case_id)
    [requested] = [i for i, e in enumerate(entries) if e["action"] == "export_requested"]
    theirs = [
        (e["action"], e["reason_code"]) for e in entries[requested + 1 :]
        if e["actor_id"] == aisha_id
    ]  # fmt: skip
    assert theirs == [("case_access_refused", "export")], theirs


async def test_the_parents_view_leaves_out_the_young_persons_side_everywhere(
    worker: subprocess.Popen[str], aisha: httpx.AsyncClient
) -> None:
    case_id, first, secret = await _case_with_notes(aisha)
    asked = await request_bundle(aisha, case_id, view="parent")
    done = await wait_until_finished(aisha, asked["id"], worker)
    assert done["status"] == "ready", done
    response = await aisha.get(f"{NM}/exports/{asked['id']}/download")
    bundle = open_bundle(response.content)
    assert first in bundle.pdf_text
    assert first in bundle.json_text
    token = secret.split()[1]
    assert token not in bundle.pdf_text
    assert token not in bundle.json_text
    assert not any(token in name for name in bundle.names)
    assert token not in response.headers["content-disposition"]
    assert bundle.data["view"] == "parent"
    assert bundle.data["case"]["parent_view"] is True


async def test_the_parents_view_holds_nothing_else_of_the_young_persons_side(
    worker: subprocess.Popen[str], aisha: httpx.AsyncClient
) -> None:
    """Every field of the young person's side carries a marker of its own: none is in the
    parent's view, in the PDF, the JSON or a file's name (rule 15)."""
    mark = uuid.uuid4().hex[:8]
    markers = {
        "phone": f"07700 9{mark[:5].translate(str.maketrans('abcdef', '123456'))}",
        "email": f"yp{mark}@example.org",
        "address": f"Flat {mark} Hidden Road",
        "postcode": "ZZ9 9ZZ",
        "safe_contact_note": f"Safenote{mark}",
        "preferred_times": f"Times{mark}",
        "young_person_view": f"Ypview{mark}",
        "capacity_note": f"Capnote{mark}",
        "must_not_be_told": f"Hidden{mark}",
    }
    young_person = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "date_of_birth": "2010-03-02",
        "phone": markers["phone"],
        "email": markers["email"],
        "address": markers["address"],
        "postcode": markers["postcode"],
        "may_phone": True,
        "preferred_times": markers["preferred_times"],
        "safe_contact_note": markers["safe_contact_note"],
    }
    before = await new_case(aisha, contacted_by="young_person", young_person=young_person)
    path = f"{NM}/cases/{before['id']}"
    closed = await post(aisha, f"{path}/close", {"outcome": "Advice given"})
    assert closed.status_code in (200, 201), closed.text
    body = {"contacted_by": "young_person", "topics": ["Transport"], "support_level": 1}
    opened = await post(aisha, f"{path}/returning", body)
    assert opened.status_code == 201, opened.text
    case_id = str(opened.json()["id"])
    markers["linked_case"] = before["reference"]
    # Someone who must not be told about the case (a parent on another case, linked).
    other = await new_case(
        aisha, parents=[{"first_name": "Zed", "last_name": markers["must_not_be_told"]}]
    )
    hidden = next(p["person"]["id"] for p in other["people"] if p["relationship"] != (
        "child_or_young_person"))  # fmt: skip
    linked = await post(
        aisha,
        f"{NM}/cases/{case_id}/people",
        {"person_id": hidden, "relationship": "other", "must_not_be_told": True},
    )
    assert linked.status_code == 201, linked.text
    judged = await post(
        aisha,
        f"{NM}/cases/{case_id}/capacity",
        {"has_capacity": True, "judged_on": TODAY.isoformat(), "note": markers["capacity_note"]},
    )
    assert judged.status_code == 201, judged.text
    await record_consent(
        aisha, case_id, given_by="parent", young_person_view=markers["young_person_view"]
    )
    shared = f"Shared {mark} note"
    await add_note(aisha, case_id, shared)

    asked = await request_bundle(aisha, case_id, view="parent")
    done = await wait_until_finished(aisha, asked["id"], worker)
    assert done["status"] == "ready", done
    response = await aisha.get(f"{NM}/exports/{asked['id']}/download")
    bundle = open_bundle(response.content)
    assert shared in bundle.pdf_text  # the parent's side is there
    assert shared in bundle.json_text
    assert "Sam Okafor" in bundle.pdf_text  # named, with their date of birth: a parent knows
    assert "02 March 2010" in bundle.pdf_text
    for field, marker in markers.items():
        for where, text in (
            ("pdf", bundle.pdf_text),
            ("json", bundle.json_text),
            ("names", " ".join(bundle.names)),
            ("disposition", response.headers["content-disposition"]),
        ):
            assert marker not in text, (field, where)
    assert "contacted_by" not in bundle.json_text  # the young person came themselves
    assert "Who got in touch" not in bundle.pdf_text
    for left_out in ("safe_contact", "must_not_be_told", "follows", "followed_by", "decisions"):
        assert left_out not in bundle.json_text, left_out

    # The full view still holds all of it.
    asked = await request_bundle(aisha, case_id)
    assert (await wait_until_finished(aisha, asked["id"], worker))["status"] == "ready"
    full = open_bundle((await aisha.get(f"{NM}/exports/{asked['id']}/download")).content)
    for field, marker in markers.items():
        assert marker in full.json_text, field
    assert markers["young_person_view"] in full.pdf_text
    assert markers["must_not_be_told"] in full.pdf_text


async def test_only_the_asker_and_managers_download_and_another_service_never_sees_it(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    priya: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case_id, _, _ = await _case_with_notes(aisha)
    asked = await request_bundle(aisha, case_id)
    await wait_until_finished(aisha, asked["id"], worker)
    export = f"exports/{asked['id']}"

    # Another caseworker: no need-to-know for the case, and not their export.
    refused = await post(tom, f"{NM}/cases/{case_id}/exports/bundle", {"view": "full"})
    assert refused.status_code == 403, refused.text
    assert (await tom.get(f"{NM}/{export}")).status_code == 404
    assert (await tom.get(f"{NM}/{export}/download")).status_code == 404
    listed = (await tom.get(f"{NM}/exports")).json()
    assert asked["id"] not in {e["id"] for e in listed["items"]}
    # Another service: the same not found, whichever way it asks.
    for path in (f"{ED}/{export}", f"{ED}/{export}/download"):
        assert (await priya.get(path)).status_code == 404
    assert (await priya.get(f"{NM}/{export}/download")).status_code in (401, 403, 404)
    listed = (await priya.get(f"{ED}/exports")).json()
    assert asked["id"] not in {e["id"] for e in listed["items"]}
    # A manager: sees it listed and downloads it, audited as theirs.
    listed = (await fiona.get(f"{NM}/exports", params={"case_id": case_id})).json()
    assert [e["id"] for e in listed["items"]] == [asked["id"]]
    response = await fiona.get(f"{NM}/{export}/download")
    assert response.status_code == 200
    open_bundle(response.content)
    downloads = [
        e for e in await _audit(owner_conn, tenants["northmoor"], case_id)
        if e["action"] == "export_downloaded"
    ]  # fmt: skip
    assert len(downloads) == 1


async def test_bad_options_are_refused_naming_the_field(aisha: httpx.AsyncClient) -> None:
    case = await new_case(aisha)
    path = f"{NM}/cases/{case['id']}/exports/bundle"
    for body, field in (
        ({"view": "everyone"}, "view"),
        ({"view": "full", "include_documents": "perhaps"}, "include_documents"),
        ({"view": "full", "whose": "mine"}, "whose"),
    ):
        response = await post(aisha, path, body)
        assert response.status_code == 400, (body, response.text)
        assert field in response.text, (body, response.text)
    assert (await post(aisha, f"{NM}/cases/{uuid.uuid4()}/exports/bundle", {})).status_code == 404
    assert (await aisha.get(f"{NM}/exports", params={"case_id": "x"})).status_code == 400
    assert (await aisha.get(f"{NM}/exports", params={"limit": "0"})).status_code == 400


async def _run_expiry(
    owner: asyncpg.Connection, tenant: TenantRef, period: datetime, proc: subprocess.Popen[str]
) -> dict[str, int]:
    from confide.workers.exports import expire_exports

    expire_exports.delay(str(tenant.id), period.isoformat())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = await as_tenant(
            owner, tenant,
            "SELECT status, counts FROM job_runs WHERE job = 'exports.expire'"
            " AND period_start = $1",
            period,
        )  # fmt: skip
        if rows and rows[0]["status"] == "succeeded":
            counts: dict[str, int] = json.loads(rows[0]["counts"])
            return counts
        assert not rows or rows[0]["status"] != "failed", rows
        assert proc.poll() is None, "the worker died"
        await asyncio.sleep(0.2)
    raise AssertionError("the expiry job never ran")


async def test_the_expiry_job_deletes_the_file_and_marks_the_export_expired(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    north = tenants["northmoor"]
    case_id, _, _ = await _case_with_notes(aisha)
    old = await request_bundle(aisha, case_id)
    kept = await request_bundle(aisha, case_id)
    for asked in (old, kept):
        assert (await wait_until_finished(aisha, asked["id"], worker))["status"] == "ready"
    [row] = await as_tenant(
        owner_conn, north,
        "UPDATE exports SET expires_at = now() - interval '1 minute' WHERE id = $1"
        " RETURNING object_key",
        uuid.UUID(old["id"]),
    )  # fmt: skip
    stored = STORAGE_FOLDER / row["object_key"]
    assert stored.exists()
    assert b"Shared note" not in stored.read_bytes()  # encrypted at rest
    # Past its expiry it is gone for everyone at once, before the job deletes the file.
    assert (await aisha.get(f"{NM}/exports/{old['id']}/download")).status_code == 409

    counts = await _run_expiry(owner_conn, north, datetime(1994, 1, 1, tzinfo=UTC), worker)
    assert counts["exports_expired"] >= 1
    assert not stored.exists()
    gone = (await aisha.get(f"{NM}/exports/{old['id']}")).json()
    assert gone["status"] == "expired"
    assert (await aisha.get(f"{NM}/exports/{old['id']}/download")).status_code == 409
    still = (await aisha.get(f"{NM}/exports/{kept['id']}")).json()
    assert still["status"] == "ready"
    assert datetime.fromisoformat(still["expires_at"]) > datetime.now(UTC) + timedelta(days=6)
    assert (await aisha.get(f"{NM}/exports/{kept['id']}/download")).status_code == 200


async def test_pages_ask_for_the_bundle_from_the_case_show_its_progress_and_download_it(
    worker: subprocess.Popen[str], aisha: httpx.AsyncClient
) -> None:
    case_id, _, _ = await _case_with_notes(aisha)
    case_page = await aisha.get(f"{PAGES}/cases/{case_id}")
    form_path = f"{PAGES}/cases/{case_id}/bundle"
    assert form_path in [href for _, href in links(case_page)]
    wrong = await submit(aisha, form_path, form_path, [("view", "everyone")])
    assert wrong.status_code == 400, wrong.text
    assert parse(wrong).one("[data-testid=error-view]") is not None
    asked = await submit(aisha, form_path, form_path, [("view", "parent")])
    assert asked.status_code == 303, asked.text
    export_path = asked.headers["location"]
    deadline = time.monotonic() + 60
    while True:
        page = await aisha.get(export_path)
        assert page.status_code == 200
        status = parse(page).one("[data-testid=export-status]").text
        if status == "Ready":
            break
        assert status in ("Waiting to start", "Being built"), status
        assert parse(page).one("[data-testid=refresh]") is not None
        assert time.monotonic() < deadline
        await asyncio.sleep(0.2)
    [download] = [href for _, href in links(page, "[data-testid=download]")]
    response = await aisha.get(download)
    assert response.status_code == 200
    open_bundle(response.content)
    listed = await aisha.get(f"{PAGES}/exports")
    assert export_path in [href for _, href in links(listed, "[data-testid=export-link]")]


async def test_the_days_an_export_is_kept_are_the_services_setting(
    worker: subprocess.Popen[str], aisha: httpx.AsyncClient, gareth: httpx.AsyncClient
) -> None:
    path = f"{NM}/policy/retention"
    settings = {"retention_years": 6, "retention_birthday": 25}
    for days in (0, 31):
        refused = await gareth.put(
            path, json={**settings, "export_expiry_days": days},
            headers={"x-csrftoken": gareth.cookies["confide_csrf"]},
        )  # fmt: skip
        assert refused.status_code == 400, refused.text
        assert "export_days" in refused.text
    changed = await gareth.put(
        path, json={**settings, "export_expiry_days": 2},
        headers={"x-csrftoken": gareth.cookies["confide_csrf"]},
    )  # fmt: skip
    assert changed.status_code == 200, changed.text
    try:
        case = await new_case(aisha)
        asked = await request_bundle(aisha, str(case["id"]))
        done = await wait_until_finished(aisha, asked["id"], worker)
        kept = datetime.fromisoformat(done["expires_at"]) - datetime.fromisoformat(
            done["finished_at"]
        )
        assert timedelta(days=2) - timedelta(minutes=1) < kept < timedelta(days=2, minutes=1)
    finally:
        restored = await gareth.put(
            path, json={**settings, "export_expiry_days": 7},
            headers={"x-csrftoken": gareth.cookies["confide_csrf"]},
        )  # fmt: skip
        assert restored.status_code == 200, restored.text


async def _upload(
    http: httpx.AsyncClient, case_id: str, name: str, content: bytes, side: str
) -> str:
    response = await http.post(
        f"{NM}/cases/{case_id}/documents",
        data={"kind": "report", "side": side},
        files=[("file", (name, content, "application/octet-stream"))],
        headers={"x-csrftoken": http.cookies["confide_csrf"]},
    )
    assert response.status_code == 201, response.text
    return str(response.json()[0]["id"])


async def test_documents_go_in_by_id_the_parents_view_leaves_out_theirs_and_can_be_left_out(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha, contacted_by="young_person")
    case_id = str(case["id"])
    letter = b"Decision letter for the family: EHC needs assessment agreed.\n"
    diary = b"What I told the adviser about home, in confidence.\n"
    shared_id = await _upload(aisha, case_id, "Okafor letter.txt", letter, "shared")
    secret_id = await _upload(aisha, case_id, "Okafor diary.txt", diary, "young_person_only")

    async def built(view: str, include: bool = True) -> Any:
        response = await post(
            aisha,
            f"{NM}/cases/{case_id}/exports/bundle",
            {"view": view, "include_documents": include},
        )
        assert response.status_code == 202, response.text
        done = await wait_until_finished(aisha, response.json()["id"], worker)
        assert done["status"] == "ready", done
        download = await aisha.get(f"{NM}/exports/{done['id']}/download")
        return open_bundle(download.content)

    full = await built("full")
    files = {n for n in full.names if n.startswith("documents/")}
    assert files == {f"documents/{shared_id}-v1.txt", f"documents/{secret_id}-v1.txt"}
    assert not any("Okafor" in name for name in full.names)  # never a file's own name
    assert full.data["document_files"] == sorted(files)
    parent = await built("parent")
    assert {n for n in parent.names if n.startswith("documents/")} == {
        f"documents/{shared_id}-v1.txt"
    }
    assert secret_id not in parent.json_text
    assert "diary" not in parent.json_text
    assert "diary" not in parent.pdf_text
    without = await built("full", include=False)
    assert not [n for n in without.names if n.startswith("documents/")]
    downloads = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'document_downloaded'"
        " AND subject_id = $1",
        uuid.UUID(case_id),
    )  # fmt: skip
    assert downloads[0]["n"] == 3  # two for the full view, one for the parent's


async def test_retention_erases_a_cases_exports_and_their_stored_files(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.errors import Conflict
    from confide.platform.core.sql import raw
    from confide.platform.identity.staff import get_staff
    from confide.platform.retention import services as retention

    north = tenants["northmoor"]
    with time_machine.travel(datetime.now(UTC) - timedelta(days=366 * 9), tick=True):
        young = {"first_name": "Rhys", "last_name": f"Bundle{uuid.uuid4().hex[:6]}",
                 "date_of_birth": "1999-03-02"}  # fmt: skip
        case = await new_case(aisha, young_person=young)
        closed = await post(aisha, f"{NM}/cases/{case['id']}/close", {"outcome": "Advice given"})
        assert closed.status_code == 200, closed.text
    asked = await request_bundle(aisha, case["id"])
    assert (await wait_until_finished(aisha, asked["id"], worker))["status"] == "ready"
    [row] = await as_tenant(
        owner_conn, north, "SELECT object_key FROM exports WHERE id = $1", uuid.UUID(asked["id"])
    )
    stored = STORAGE_FOLDER / row["object_key"]
    assert stored.exists()

    async with tenant_transaction(north.id):
        [admin] = await raw("SELECT id FROM staff_users WHERE subject = 'northmoor-admin'")
        admin_staff = await get_staff(admin["id"])
        assert admin_staff is not None
        with contextlib.suppress(Conflict):
            await retention.confirm(admin_staff)
    async with tenant_transaction(north.id):
        assert (await retention.sweep())["erased"] >= 1
    assert not stored.exists()
    left = await as_tenant(
        owner_conn, north, "SELECT 1 FROM exports WHERE id = $1", uuid.UUID(asked["id"])
    )
    assert left == []
