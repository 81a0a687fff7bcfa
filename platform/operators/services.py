"""Operator accounts: create, disable, authenticate.

``authenticate`` needs all three of email, password and a fresh TOTP code.
Whatever fails, the person is told the same thing (``SIGN_IN_FAILED``); the
exception's ``reason`` is a code for the log line and the tests. An unknown
email costs a password check all the same, so timing does not say which
emails are operators'.

The web app runs ``authenticate`` as the application role, which may neither
read an operator's secrets nor write the table: it goes through the
``app_operator_*`` functions (``piccolo_migrations``) and never changes a
password hash. ``create_operator`` and ``disable_operator`` are the commands',
run as the owner.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from uuid import UUID

from confide.platform.core.crypto import DecryptionError, secret_box
from confide.platform.core.edge import control_characters
from confide.platform.core.errors import Invalid
from confide.platform.core.logs import get_logger
from confide.platform.core.sql import raw
from confide.platform.operators import passwords, totp
from confide.platform.operators.schemas import OperatorStatus, OperatorView
from confide.platform.operators.tables import Operator

log = get_logger(__name__)

SIGN_IN_FAILED = "Check your email address, password and security code, then try again."
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 320

_COLUMNS = (
    Operator.id,
    Operator.email,
    Operator.status,
    Operator.created_at,
    Operator.last_sign_in_at,
)


class OperatorError(Invalid):
    """An account request that cannot be carried out; the message (on ``email`` or
    ``password``) says why."""

    def __init__(self, message: str, *, field: str = "email") -> None:
        super().__init__({field: message})


class OperatorSignInFailed(Exception):
    """Sign-in refused. ``reason`` is for logs only; people see ``SIGN_IN_FAILED``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NewOperator(NamedTuple):
    """What ``create_operator`` hands back once: the TOTP secret is never shown again."""

    operator: OperatorView
    provisioning_uri: str
    secret: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _view(row: dict[str, Any]) -> OperatorView:
    return OperatorView(
        id=row["id"],
        email=row["email"],
        status=OperatorStatus(row["status"]),
        created_at=row["created_at"],
        last_sign_in_at=row["last_sign_in_at"],
    )


async def create_operator(email: str, password: str) -> NewOperator:
    """A new active operator with a new TOTP secret (stored encrypted)."""
    email = normalise_email(email)
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        raise OperatorError("that is not an email address")
    try:
        passwords.check_policy(password)
    except passwords.WeakPassword as weak:
        raise OperatorError(weak.message, field="password") from None
    if await Operator.exists().where(Operator.email == email):
        raise OperatorError("an operator with that email address already exists")
    secret = totp.new_secret()
    row = Operator(
        email=email,
        password_hash=await passwords.hash_password(password),
        totp_secret_encrypted=secret_box().encrypt(secret),
    )
    rows = await Operator.insert(row).returning(*_COLUMNS)
    return NewOperator(_view(rows[0]), totp.provisioning_uri(secret, email), secret)


async def disable_operator(email: str) -> OperatorView:
    """Disable an operator: their sessions stop working at their next request."""
    rows = await (
        Operator.update({Operator.status: OperatorStatus.DISABLED})
        .where(Operator.email == normalise_email(email))
        .returning(*_COLUMNS)
    )
    if not rows:
        raise OperatorError("no operator has that email address")
    return _view(rows[0])


async def get_active_operator(operator_id: UUID) -> OperatorView | None:
    row = await (
        Operator.select(*_COLUMNS)
        .where((Operator.id == operator_id) & (Operator.status == OperatorStatus.ACTIVE))
        .first()
    )
    return _view(row) if row else None


async def _count_failure(operator_id: UUID) -> None:
    await raw("SELECT app_operator_failed({})", operator_id)


async def authenticate(email: str, password: str, code: str) -> OperatorView:
    """The operator, if all three match; raises ``OperatorSignInFailed`` otherwise."""
    try:
        operator = await _authenticate(normalise_email(email), password, code)
    except OperatorSignInFailed as failed:
        log.info("operator_sign_in_failed", reason=failed.reason)
        raise
    log.info("operator_sign_in", operator_id=str(operator.id))
    return operator


async def _authenticate(email: str, password: str, code: str) -> OperatorView:
    if not email or not password or len(email) > MAX_EMAIL:
        raise OperatorSignInFailed("incomplete")
    if control_characters(email, single_line=True):  # no operator's; PostgreSQL refuses NUL
        raise OperatorSignInFailed("unknown_email")
    if len(password) > passwords.MAX_LENGTH:
        raise OperatorSignInFailed("wrong_password")
    # The application role cannot read the table's secrets: one operator's, by email.
    rows = await raw(
        "SELECT id, status, password_hash, totp_secret_encrypted, totp_last_step"
        " FROM app_operator_credentials({})",
        email,
    )
    if not rows or rows[0]["status"] != OperatorStatus.ACTIVE:
        await passwords.spend_as_long_as_a_check(password)
        raise OperatorSignInFailed("disabled" if rows else "unknown_email")
    row = rows[0]
    if not await passwords.verify_password(row["password_hash"], password):
        await _count_failure(row["id"])
        raise OperatorSignInFailed("wrong_password")
    try:
        secret = secret_box().decrypt(row["totp_secret_encrypted"])
    except DecryptionError:
        raise OperatorSignInFailed("totp_secret_unreadable") from None
    step = totp.matching_step(secret, code)
    if step is None:
        await _count_failure(row["id"])
        raise OperatorSignInFailed("wrong_code")
    if step <= row["totp_last_step"]:
        await _count_failure(row["id"])
        raise OperatorSignInFailed("replayed_code")
    # Conditional on the step, so two sign-ins racing with one code cannot both win.
    updated = await raw(
        "SELECT id, email, status, created_at, last_sign_in_at FROM app_operator_signed_in({}, {})",
        row["id"],
        step,
    )
    if not updated:
        raise OperatorSignInFailed("replayed_code")
    return _view(updated[0])
