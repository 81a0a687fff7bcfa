"""Time-based one-time codes (RFC 6238): 30-second steps, 6 digits, one step either side.

``matching_step`` returns which step a code belongs to, so the caller can
store it and refuse that step, or any earlier one, next time: a code seen
over someone's shoulder cannot be used again, even within its window.
"""

from __future__ import annotations

import hmac
import re
import time

import pyotp

ISSUER = "Confide"
DIGITS = 6
INTERVAL = 30
TOLERANCE = 1  # steps accepted either side of now, for clock drift and slow typing

_CODE = re.compile(r"^[0-9]{6}$")


def new_secret() -> str:
    """A random base32 secret of 160 bits (RFC 4226's recommended length)."""
    return pyotp.random_base32()


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` address an authenticator app reads (usually from a QR code)."""
    return _totp(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def normalise(code: str) -> str:
    """Codes are often typed with spaces ("123 456")."""
    return code.replace(" ", "").replace("-", "").strip()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step ``code`` is valid for, within the tolerance; None if it is not valid."""
    code = normalise(code)
    if not _CODE.match(code):
        return None
    totp = _totp(secret)
    current = totp.timecode(time.time() if now is None else now)
    found = None
    for step in range(current - TOLERANCE, current + TOLERANCE + 1):
        # Compare every candidate, so the time taken does not say which one matched.
        if hmac.compare_digest(totp.generate_otp(step), code) and found is None:
            found = step
    return found
