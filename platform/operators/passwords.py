"""Operator passwords: Argon2id (argon2-cffi's defaults, RFC 9106's second profile).

Hashing costs about a fifth of a second of CPU on purpose, so it runs in a
worker thread, never on the event loop. The web app never replaces a stored
hash (the application role may not change one): a hash made with older
parameters stays valid until the operator is given a new password.
"""

from __future__ import annotations

import asyncio
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from confide.platform.core.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 1024  # past this, refuse rather than hash: nobody types that much

_hasher = PasswordHasher()


class WeakPassword(Invalid):
    """The password does not meet the policy; the message says what is needed."""

    def __init__(self, message: str) -> None:
        super().__init__({"password": message})


def check_policy(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must be at most {MAX_LENGTH} characters")
    if not password.strip():
        raise WeakPassword("the password must not be only spaces")
    return password


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str, password: str) -> bool:
    return await asyncio.to_thread(_verify, stored, password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(24))


async def spend_as_long_as_a_check(password: str) -> None:
    """Verify against a throw-away hash: an unknown email takes as long as a known one."""
    dummy = await asyncio.to_thread(_dummy_hash)
    await verify_password(dummy, password)
