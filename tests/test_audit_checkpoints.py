"""Signed checkpoints of each tenant's audit chain: entries removed from its end, a
changed or forged checkpoint, and checkpoints deleted all make ``confide audit verify``
fail, and the tenant admin can download the latest checkpoint to keep elsewhere.

The tampering is done as the owner role, the way someone who can rewrite the database
would; the checking is the real command. Each scenario has a tenant of its own, and
puts back what it broke. The schedule is the suite's (a day: ``conftest.py``), so the
tenants made here stay in good order however long the rest of the run takes.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.helpers.command import confide
from tests.helpers.html import parse
from tests.helpers.tenants import TenantRef

MINUTES = int(os.environ["CONFIDE_AUDIT_CHECKPOINT_MINUTES"])


def _period(steps_back: int = 0) -> datetime:
    from confide.platform.core.clock import period_start

    return period_start(datetime.now(UTC), MINUTES) - timedelta(minutes=MINUTES * steps_back)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _tenant() -> TenantRef:
    slug = f"anchor-{secrets.token_hex(3)}"
    made = confide("tenants", "create", slug, "--name", "Anchorshire SENDIASS")
    tenant_id = UUID(made.stdout.split("(")[1].split(")")[0])
    return TenantRef(tenant_id, slug, "Anchorshire SENDIASS")


async def _record(tenant: TenantRef, count: int) -> None:
    from confide.platform.audit.actions import Action
    from confide.platform.audit.services import record
    from confide.platform.core.db import tenant_transaction

    for _ in range(count):
        async with tenant_transaction(tenant.id):
            await record(Action.CASE_READ, actor_kind="staff", actor_id=uuid4(), grounds="manager")


async def _checkpoint(tenant: TenantRef, period: datetime) -> Any:
    from confide.platform.audit.checkpoints import make_checkpoint
    from confide.platform.core.db import tenant_transaction

    async with tenant_transaction(tenant.id):
        return await make_checkpoint(period, MINUTES)


@asynccontextmanager
async def _as_owner(conn: asyncpg.Connection, tenant: TenantRef) -> AsyncIterator[None]:
    """A raw transaction as the owner with the tenant set (FORCE binds the owner too)."""
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        yield


@asynccontextmanager
async def _tampered(
    conn: asyncpg.Connection, tenant: TenantRef, *changes: tuple[Any, ...]
) -> AsyncIterator[None]:
    """Run each ``(sql, *args)`` as the owner; afterwards put the tenant's entries and
    checkpoints back as they were, so nothing later sees the damage."""
    async with _as_owner(conn, tenant):
        saved = {table: await conn.fetch(f"SELECT * FROM {table}") for table in _CHAINED}
        for sql, *args in changes:
            await conn.execute(sql, *args)
    try:
        yield
    finally:
        async with _as_owner(conn, tenant):
            for table, rows in saved.items():
                await conn.execute(f"DELETE FROM {table}")
                for row in rows:
                    columns = list(row.keys())
                    await conn.execute(
                        f"INSERT INTO {table} ({', '.join(columns)})"
                        f" VALUES ({', '.join(f'${n}' for n in range(1, len(columns) + 1))})",
                        *row.values(),
                    )
    assert _verify(tenant).returncode == 0, "the tenant was not put back"


_CHAINED = ("audit_entries", "audit_checkpoints")


def _verify(tenant: TenantRef) -> Any:
    return confide("audit", "verify", "--tenant", tenant.slug, check=False)


@pytest.fixture
async def anchored(pool: None) -> TenantRef:
    """A tenant with five entries and checkpoints for the last four periods (the newest
    seeing all five), whose verify is clean."""
    tenant = _tenant()
    for steps_back in (3, 2, 1):
        await _record(tenant, 1)
        await _checkpoint(tenant, _period(steps_back))
    await _record(tenant, 2)
    await _checkpoint(tenant, _period())
    clean = _verify(tenant)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.strip() == f"{tenant.slug}: ok, 5 entries"
    return tenant


async def test_a_checkpoint_signs_the_chain_head_for_anyone_with_the_public_key(
    pool: None,
) -> None:
    tenant = _tenant()
    await _record(tenant, 3)
    made = await _checkpoint(tenant, _period())
    assert await _checkpoint(tenant, _period()) is None, "a second one for the same period"
    from confide.platform.audit.checkpoints import document
    from confide.platform.audit.services import list_entries
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.pagination import PageRequest

    async with tenant_transaction(tenant.id):
        newest = (await list_entries(PageRequest(limit=1))).items[0]
    assert (made.seq, made.hash) == (newest.seq, newest.hash) == (3, newest.hash)
    _check_signature(document(made), tenant)


def _public_keys() -> dict[str, str]:
    printed = confide("audit", "public-key").stdout.splitlines()
    return {line.split("\t")[0]: line.split("\t")[2] for line in printed}


def _check_signature(downloaded: dict[str, Any], tenant: TenantRef) -> None:
    """As a verifier elsewhere would: the public key, and the format's own description."""
    fields = {k: v for k, v in downloaded.items() if k != "signature"}
    assert fields["algorithm"] == "Ed25519"
    assert fields["tenant_id"] == str(tenant.id)
    message = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    public = _public_keys()[fields["key_id"]]
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(public + "=="))
    signature = downloaded["signature"]
    key.verify(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)), message)


