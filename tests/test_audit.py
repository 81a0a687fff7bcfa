"""The audit log: chained per tenant, append-only, tamper-evident, and free of personal data."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from confide.platform.audit import queries as audit_queries
from confide.platform.audit.actions import Action
from confide.platform.audit.schemas import AuditRecord
from confide.platform.audit.services import (
    GENESIS_HASH,
    _hash_pieces,
    list_entries,
    record,
    verify_chain,
)
from confide.platform.core.db import NoTenantError, tenant_transaction
from confide.platform.core.pagination import PageRequest
from tests.helpers.command import confide
from tests.helpers.tenants import TenantRef


def _expected_hash(tenant_id: UUID, e: AuditRecord) -> str:
    """The chain's hash, written out independently: the format is a promise to verifiers."""
    payload = {
        "tenant_id": str(tenant_id),
        "seq": e.seq,
        "occurred_at": e.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_kind": e.actor_kind,
        "actor_id": str(e.actor_id) if e.actor_id else None,
        "action": e.action,
        "subject_kind": e.subject_kind,
        "subject_id": str(e.subject_id) if e.subject_id else None,
        "grounds": e.grounds,
        "reason_code": e.reason_code,
        "detail": dict(e.detail),
        "prev_hash": e.prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


async def _record(
    tenant: TenantRef, action: Action | str = Action.CASE_READ, **fields: Any
) -> AuditRecord:
    arguments: dict[str, Any] = {
        "actor_kind": "staff",
        "actor_id": uuid4(),
        "subject_kind": "case",
        "subject_id": uuid4(),
        "grounds": "assigned",
        "detail": {"case_id": uuid4(), "items": 3, "restricted": False, "via": "case_page"},
    }
    async with tenant_transaction(tenant.id):
        return await record(action, **{**arguments, **fields})


async def _entries(tenant: TenantRef) -> list[AuditRecord]:
    """All of a tenant's entries, oldest first."""
    found: list[AuditRecord] = []
    async with tenant_transaction(tenant.id):
        offset: int | None = 0
        while offset is not None:
            page = await list_entries(PageRequest(limit=100, offset=offset))
            found.extend(page.items)
            offset = page.next_offset
    return found[::-1]


async def _verify(tenant: TenantRef) -> Any:
    async with tenant_transaction(tenant.id):
        return await verify_chain()


@asynccontextmanager
async def _in_tenant(conn: asyncpg.Connection, tenant: TenantRef) -> AsyncIterator[None]:
    """A raw transaction with the tenant set (the owner is subject to FORCE RLS as well)."""
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        yield


async def test_entries_form_a_chain(pool: None, tenants: dict[str, TenantRef]) -> None:
    alpha = tenants["alpha"]
    made = [
        await _record(alpha, action)
        for action in (Action.SIGN_IN, Action.CASE_READ, Action.CASE_READ)
    ]
    entries = await _entries(alpha)
    assert entries[-3:] == made, "what record() returns is what is stored"
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == "0" * 64
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
        assert after.occurred_at >= before.occurred_at
    for entry in entries:
        assert entry.hash == _expected_hash(alpha.id, entry)
    assert isinstance(made[0].detail["case_id"], str), "ids are stored as text"
    assert made[0].detail["items"] == 3
    assert made[0].detail["restricted"] is False
    report = await _verify(alpha)
    assert report.ok, report
    assert report.entries_checked == len(entries)


async def test_list_is_newest_first_and_filters(pool: None, tenants: dict[str, TenantRef]) -> None:
    alpha = tenants["alpha"]
    subject = uuid4()
    first = await _record(alpha, Action.CASE_READ, subject_id=subject)
    second = await _record(alpha, Action.CASE_CLOSED, subject_id=subject)
    async with tenant_transaction(alpha.id):
        page = await list_entries(PageRequest(limit=10), subject_id=subject)
        assert [e.id for e in page.items] == [second.id, first.id]
        assert page.total == 2
        only = await list_entries(
            PageRequest(limit=10), subject_id=subject, action=Action.CASE_READ
        )
        assert [e.id for e in only.items] == [first.id]


async def test_concurrent_writers_never_fork_the_chain(
    pool: None, tenants: dict[str, TenantRef]
) -> None:
    alpha, beta = tenants["alpha"], tenants["beta"]
    before = len(await _entries(alpha))
    made = await asyncio.gather(
        *(_record(alpha, Action.CASE_READ, detail={"writer": n}) for n in range(20)),
        *(_record(beta, Action.CASE_READ, detail={"writer": n}) for n in range(5)),
    )
    alpha_made = made[:20]
    assert sorted(e.seq for e in alpha_made) == list(range(before + 1, before + 21))
    for tenant in (alpha, beta):
        entries = await _entries(tenant)
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
        assert len({e.prev_hash for e in entries}) == len(entries), "two entries share a parent"
        report = await _verify(tenant)
        assert report.ok, report


async def _read_at_commit(tenant: TenantRef, n: int) -> None:
    from confide.platform.audit.services import record_at_commit

    async with tenant_transaction(tenant.id):
        record_at_commit(
            Action.CASE_READ,
            actor_kind="staff",
            actor_id=uuid4() if n % 2 else None,
            subject_kind="case",
            subject_id=uuid4(),
            grounds="assigned",
            reason_code="api",
            detail={"reader": n, "flag": n % 3 == 0, "case_id": uuid4(), "none": None},
        )


async def test_reads_chained_at_commit_concurrently_never_fork_the_chain(
    pool: None, tenants: dict[str, TenantRef]
) -> None:
    """The database chains a read in COMMIT's round trip (lock, then the insert in a
    statement of its own, after the lock): concurrent readers queue, and the hash it
    computes is the one ``entry_hash`` recomputes."""
    alpha, beta = tenants["alpha"], tenants["beta"]
    before = len(await _entries(alpha))
    await asyncio.gather(
        *(_read_at_commit(alpha, n) for n in range(20)),
        *(_read_at_commit(beta, n) for n in range(5)),
    )
    for tenant in (alpha, beta):
        entries = await _entries(tenant)
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
        assert len({e.prev_hash for e in entries}) == len(entries), "two entries share a parent"
        for entry in entries:
            assert entry.hash == _expected_hash(tenant.id, entry)
        report = await _verify(tenant)
        assert report.ok, report
    assert len(await _entries(alpha)) == before + 20


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET action = 'nothing_happened'",
        "DELETE FROM audit_entries",
        "TRUNCATE audit_entries",
    ],
)
async def test_application_role_cannot_change_or_remove_entries(
    pool: None, app_conn: asyncpg.Connection, tenants: dict[str, TenantRef], statement: str
) -> None:
    await _record(tenants["alpha"])
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with _in_tenant(app_conn, tenants["alpha"]):
            await app_conn.execute(statement)


