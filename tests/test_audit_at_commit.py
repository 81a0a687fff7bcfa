"""No case data leaves without its audit entry (rule 2), now that a case read's entry is
chained in COMMIT's own round trip: when that statement fails, the commit fails, the held
response is thrown away and the reader gets a server error that shows nothing of the case."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.tenants import TenantRef


async def _reads_of(owner: asyncpg.Connection, tenant: TenantRef, case_id: str) -> int:
    rows = await as_tenant(
        owner,
        tenant,
        "SELECT count(*) AS n FROM audit_entries WHERE subject_id = $1 AND action = 'case_read'",
        UUID(case_id),
    )
    return int(rows[0]["n"])


async def test_a_case_read_whose_audit_entry_fails_shows_nothing_of_the_case(
    aisha: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from confide.platform.audit import queries

    case = await new_case(aisha)
    before = await _reads_of(owner_conn, tenants["northmoor"], case["id"])

    def failing(*args: Any, **kwargs: Any) -> str:
        return "SELECT 1 / 0"

    monkeypatch.setattr(queries, "append_entry_sql", failing)
    api = await aisha.get(f"{NM}/cases/{case['id']}")
    page = await aisha.get(f"/t/northmoor/cases/{case['id']}")
    monkeypatch.undo()

    for answer in (api, page):
        assert answer.status_code >= 500
        assert case["reference"] not in answer.text
        assert "Okafor" not in answer.text
    assert await _reads_of(owner_conn, tenants["northmoor"], case["id"]) == before
    assert (await aisha.get(f"{NM}/cases/{case['id']}")).status_code == 200
    assert await _reads_of(owner_conn, tenants["northmoor"], case["id"]) == before + 1
