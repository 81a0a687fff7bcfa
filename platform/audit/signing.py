"""The key that signs audit checkpoints: Ed25519, from the environment, never in the database.

Whoever can rewrite the database (the owner role, a restored backup edited by
hand) cannot sign, so a checkpoint they delete or change shows. Ed25519, so a
checkpoint can be checked by anyone holding only the public key: a tenant admin
downloads one and keeps it elsewhere.

``CONFIDE_AUDIT_CHECKPOINT_KEY`` lists private keys (url-safe base64 of 32
random bytes), newest first: the first signs, every one verifies, so a key is
rotated by putting a new one first and keeping the old one while checkpoints it
signed are kept. Unset, one key is derived from ``CONFIDE_SECRET_KEY`` (as the
encryption key is), so the embedded default signs with nothing more configured.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from confide.platform.core.crypto import derive
from confide.platform.core.settings import SettingsError, get_settings

ALGORITHM = "Ed25519"
HKDF_INFO = b"confide-audit-checkpoint-v1"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def public_key_text(key: Ed25519PrivateKey) -> str:
    """The public key as url-safe base64 of its 32 raw bytes (what a verifier keeps)."""
    return _b64(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def key_id(key: Ed25519PrivateKey) -> str:
    """A short name for a key: the first 16 hex digits of SHA-256 of the public key."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


class CheckpointKeys:
    """Signs with the first key; verifies with whichever key a checkpoint names."""

    __slots__ = ("_by_id", "signing")

    def __init__(self, keys: list[Ed25519PrivateKey]) -> None:
        if not keys:
            raise ValueError("at least one checkpoint key is needed")
        self.signing = keys[0]
        self._by_id = {key_id(key): key for key in keys}

    @property
    def signing_id(self) -> str:
        return key_id(self.signing)

    def sign(self, message: bytes) -> str:
        return _b64(self.signing.sign(message))

    def knows(self, name: str) -> bool:
        return name in self._by_id

    def verify(self, name: str, message: bytes, signature: str) -> bool:
        """True if key ``name`` signed ``message``; False for any other signature or key."""
        key = self._by_id.get(name)
        if key is None:
            return False
        try:
            raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
            key.public_key().verify(raw, message)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True

    def public_keys(self) -> dict[str, str]:
        """Key id to public key, signing key first."""
        return {name: public_key_text(key) for name, key in self._by_id.items()}


def _parse(value: str) -> list[Ed25519PrivateKey]:
    parts = [part.strip() for part in value.split(",")]
    keys = []
    for position, part in enumerate(parts, start=1):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
            if len(raw) != 32:
                raise ValueError
            keys.append(Ed25519PrivateKey.from_private_bytes(raw))
        except (ValueError, binascii.Error):
            # Never quote the value: it is a secret.
            raise SettingsError(
                f"CONFIDE_AUDIT_CHECKPOINT_KEY is malformed: key {position} of {len(parts)}"
                " is not 32 bytes in url-safe base64"
            ) from None
    return keys


@lru_cache(maxsize=4)
def _keys(listed: str | None, secret_key: str | None) -> CheckpointKeys:
    if listed:
        return CheckpointKeys(_parse(listed))
    if not secret_key:
        raise SettingsError(
            "CONFIDE_AUDIT_CHECKPOINT_KEY is not set, nor CONFIDE_SECRET_KEY to derive one from"
        )
    return CheckpointKeys([Ed25519PrivateKey.from_private_bytes(derive(secret_key, HKDF_INFO))])


def checkpoint_keys() -> CheckpointKeys:
    """The process's checkpoint keys, from the current settings."""
    core = get_settings().core
    return _keys(core.audit_checkpoint_key, core.secret_key)