async def test_entries_removed_from_the_end_of_the_chain_are_reported(
    anchored: TenantRef, owner_conn: asyncpg.Connection
) -> None:
    async with _tampered(owner_conn, anchored, ("DELETE FROM audit_entries WHERE seq > 3",)):
        broken = _verify(anchored)
    assert broken.returncode == 1
    assert broken.stdout.strip() == (
        f"{anchored.slug}: BROKEN: the chain ends at entry 3 but the checkpoint of"
        f" {_when(_period())} saw 5: entries were removed from its end"
    )


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ("seq = seq - 1", "does not match its signature: it was changed or forged"),
        ("hash = repeat('a', 64)", "does not match its signature: it was changed or forged"),
        ("made_at = made_at - interval '1 day'", "does not match its signature"),
        ("key_id = '0123456789abcdef'", "names key 0123456789abcdef, which is not configured"),
    ],
)
async def test_a_checkpoint_whose_signature_fails_is_reported(
    anchored: TenantRef, owner_conn: asyncpg.Connection, change: str, why: str
) -> None:
    update = f"UPDATE audit_checkpoints SET {change} WHERE period_start = $1"
    async with _tampered(owner_conn, anchored, (update, _period(1))):
        broken = _verify(anchored)
    assert broken.returncode == 1
    assert f"{anchored.slug}: BROKEN: the checkpoint of {_when(_period(1))} " in broken.stdout
    assert why in broken.stdout


async def test_checkpoints_deleted_leave_a_gap_that_is_reported(
    anchored: TenantRef, owner_conn: asyncpg.Connection
) -> None:
    one = ("DELETE FROM audit_checkpoints WHERE period_start = $1", _period(2))
    async with _tampered(owner_conn, anchored, one):
        middle = _verify(anchored)
    assert middle.returncode == 1
    assert middle.stdout.strip() == (
        f"{anchored.slug}: BROKEN: no checkpoint between {_when(_period(3))} and"
        f" {_when(_period(1))}: checkpoints were deleted, or the schedule did not run"
    )

    # The newest checkpoints and the entries only they saw, all gone: the chain and the
    # checkpoints left agree, but the schedule shows what is missing.
    newest = ("DELETE FROM audit_checkpoints WHERE period_start >= $1", _period(2))
    async with _tampered(
        owner_conn, anchored, newest, ("DELETE FROM audit_entries WHERE seq > 1",)
    ):
        end = _verify(anchored)
    assert end.returncode == 1
    assert end.stdout.strip() == (
        f"{anchored.slug}: BROKEN: no checkpoint since {_when(_period(3))}: checkpoints were"
        " deleted, or the schedule is not running"
    )


