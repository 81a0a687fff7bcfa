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
from tests.helpers.http import post
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
