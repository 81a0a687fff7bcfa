"""Stored files: one interface, two backends (a folder, and a real S3-compatible server),
every object sealed with the tenant's data key before it leaves the process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest
from cryptography.fernet import Fernet

from confide.platform.core.crypto import derived_key, secret_box
from confide.platform.core.db import get_engine, tenant_transaction
from confide.platform.core.outages import outage_of
from confide.platform.core.settings import reload_settings
from confide.platform.storage.backends import FolderStore, ObjectStore, S3Store
from confide.platform.storage.cipher import CHUNK
from confide.platform.storage.services import (
    CorruptObject,
    DataKeyMisbound,
    ObjectMissing,
    TenantFiles,
    rewrap_data_key,
    tenant_files,
)
from tests.helpers.storage import S3Server
from tests.helpers.tenants import TenantRef

pytestmark = pytest.mark.usefixtures("pool")

LETTER = b"%PDF-1.7 Decision letter for Jasmine Okafor, DOB 2014-03-02, EHC plan refused."


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "folder":
        return FolderStore(tmp_path / "files")
    server: S3Server = request.getfixturevalue("s3")
    return S3Store(
        server.bucket,
        endpoint_url=server.endpoint_url,
        access_key_id="test",
        secret_access_key="test",
    )


async def _files(tenant: TenantRef, store: ObjectStore) -> TenantFiles:
    async with tenant_transaction(tenant.id):
        return await tenant_files(store)


def _raw(store: ObjectStore, name: str) -> bytes:
    return b"".join(store.get(name))


async def test_a_file_comes_back_as_it_went_in_and_is_stored_sealed(
    tenants: dict[str, TenantRef], store: ObjectStore
) -> None:
    files = await _files(tenants["alpha"], store)
    object_id = uuid4()
    await files.put(object_id, LETTER)
    assert await files.get(object_id) == LETTER
    name = f"{tenants['alpha'].id}/{object_id}"
    assert files.name(object_id) == name, "the name is ids only"
    stored = _raw(store, name)
    assert b"Jasmine" not in stored
    assert b"%PDF" not in stored
    assert len(stored) > len(LETTER)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, 2 * CHUNK + 7])
async def test_sizes_across_chunk_boundaries_round_trip(
    tenants: dict[str, TenantRef], store: ObjectStore, size: int
) -> None:
    files = await _files(tenants["alpha"], store)
    data = os.urandom(size)
    object_id = uuid4()
    # In uneven pieces, as an upload arrives.
    await files.put(object_id, (data[i : i + 65_537] for i in range(0, size, 65_537)))
    assert await files.get(object_id) == data
    assert b"".join([piece async for piece in files.stream(object_id)]) == data


async def test_a_changed_cut_or_moved_object_is_refused(
    tenants: dict[str, TenantRef], store: ObjectStore
) -> None:
    files = await _files(tenants["alpha"], store)
    object_id = uuid4()
    data = os.urandom(CHUNK + 100)
    await files.put(object_id, data)
    sealed = _raw(store, files.name(object_id))

    flipped = bytearray(sealed)
    flipped[len(sealed) // 2] ^= 1
    cases = {
        "a byte changed": bytes(flipped),
        "the last record cut off": sealed[: len(sealed) - 120],
        "cut mid-record": sealed[:-1],
        "bytes added": sealed + b"\0\0\0\0",
        "not a sealed object": data,
    }
    for what, content in cases.items():
        store.put(files.name(object_id), [content])
        with pytest.raises(CorruptObject):  # noqa: PT012 - the case's name if it is read
            await files.get(object_id)
            pytest.fail(what)
    store.put(files.name(object_id), [sealed])
    assert await files.get(object_id) == data
    moved = uuid4()
    store.put(files.name(moved), [sealed])
    with pytest.raises(CorruptObject):
        await files.get(moved)


async def test_another_tenants_key_cannot_open_an_object(
    tenants: dict[str, TenantRef], store: ObjectStore
) -> None:
    alpha = await _files(tenants["alpha"], store)
    beta = await _files(tenants["beta"], store)
    object_id = uuid4()
    await alpha.put(object_id, LETTER)
    # Copied under beta's name for it: beta's key (and the name) refuse it.
    store.put(beta.name(object_id), store.get(alpha.name(object_id)))
    with pytest.raises(CorruptObject):
        await beta.get(object_id)


async def test_delete_removes_the_object_and_a_failed_put_leaves_nothing(
    tenants: dict[str, TenantRef], store: ObjectStore
) -> None:
    files = await _files(tenants["alpha"], store)
    object_id = uuid4()
    await files.put(object_id, LETTER)
    assert await files.exists(object_id)
    await files.delete(object_id)
    assert not await files.exists(object_id)
    with pytest.raises(ObjectMissing) as missing:
        await files.get(object_id)
    # A missing object is not an outage: a worker fails its task rather than retrying it.
    assert outage_of(missing.value) is None
    await files.delete(object_id)  # nothing there: nothing happens

    def failing() -> Iterator[bytes]:
        yield os.urandom(CHUNK * 3)
        raise OSError("the upload broke off")

    broken = uuid4()
    with pytest.raises(OSError, match="broke off"):
        await files.put(broken, failing())
    assert not await files.exists(broken)
    if isinstance(store, FolderStore):
        assert not list((store.root / str(tenants["alpha"].id)).glob(".part-*"))


async def test_the_data_key_is_stored_wrapped_one_per_tenant(
    tenants: dict[str, TenantRef], owner_conn: asyncpg.Connection, tmp_path: Path
) -> None:
    store = FolderStore(tmp_path)
    await _files(tenants["alpha"], store)
    await _files(tenants["alpha"], store)
    async with owner_conn.transaction():
        await owner_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["alpha"].id)
        )
        rows = await owner_conn.fetch("SELECT wrapped_key FROM storage_data_keys")
    assert len(rows) == 1
    assert rows[0]["wrapped_key"].startswith("gAAAA"), "a Fernet token of the key"


async def test_the_data_key_survives_a_rotation_of_the_master_keys(
    tenants: dict[str, TenantRef], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A new master key first, the data key re-wrapped, the old master key dropped: every
    stored object still opens (the data key never changed)."""
    store = FolderStore(tmp_path)
    tenant = tenants["beta"]
    files = await _files(tenant, store)
    object_id = uuid4()
    await files.put(object_id, LETTER)
    old = derived_key(os.environ["CONFIDE_SECRET_KEY"])
    new = Fernet.generate_key().decode()
    try:
        monkeypatch.setenv("CONFIDE_ENCRYPTION_KEYS", f"{new},{old}")
        reload_settings()
        async with tenant_transaction(tenant.id):
            assert await rewrap_data_key()
        monkeypatch.setenv("CONFIDE_ENCRYPTION_KEYS", new)
        reload_settings()
        assert await (await _files(tenant, store)).get(object_id) == LETTER
    finally:
        # Back under the session's key, for the tests after this one.
        monkeypatch.setenv("CONFIDE_ENCRYPTION_KEYS", f"{old},{new}")
        reload_settings()
        async with tenant_transaction(tenant.id):
            assert await rewrap_data_key()
        monkeypatch.delenv("CONFIDE_ENCRYPTION_KEYS")
        reload_settings()
    assert await (await _files(tenant, store)).get(object_id) == LETTER


