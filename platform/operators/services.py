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
from typing import NamedTuple
from uuid import UUID

from confide.platform.core.crypto import DecryptionError, secret_box
from confide.platform.core.edge import control_characters
from confide.platform.core.errors import Invalid
from confide.platform.core.logs import get_logger
from confide.platform.operators import passwords, queries, totp
from confide.platform.operators.schemas import OperatorStatus, OperatorView

log = get_logger(__name__)

SIGN_IN_FAILED = "Check your email address, password and security code, then try again."
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 320


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


async def create_operator(email: str, password: str) -> NewOperator:
    """A new active operator with a new TOTP secret (stored encrypted)."""
    email = normalise_email(email)
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        raise OperatorError("that is not an email address")
    try:
        passwords.check_policy(password)
    except passwords.WeakPassword as weak:
        raise OperatorError(weak.message, field="password") from None
    if await queries.email_taken(email):
        raise OperatorError("an operator with that email address already exists")
    secret = totp.new_secret()
    operator = await queries.insert_operator(
        email, await passwords.hash_password(password), secret_box().encrypt(secret)
    )
    return NewOperator(operator, totp.provisioning_uri(secret, email), secret)


async def disable_operator(email: str) -> OperatorView:
    """Disable an operator: their sessions stop working at their next request."""
    operator = await queries.disable(normalise_email(email))
    if operator is None:
        raise OperatorError("no operator has that email address")
    return operator


async def get_active_operator(operator_id: UUID) -> OperatorView | None:
    return await queries.active_operator(operator_id)


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
    row = await queries.credentials(email)
    if row is None or row.status != OperatorStatus.ACTIVE:
        await passwords.spend_as_long_as_a_check(password)
        raise OperatorSignInFailed("disabled" if row else "unknown_email")
    if not await passwords.verify_password(row.password_hash, password):
        await queries.count_failure(row.id)
        raise OperatorSignInFailed("wrong_password")
    try:
        secret = secret_box().decrypt(row.totp_secret_encrypted)
    except DecryptionError:
        raise OperatorSignInFailed("totp_secret_unreadable") from None
    step = totp.matching_step(secret, code)
    if step is None:
        await queries.count_failure(row.id)
        raise OperatorSignInFailed("wrong_code")
    if step <= row.totp_last_step:
        await queries.count_failure(row.id)
        raise OperatorSignInFailed("replayed_code")
    # Conditional on the step, so two sign-ins racing with one code cannot both win.
    updated = await queries.signed_in(row.id, step)
    if updated is None:
        raise OperatorSignInFailed("replayed_code")
    return updated
