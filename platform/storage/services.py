"""Storing a tenant's files: ``tenant_files()`` inside the tenant's transaction, then
``put``/``get``/``delete`` by object id, inside it or after it.

    async with tenant_transaction(tenant_id):
        files = await tenant_files()
    object_id = uuid4()
    await files.put(object_id, data)          # bytes, or an iterable of bytes
    data = await files.get(object_id)
    async for piece in files.stream(object_id): ...
    await files.delete(object_id)

The data key is made on the tenant's first file, wrapped by the master keys
(``crypto.secret_box()``) together with the tenant's id, and unwrapped once per process:
a wrapped key is bound to its tenant (Fernet has no associated data, so the tenant's id
is inside the authenticated token and checked on unwrapping), and a wrapped key copied to
another tenant's row is refused (``DataKeyMisbound``, a 409). A key wrapped before the
binding is bound at deploy (the storage migration ``storage_2026_11_30t01_45_00``), on its
tenant's next use, or by ``rewrap_data_key``. Storage calls block, so they
run in a thread; keep them out of a transaction where you can (a slow bucket must not
hold a database connection).
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import AsyncIterator, Iterable, Iterator
from functools import lru_cache
from uuid import UUID

from confide.platform.core.crypto import secret_box
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Conflict
from confide.platform.core.logs import get_logger
from confide.platform.storage import queries
from confide.platform.storage.backends import ObjectMissing, ObjectStore, configured_store
from confide.platform.storage.cipher import CorruptObject, DataCipher

__all__ = [
    "CorruptObject",
    "DataKeyMisbound",
    "ObjectMissing",
    "TenantFiles",
    "rewrap_data_key",
    "tenant_files",
]


log = get_logger(__name__)

#: What a bound wrapped key's plaintext starts with: then the tenant's id, ``:``, the key.
_BOUND = "confide-data-key/2:"


class DataKeyMisbound(Conflict):
    """A wrapped data key that names another tenant: copied, never this tenant's. A 409
    at the edge (``core.errors``), logged with the ids only where it is found."""

    detail = "This service's file key belongs to another service. Tell the platform operator."

    def __init__(self) -> None:
        super().__init__("data_key_misbound")


def _wrap(tenant_id: UUID, key: str) -> str:
    """``key`` (base64) wrapped under the first master key, bound to ``tenant_id``."""
    return secret_box().encrypt(f"{_BOUND}{tenant_id}:{key}")


def _key_of(tenant_id: UUID, wrapped_key: str) -> tuple[str, bool]:
    """The data key (base64) in ``wrapped_key``, and whether it was bound; a key bound to
    another tenant is ``DataKeyMisbound``."""
    plain = secret_box().decrypt(wrapped_key)
    if not plain.startswith(_BOUND):
        return plain, False  # wrapped before the binding: bound on its next use
    bound, _, key = plain[len(_BOUND) :].partition(":")
    if bound != str(tenant_id):
        log.error("data_key_misbound", tenant_id=str(tenant_id))
        raise DataKeyMisbound()
    return key, True


@lru_cache(maxsize=256)
def _unwrap(tenant_id: UUID, wrapped_key: str) -> tuple[DataCipher, bool]:
    key, bound = _key_of(tenant_id, wrapped_key)
    return DataCipher(base64.b64decode(key)), bound


class TenantFiles:
    """One tenant's stored files: objects named ``<tenant id>/<object id>``, sealed with
    the tenant's data key."""

    __slots__ = ("_cipher", "store", "tenant_id")

    def __init__(self, tenant_id: UUID, cipher: DataCipher, store: ObjectStore) -> None:
        self.tenant_id = tenant_id
        self._cipher = cipher
        self.store = store

    def name(self, object_id: UUID) -> str:
        if not isinstance(object_id, UUID):
            raise TypeError("an object id is a UUID")
        return f"{self.tenant_id}/{object_id}"

    def _put(self, object_id: UUID, data: bytes | Iterable[bytes]) -> None:
        name = self.name(object_id)
        chunks = [data] if isinstance(data, bytes | bytearray | memoryview) else data
        self.store.put(name, self._cipher.encrypt(name, (bytes(c) for c in chunks)))

    async def put(self, object_id: UUID, data: bytes | Iterable[bytes]) -> None:
        """Seal and store ``data`` under the id (replacing any object there)."""
        await asyncio.to_thread(self._put, object_id, data)

    def read(self, object_id: UUID) -> Iterator[bytes]:
        """The plaintext in pieces, blocking (for a worker or a thread); ``ObjectMissing``,
        ``CorruptObject``."""
        name = self.name(object_id)
        return self._cipher.decrypt(name, self.store.get(name))

    async def get(self, object_id: UUID) -> bytes:
        """The whole plaintext."""
        return await asyncio.to_thread(lambda: b"".join(self.read(object_id)))

    async def stream(self, object_id: UUID) -> AsyncIterator[bytes]:
        """The plaintext in pieces, each read in a thread. The object is opened (and
        ``ObjectMissing`` raised) on the first piece."""
        pieces = await asyncio.to_thread(self.read, object_id)
        done = object()
        while (piece := await asyncio.to_thread(next, pieces, done)) is not done:
            assert isinstance(piece, bytes)
            yield piece

    async def delete(self, object_id: UUID) -> None:
        """Remove the object, if it is there."""
        await asyncio.to_thread(self.store.delete, self.name(object_id))

    async def exists(self, object_id: UUID) -> bool:
        return await asyncio.to_thread(self.store.exists, self.name(object_id))


async def tenant_files(store: ObjectStore | None = None) -> TenantFiles:
    """The current tenant's files (inside ``tenant_transaction``), in ``store`` or the
    configured one. Makes the tenant's data key the first time."""
    tenant_id = current_tenant_id()
    wrapped = await queries.data_key(tenant_id)
    if wrapped is None:
        fresh = _wrap(tenant_id, base64.b64encode(os.urandom(32)).decode("ascii"))
        wrapped = await queries.add_data_key(tenant_id, fresh)
    cipher, bound = _unwrap(tenant_id, wrapped)
    if not bound:
        await _bind(tenant_id, wrapped)
    return TenantFiles(tenant_id, cipher, store or configured_store())


async def _bind(tenant_id: UUID, wrapped: str) -> bool:
    """Wrap the tenant's key again, bound to it, under the first master key."""
    key, _ = _key_of(tenant_id, wrapped)
    return bool(await queries.rewrap_data_key(tenant_id, wrapped, _wrap(tenant_id, key)))


async def rewrap_data_key() -> bool:
    """Wrap the current tenant's data key under the first master key (after a new key was
    put first in ``CONFIDE_ENCRYPTION_KEYS``, before the old one is dropped), bound to the
    tenant (a key wrapped before the binding is bound now): whether it changed. The data
    key itself, and so every stored object, stays as it is."""
    tenant_id = current_tenant_id()
    wrapped = await queries.data_key(tenant_id)
    if wrapped is None:
        return False
    return await _bind(tenant_id, wrapped)
