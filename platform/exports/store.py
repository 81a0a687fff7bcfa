"""Where export files are kept: encrypted before they leave the process, under a name that
is the tenant's and the export's ids only.

A small stand-in with the storage layer's shape (``put``, ``get``, ``delete``): a folder
under the data folder, each file a token of the master keys (``CONFIDE_ENCRYPTION_KEYS``,
``core/crypto.secret_box``, rotation as everywhere). Issue 16's storage layer (per-tenant
data keys, S3) replaces it behind the same three calls.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from uuid import UUID

from confide.platform.core.crypto import secret_box
from confide.platform.core.settings import get_settings


def object_key(tenant_id: UUID, export_id: UUID) -> str:
    """The stored object's name: ids only, never personal data."""
    return f"exports/{tenant_id}/{export_id}"


def _path(key: str) -> Path:
    root = (get_settings().core.data_dir / "objects").resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError("an object key stays inside the store")
    return path


def put(key: str, content: bytes) -> None:
    """Store ``content`` encrypted under ``key``; the same key again replaces it whole."""
    token = secret_box().encrypt(base64.b64encode(content).decode("ascii"))
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(token, encoding="ascii")
    os.replace(partial, path)  # whole or not at all


def get(key: str) -> bytes:
    token = _path(key).read_text(encoding="ascii")
    return base64.b64decode(secret_box().decrypt(token))


def delete(key: str) -> None:
    """Remove the object (nothing if it is already gone)."""
    _path(key).unlink(missing_ok=True)


def exists(key: str) -> bool:
    return _path(key).exists()