@pytest.mark.parametrize(
    "fields",
    [
        {"detail": {"name": "Jasmine Smith"}},
        {"detail": {"note": "called about Jasmine's EHCP"}},
        {"detail": {"Jasmine Smith": 1}},
        {"detail": {"score": 1.5}},
        {"detail": {"nested": {"name": "x"}}},
        {"detail": {f"k{n}": n for n in range(17)}},
        {"action": "Jasmine Smith"},
        {"reason_code": "mum asked, Jasmine"},
        {"grounds": "Assigned to Jasmine"},
        {"subject_kind": "Jasmine Smith"},
        {"actor_kind": "Jasmine"},
    ],
)
async def test_personal_data_is_refused_and_nothing_is_written(
    pool: None, tenants: dict[str, TenantRef], fields: dict[str, Any]
) -> None:
    alpha = tenants["alpha"]
    before = len(await _entries(alpha))
    action = fields.pop("action", Action.CASE_READ)
    with pytest.raises(ValueError, match="audit") as refused:
        await _record(alpha, action, **fields)
    assert "Jasmine" not in str(refused.value), "the refusal must not quote the data"
    assert len(await _entries(alpha)) == before


async def test_recording_needs_a_tenant(pool: None) -> None:
    with pytest.raises(NoTenantError):
        await record(Action.SIGN_IN, actor_kind="system")