async def test_a_tenant_never_checkpointed_is_reported(
    pool: None, owner_conn: asyncpg.Connection
) -> None:
    tenant = _tenant()
    await _record(tenant, 2)
    assert _verify(tenant).returncode == 0, "a new tenant has until its second period"
    created = datetime.now(UTC) - timedelta(minutes=3 * MINUTES)
    await owner_conn.execute("UPDATE tenants SET created_at = $1 WHERE id = $2", created, tenant.id)
    never = _verify(tenant)
    await _checkpoint(tenant, _period())
    assert never.returncode == 1
    assert never.stdout.strip() == (
        f"{tenant.slug}: BROKEN: no checkpoint since the tenant was created ({_when(created)}):"
        " checkpoints were deleted, or the schedule is not running"
    )
    assert _verify(tenant).returncode == 0, "anchored at last"


async def test_the_tenant_admin_sees_and_downloads_the_latest_checkpoint(
    gareth: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    made = confide("audit", "checkpoint", "--tenant", "northmoor")
    assert made.stdout.strip() in {
        "northmoor: checkpoint made",
        "northmoor: this period has one already",
    }
    page = await gareth.get("/t/northmoor/admin/audit")
    assert page.status_code == 200
    assert parse(page).select("[data-testid=checkpoint]")
    download = await gareth.get("/t/northmoor/admin/audit/checkpoint.json")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    downloaded = download.json()
    assert set(downloaded) == {
        "algorithm",
        "tenant_id",
        "period_start",
        "made_at",
        "seq",
        "hash",
        "interval_minutes",
        "key_id",
        "signature",
    }
    for shown in (str(downloaded["seq"]), downloaded["hash"], downloaded["key_id"]):
        assert shown in page.text
    assert _public_keys()[downloaded["key_id"]] in page.text
    _check_signature(downloaded, tenants["northmoor"])


async def test_only_the_tenant_admin_sees_the_checkpoint(
    aisha: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    assert (await aisha.get("/t/northmoor/admin/audit")).status_code == 403
    download = await aisha.get("/t/northmoor/admin/audit/checkpoint.json")
    assert download.status_code == 403
    assert (await browser.get("/t/northmoor/admin/audit/checkpoint.json")).status_code == 303


async def test_the_checkpoint_key_comes_from_the_environment_and_rotates(pool: None) -> None:
    from confide.platform.audit.signing import HKDF_INFO
    from confide.platform.core.crypto import derive

    tenant = _tenant()
    await _checkpoint(tenant, _period())  # signed with the key derived from the secret key
    derived = base64.urlsafe_b64encode(derive(os.environ["CONFIDE_SECRET_KEY"], HKDF_INFO))
    new = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    def verify(keys: str) -> Any:
        env = {"CONFIDE_AUDIT_CHECKPOINT_KEY": keys}
        return confide("audit", "verify", "--tenant", tenant.slug, check=False, env=env)

    only_new = verify(new)
    assert only_new.returncode == 1
    assert "which is not configured" in only_new.stdout
    assert verify(f"{new},{derived.decode()}").returncode == 0, "the old key still verifies"
    listed = confide("audit", "public-key", env={"CONFIDE_AUDIT_CHECKPOINT_KEY": new}).stdout
    assert len(listed.splitlines()) == 1
    malformed = confide(
        "audit", "public-key", check=False, env={"CONFIDE_AUDIT_CHECKPOINT_KEY": "x" * 20}
    )
    assert malformed.returncode == 2
    assert malformed.stderr.strip() == (
        "confide: CONFIDE_AUDIT_CHECKPOINT_KEY is malformed: key 1 of 1 is not 32 bytes in"
        " url-safe base64"
    )
