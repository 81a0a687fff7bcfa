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
(``crypto.secret_box()``), and unwrapped once per process. Storage calls block, so they
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
from confide.platform.storage import queries
from confide.platform.storage.backends import ObjectMissing, ObjectStore, configured_store
from confide.platform.storage.cipher import CorruptObject, DataCipher

__all__ = ["CorruptObject", "ObjectMissing", "TenantFiles", "rewrap_data_key", "tenant_files"]


@lru_cache(maxsize=256)
def _unwrap(wrapped_key: str) -> DataCipher:
    return DataCipher(base64.b64decode(secret_box().decrypt(wrapped_key)))


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
        fresh = secret_box().encrypt(base64.b64encode(os.urandom(32)).decode("ascii"))
        wrapped = await queries.add_data_key(tenant_id, fresh)
    return TenantFiles(tenant_id, _unwrap(wrapped), store or configured_store())


async def rewrap_data_key() -> bool:
    """Wrap the current tenant's data key under the first master key (after a new key was
    put first in ``CONFIDE_ENCRYPTION_KEYS``, before the old one is dropped): whether it
    changed. The data key itself, and so every stored object, stays as it is."""
    tenant_id = current_tenant_id()
    wrapped = await queries.data_key(tenant_id)
    if wrapped is None:
        return False
    rewrapped = secret_box().rotate(wrapped)
    return bool(await queries.rewrap_data_key(tenant_id, wrapped, rewrapped))