async def test_one_tenants_entries_are_invisible_to_another(
    pool: None, app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    alpha, beta = tenants["alpha"], tenants["beta"]
    subject = uuid4()
    made = await _record(alpha, subject_id=subject)
    async with tenant_transaction(beta.id):
        assert (await list_entries(PageRequest(), subject_id=subject)).total == 0
    async with _in_tenant(app_conn, beta):
        assert (
            await app_conn.fetchval("SELECT count(*) FROM audit_entries WHERE id = $1", made.id)
            == 0
        )
    assert await app_conn.fetchval("SELECT count(*) FROM audit_entries") == 0, "no tenant, no rows"
    async with tenant_transaction(alpha.id):
        assert (await list_entries(PageRequest(), subject_id=subject)).total == 1
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with _in_tenant(app_conn, beta):
            await app_conn.execute(
                "INSERT INTO audit_entries (id, tenant_id, seq, actor_kind, action, prev_hash,"
                " hash) VALUES ($1, $2, 999999, 'system', 'planted', $3, $3)",
                uuid4(),
                alpha.id,
                "0" * 64,
            )
    # Nor through the function that chains a read's entry at commit (SECURITY DEFINER).
    planted = {
        "actor_kind": "system",
        "actor_id": None,
        "action": "case_read",
        "subject_kind": "case",
        "subject_id": subject,
        "grounds": None,
        "reason_code": None,
        "detail": {},
    }
    pieces = _hash_pieces(alpha.id, planted)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with _in_tenant(app_conn, beta):
            await app_conn.execute(
                audit_queries.append_entry_sql(alpha.id, planted, pieces, genesis=GENESIS_HASH)
            )
    async with tenant_transaction(alpha.id):
        assert (await list_entries(PageRequest(), subject_id=subject)).total == 1
    async with _in_tenant(app_conn, alpha):  # in its own tenant it chains, as on every read
        await app_conn.execute(
            audit_queries.append_entry_sql(alpha.id, planted, pieces, genesis=GENESIS_HASH)
        )
    async with tenant_transaction(alpha.id):
        assert (await list_entries(PageRequest(), subject_id=subject)).total == 2


@asynccontextmanager
async def _tampered(
    owner_conn: asyncpg.Connection, tenant: TenantRef, entry: AuditRecord
) -> AsyncIterator[None]:
    """The owner role changes one entry's action; put back afterwards."""
    async with _in_tenant(owner_conn, tenant):
        changed = await owner_conn.execute(
            "UPDATE audit_entries SET action = 'case_note_read' WHERE id = $1", entry.id
        )
    assert changed == "UPDATE 1"
    try:
        yield
    finally:
        async with _in_tenant(owner_conn, tenant):
            await owner_conn.execute(
                "UPDATE audit_entries SET action = $1 WHERE id = $2", entry.action, entry.id
            )


async def test_a_changed_entry_is_detected(
    pool: None, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    alpha = tenants["alpha"]
    entry = (await _record(alpha), await _record(alpha), await _record(alpha))[1]
    async with _tampered(owner_conn, alpha, entry):
        report = await _verify(alpha)
        assert not report.ok
        assert (report.first_broken_seq, report.first_broken_id) == (entry.seq, entry.id)
        assert report.why == "its contents do not match its hash"
        assert report.entries_checked == entry.seq
    assert (await _verify(alpha)).ok


async def test_a_deleted_entry_is_detected(
    pool: None, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    alpha = tenants["alpha"]
    _, gone, following = (await _record(alpha), await _record(alpha), await _record(alpha))
    async with _in_tenant(owner_conn, alpha):
        row = await owner_conn.fetchrow("SELECT * FROM audit_entries WHERE id = $1", gone.id)
        await owner_conn.execute("DELETE FROM audit_entries WHERE id = $1", gone.id)
    try:
        report = await _verify(alpha)
        assert not report.ok
        assert (report.first_broken_seq, report.first_broken_id) == (following.seq, following.id)
        assert report.why == f"seq {following.seq} follows {gone.seq - 1}: entries are missing"
    finally:
        async with _in_tenant(owner_conn, alpha):
            columns = list(row.keys())
            await owner_conn.execute(
                f"INSERT INTO audit_entries ({', '.join(columns)})"
                f" VALUES ({', '.join(f'${n}' for n in range(1, len(columns) + 1))})",
                *row.values(),
            )
    assert (await _verify(alpha)).ok


async def test_the_verify_command_reports_tampering_and_exits_1(
    pool: None, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    alpha = tenants["alpha"]
    entry = await _record(alpha)
    await _record(alpha)
    async with _tampered(owner_conn, alpha, entry):
        broken = confide("audit", "verify", "--tenant", "alpha", check=False)
        assert broken.returncode == 1, broken.stderr
        assert broken.stdout.strip() == (
            f"alpha: BROKEN at entry {entry.seq} ({entry.id}): its contents do not match its hash"
        )
        everyone = confide("audit", "verify", check=False)
        assert everyone.returncode == 1
        assert "beta: ok, " in everyone.stdout
    total = len(await _entries(alpha))
    fine = confide("audit", "verify", "--tenant", "alpha", check=False)
    assert fine.returncode == 0, fine.stderr
    assert fine.stdout.strip() == f"alpha: ok, {total} entries"
    every = confide("audit", "verify")
    assert {line.split(":")[0] for line in every.stdout.splitlines()} >= {"alpha", "beta", "gamma"}
    unknown = confide("audit", "verify", "--tenant", "nobody", check=False)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "confide: no tenant with slug 'nobody'"


async def _read_then_fail(tenant: TenantRef, subject: UUID) -> None:
    from confide.platform.audit.services import record_at_commit

    async with tenant_transaction(tenant.id):
        record_at_commit(
            Action.CASE_READ,
            actor_kind="staff",
            subject_kind="case",
            subject_id=subject,
            grounds="assigned",
        )
        raise RuntimeError("the request failed")


async def _read_with_a_name_in_it(tenant: TenantRef) -> None:
    from confide.platform.audit.services import record_at_commit

    async with tenant_transaction(tenant.id):
        record_at_commit(Action.CASE_READ, actor_kind="staff", reason_code="Jasmine Smith")


async def test_reads_are_chained_at_commit_and_not_at_all_on_rollback(
    tenants: dict[str, TenantRef],
) -> None:
    from confide.platform.audit.services import record_at_commit

    alpha = tenants["alpha"]
    committed, rolled_back = uuid4(), uuid4()
    async with tenant_transaction(alpha.id):
        record_at_commit(
            Action.CASE_READ,
            actor_kind="staff",
            subject_kind="case",
            subject_id=committed,
            grounds="assigned",
        )
        # Nothing is written, and no chain lock taken, until the transaction commits.
        listed = (await list_entries(PageRequest(limit=100, offset=0))).items
        assert committed not in [entry.subject_id for entry in listed]
    with pytest.raises(RuntimeError):
        await _read_then_fail(alpha, rolled_back)
    subjects = [e.subject_id for e in await _entries(alpha)]
    assert committed in subjects
    assert rolled_back not in subjects
    assert (await _verify(alpha)).ok
    with pytest.raises(ValueError):
        await _read_with_a_name_in_it(alpha)
