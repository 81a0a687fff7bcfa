"""Secrets encrypted at rest (an identity provider's client secret, for instance).

Fernet gives authenticated encryption, so a changed or foreign token is
refused rather than decrypted into garbage. ``CONFIDE_ENCRYPTION_KEYS`` lists
the keys, newest first: the first encrypts, every one decrypts, so a key is
rotated by putting a new one first, re-encrypting stored tokens with
``SecretBox.rotate`` and only then dropping the old one. An instance with only
``CONFIDE_SECRET_KEY`` derives its single key from it (HKDF-SHA256), so the
embedded default works with nothing more configured; ``derived_key`` gives
that key, to list it second when moving to explicit keys.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from confide.platform.core.settings import SettingsError, get_settings

HKDF_INFO = b"confide-encryption-v1"


class DecryptionError(ValueError):
    """A token was changed, is not a token, or was made with a key no longer listed."""


def derive(secret_key: str, info: bytes) -> bytes:
    """32 bytes for one purpose (``info``) from ``CONFIDE_SECRET_KEY`` (HKDF-SHA256): a key
    that is only derived never needs storing, and one purpose's key reveals no other's."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        secret_key.encode()
    )


def derived_key(secret_key: str) -> str:
    """The Fernet key derived from ``CONFIDE_SECRET_KEY`` (used when no keys are listed)."""
    return base64.urlsafe_b64encode(derive(secret_key, HKDF_INFO)).decode("ascii")


def _parse_keys(value: str) -> list[Fernet]:
    parts = [part.strip() for part in value.split(",")]
    keys = []
    for position, part in enumerate(parts, start=1):
        try:
            keys.append(Fernet(part))
        except (ValueError, TypeError):
            # Never quote the value: it is a secret.
            raise SettingsError(
                f"CONFIDE_ENCRYPTION_KEYS is malformed: key {position} of {len(parts)}"
                " is not a Fernet key (32 bytes, url-safe base64)"
            ) from None
    return keys


class SecretBox:
    """Encrypts with the first key, decrypts with any; tokens are ASCII strings."""

    __slots__ = ("_fernet",)

    def __init__(self, keys: list[Fernet]) -> None:
        if not keys:
            raise ValueError("a SecretBox needs at least one key")
        self._fernet = MultiFernet(keys)

    def encrypt(self, plaintext: str) -> str:
        """A token for ``plaintext`` under the current (first) key."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The plaintext; ``DecryptionError`` if the token was tampered with or its key is gone."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise DecryptionError("the token is invalid or was made with an unknown key") from None

    def rotate(self, token: str) -> str:
        """The same secret re-encrypted under the current key (store it in place of ``token``)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise DecryptionError("the token is invalid or was made with an unknown key") from None


@lru_cache(maxsize=4)
def _box(encryption_keys: str | None, secret_key: str | None) -> SecretBox:
    if encryption_keys:
        return SecretBox(_parse_keys(encryption_keys))
    if not secret_key:
        raise SettingsError(
            "CONFIDE_ENCRYPTION_KEYS is not set, nor CONFIDE_SECRET_KEY to derive a key from"
        )
    return SecretBox([Fernet(derived_key(secret_key))])


def secret_box() -> SecretBox:
    """The process's box, from the current settings; raises ``SettingsError`` if unusable."""
    core = get_settings().core
    return _box(core.encryption_keys, core.secret_key)
