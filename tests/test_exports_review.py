"""Review findings on exports (issue 16, rule 29): a redelivered build never overwrites a
finished export's file; a download is refused on break-glass; the file's size is a bigint.

The export's steps are the worker's own service calls, made here in the tenant's
transaction as ``workers/exports.py`` makes them, so a redelivery can be made exactly."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from confide.platform.core.db import tenant_transaction
from confide.platform.exports import services as exports
from confide.platform.storage.services import tenant_files
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.exports import request_bundle
from tests.helpers.html import parse
from tests.helpers.http import post
from tests.helpers.pages import NM as PAGES
from tests.helpers.sessions import idle_for, stored_session
from tests.helpers.tenants import TenantRef


async def _finish(tenant: TenantRef, export_id: uuid.UUID, content: bytes) -> bool:
    async with tenant_transaction(tenant.id):
        await exports.start_build(export_id, 1)
    async with tenant_transaction(tenant.id):
        return await exports.finish_build(export_id, content)


async def _stored(tenant: TenantRef, export_id: uuid.UUID) -> bytes:
    async with tenant_transaction(tenant.id):
        return await (await tenant_files()).get(export_id)


async def test_a_redelivered_build_never_overwrites_a_finished_export(
    aisha: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    nm = tenants["northmoor"]
    case = await new_case(aisha)
    export_id = uuid.UUID((await request_bundle(aisha, case["id"]))["id"])
    assert await _finish(nm, export_id, b"the first build")
    ready = (await aisha.get(f"{NM}/exports/{export_id}")).json()
    # The same task delivered again, as a worker whose ack was lost would get it: it may
    # even have built its file, but the finished export keeps its own.
    async with tenant_transaction(nm.id):
        again = await exports.finish_build(export_id, b"a second build")
    assert again is False
    assert await _stored(nm, export_id) == b"the first build"
    assert (await aisha.get(f"{NM}/exports/{export_id}")).json() == ready
    got = await aisha.get(f"{NM}/exports/{export_id}/download")
    assert got.content == b"the first build"


async def test_a_download_is_refused_on_break_glass(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    nm = tenants["northmoor"]
    case = await new_case(aisha)
    export_id = uuid.UUID((await request_bundle(aisha, case["id"]))["id"])
    assert await _finish(nm, export_id, b"the bundle")
    # Aisha is no longer assigned (a manager moved the case on) and opens it by
    # break-glass: she may read it on screen, not take its bundle away.
    await as_tenant(
        owner_conn, nm,
        "UPDATE case_assignments SET ended_at = now() WHERE case_id = $1",
        uuid.UUID(case["id"]),
    )  # fmt: skip
    download = f"{NM}/exports/{export_id}/download"
    assert (await aisha.get(download)).status_code == 403
    granted = await post(
        aisha, f"{NM}/cases/{case['id']}/break-glass", {"reason": "Covering her caseload"}
    )
    assert granted.status_code == 201, granted.text
    assert (await aisha.get(f"{NM}/cases/{case['id']}")).status_code == 200
    refused = await aisha.get(download)
    assert refused.status_code == 403, refused.text
    taken = await as_tenant(
        owner_conn, nm,
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'export_downloaded'"
        " AND subject_id = $1", uuid.UUID(case["id"]),
    )  # fmt: skip
    assert taken[0]["n"] == 0


async def test_an_exports_size_is_a_bigint(owner_conn: asyncpg.Connection) -> None:
    kind = await owner_conn.fetchval(
        "SELECT data_type FROM information_schema.columns"
        " WHERE table_name = 'exports' AND column_name = 'size_bytes'"
    )
    assert kind == "bigint"


async def test_the_progress_poll_leaves_the_idle_timer_and_the_session_still_ends(
    aisha: httpx.AsyncClient,
) -> None:
    """The export page's script asks for the progress on its own: that never renews the
    session's idle timer (a caseworker who walked away from a running export is signed out
    on time, 30 minutes by default), while a page a person opens does."""
    case = await new_case(aisha)
    export_id = (await request_bundle(aisha, case["id"]))["id"]
    token = aisha.cookies["confide_session"]
    page = f"{PAGES}/exports/{export_id}"
    shown = await aisha.get(page)
    assert shown.status_code == 200
    poll = parse(shown).one("[data-testid=export-live]").get("data-progress-url") or ""
    assert poll.endswith(f"/exports/{export_id}/progress")
    seen = await idle_for(token, 20)
    polled = await aisha.get(poll)
    assert polled.status_code == 200
    assert parse(polled).one("[data-testid=export-status]").text == "Waiting to start"
    assert polled.headers["cache-control"] == "no-store"
    assert (await stored_session(token))["last_seen"] == seen  # not renewed
    assert (await aisha.get(page)).status_code == 200
    assert (await stored_session(token))["last_seen"] > seen + 19 * 60  # renewed
    seen = await idle_for(token, 29)
    assert (await aisha.get(poll)).status_code == 200
    assert (await stored_session(token))["last_seen"] == seen
    await idle_for(token, 30.5)
    ended = await aisha.get(poll)
    assert ended.status_code == 303, ended.status_code  # to sign in: the session is over
    assert (await aisha.get(page)).status_code == 303


async def test_an_exports_progress_is_not_found_for_anyone_else(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, priya: httpx.AsyncClient
) -> None:
    """The progress alone is the export's as its page is: another caseworker of the service
    and someone at another service (asking at their own) are told it is not found."""
    case = await new_case(aisha)
    export_id = (await request_bundle(aisha, case["id"]))["id"]
    mine = await aisha.get(f"{PAGES}/exports/{export_id}/progress")
    assert mine.status_code == 200, mine.status_code
    theirs = await tom.get(f"{PAGES}/exports/{export_id}/progress")
    assert theirs.status_code == 404, theirs.status_code
    assert "export-status" not in theirs.text
    elsewhere = await priya.get(f"/t/eastdale/exports/{export_id}/progress")
    assert elsewhere.status_code == 404, elsewhere.status_code
    assert "export-status" not in elsewhere.text
