"""Operators' SQL: the owner's commands write the table; the web app goes through the
``app_operator_*`` functions (the application role may neither read an operator's
secrets nor write the table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from confide.platform.core.sql import raw
from confide.platform.operators.schemas import OperatorStatus, OperatorView
from confide.platform.operators.tables import Operator

_COLUMNS = (
    Operator.id,
    Operator.email,
    Operator.status,
    Operator.created_at,
    Operator.last_sign_in_at,
)


def _view(row: dict[str, Any]) -> OperatorView:
    return OperatorView(
        id=row["id"],
        email=row["email"],
        status=OperatorStatus(row["status"]),
        created_at=row["created_at"],
        last_sign_in_at=row["last_sign_in_at"],
    )


async def email_taken(email: str) -> bool:
    return bool(await Operator.exists().where(Operator.email == email))


async def insert_operator(
    email: str, password_hash: str, totp_secret_encrypted: str
) -> OperatorView:
    row = Operator(
        email=email, password_hash=password_hash, totp_secret_encrypted=totp_secret_encrypted
    )
    rows = await Operator.insert(row).returning(*_COLUMNS)
    return _view(rows[0])


async def disable(email: str) -> OperatorView | None:
    """The operator with ``email``, disabled (None: no such operator)."""
    rows = await (
        Operator.update({Operator.status: OperatorStatus.DISABLED})
        .where(Operator.email == email)
        .returning(*_COLUMNS)
    )
    return _view(rows[0]) if rows else None


async def active_operator(operator_id: UUID) -> OperatorView | None:
    row = await (
        Operator.select(*_COLUMNS)
        .where((Operator.id == operator_id) & (Operator.status == OperatorStatus.ACTIVE))
        .first()
    )
    return _view(row) if row else None


async def count_failure(operator_id: UUID) -> None:
    await raw("SELECT app_operator_failed({})", operator_id)


@dataclass(frozen=True, slots=True)
class Credentials:
    """One operator's secrets, read through ``app_operator_credentials``."""

    id: UUID
    status: str
    password_hash: str
    totp_secret_encrypted: str
    totp_last_step: int


async def credentials(email: str) -> Credentials | None:
    rows = await raw(
        "SELECT id, status, password_hash, totp_secret_encrypted, totp_last_step"
        " FROM app_operator_credentials({})",
        email,
    )
    return Credentials(**rows[0]) if rows else None


async def signed_in(operator_id: UUID, step: int) -> OperatorView | None:
    """Record a sign-in at TOTP ``step``; None when a later step was already used (only one
    of two sign-ins racing with one code wins)."""
    updated = await raw(
        "SELECT id, email, status, created_at, last_sign_in_at FROM app_operator_signed_in({}, {})",
        operator_id,
        step,
    )
    return _view(updated[0]) if updated else None