async def _key_row(owner: asyncpg.Connection, tenant: TenantRef, wrapped: str | None = None) -> str:
    """The tenant's wrapped data key as stored (set to ``wrapped`` first when given)."""
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        if wrapped is not None:
            await owner.execute("UPDATE storage_data_keys SET wrapped_key = $1", wrapped)
        return str(await owner.fetchval("SELECT wrapped_key FROM storage_data_keys"))


async def test_a_data_key_is_bound_to_its_tenant_and_an_old_one_is_bound_on_use(
    tenants: dict[str, TenantRef], owner_conn: asyncpg.Connection, tmp_path: Path
) -> None:
    store = FolderStore(tmp_path)
    alpha, beta = tenants["alpha"], tenants["beta"]
    await _files(alpha, store)
    beta_files = await _files(beta, store)
    object_id = uuid4()
    await beta_files.put(object_id, LETTER)
    alphas, betas = await _key_row(owner_conn, alpha), await _key_row(owner_conn, beta)
    opened = secret_box().decrypt(betas)
    assert opened.startswith(f"confide-data-key/2:{beta.id}:")
    # Alpha's wrapped key copied into Beta's row: refused, never used as Beta's.
    await _key_row(owner_conn, beta, alphas)
    try:
        with pytest.raises(DataKeyMisbound):
            await _files(beta, store)
    finally:
        await _key_row(owner_conn, beta, betas)
    # A key wrapped before the binding (the key alone): it still opens Beta's files, and
    # its first use binds it in place.
    legacy = secret_box().encrypt(opened.rsplit(":", 1)[1])
    await _key_row(owner_conn, beta, legacy)
    assert await (await _files(beta, store)).get(object_id) == LETTER
    rebound = await _key_row(owner_conn, beta)
    assert rebound != legacy
    assert secret_box().decrypt(rebound) == opened


async def test_the_deploy_binds_every_legacy_data_key_once(
    tenants: dict[str, TenantRef], owner_conn: asyncpg.Connection, tmp_path: Path
) -> None:
    """The storage migration binds every tenant's key wrapped before the binding (not on
    the tenant's next use: a tenant nobody uses would keep an unbound key); run again, it
    changes nothing; a key bound to another tenant is left for a person, not rebound."""
    from confide.platform.storage.piccolo_migrations import (
        storage_2026_11_30t01_45_00_000000 as migration,
    )

    store = FolderStore(tmp_path)
    alpha, beta = tenants["alpha"], tenants["beta"]
    object_id = uuid4()
    await (await _files(alpha, store)).put(object_id, LETTER)
    await _files(beta, store)
    bound = {t.id: await _key_row(owner_conn, t) for t in (alpha, beta)}
    for tenant in (alpha, beta):  # as each was wrapped before the binding: the key alone
        key = secret_box().decrypt(bound[tenant.id]).rsplit(":", 1)[1]
        await _key_row(owner_conn, tenant, secret_box().encrypt(key))
    async with get_engine().transaction():  # what the migration runs, in its transaction
        assert (await migration.bind_all())[0] >= 2
    for tenant in (alpha, beta):
        rebound = await _key_row(owner_conn, tenant)
        assert secret_box().decrypt(rebound) == secret_box().decrypt(bound[tenant.id])
    now = {t.id: await _key_row(owner_conn, t) for t in (alpha, beta)}
    async with get_engine().transaction():
        assert (await migration.bind_all())[0] == 0
    assert {t.id: await _key_row(owner_conn, t) for t in (alpha, beta)} == now
    assert await (await _files(alpha, store)).get(object_id) == LETTER
    # Alpha's key copied into Beta's row: not rebound to Beta.
    await _key_row(owner_conn, beta, now[alpha.id])
    try:
        async with get_engine().transaction():
            assert (await migration.bind_all())[0] == 0
        assert await _key_row(owner_conn, beta) == now[alpha.id]
    finally:
        await _key_row(owner_conn, beta, now[beta.id])


async def test_a_key_the_deploy_cannot_unwrap_is_skipped_not_fatal(
    tenants: dict[str, TenantRef],
    owner_conn: asyncpg.Connection,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Beta's key wrapped under a master key this deploy does not have: the migration logs
    Beta's id alone, counts it as left to bind on use, leaves its row as it is, and still
    binds Alpha's legacy key (one tenant never stops ``confide migrate`` for the others)."""
    from confide.platform.storage.piccolo_migrations import (
        storage_2026_11_30t01_45_00_000000 as migration,
    )

    store = FolderStore(tmp_path)
    alpha, beta = tenants["alpha"], tenants["beta"]
    await _files(alpha, store)
    await _files(beta, store)
    bound = {t.id: await _key_row(owner_conn, t) for t in (alpha, beta)}
    key = secret_box().decrypt(bound[alpha.id]).rsplit(":", 1)[1]
    await _key_row(owner_conn, alpha, secret_box().encrypt(key))  # wrapped before binding
    unknown = Fernet(Fernet.generate_key()).encrypt(b"a key from elsewhere").decode()
    await _key_row(owner_conn, beta, unknown)
    try:
        capsys.readouterr()
        async with get_engine().transaction():
            made, skipped = await migration.bind_all()
        assert made >= 1
        assert skipped == 1
        logged = capsys.readouterr().out
        assert "data_key_not_bound_at_deploy" in logged
        assert str(beta.id) in logged
        assert str(alpha.id) not in logged
        assert await _key_row(owner_conn, beta) == unknown
        assert secret_box().decrypt(await _key_row(owner_conn, alpha)) == secret_box().decrypt(
            bound[alpha.id]
        )
    finally:
        await _key_row(owner_conn, beta, bound[beta.id])
