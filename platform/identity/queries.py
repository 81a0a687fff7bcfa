"""Identity's SQL: staff users and idempotency keys, as named functions returning views."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from confide.platform.core.db import advisory_key
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import connection, literal, raw
from confide.platform.core.tables import json_list
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.platform.identity.tables import StaffUser
from confide.tenants.roles import StaffRole

# Staff users.

_COLUMNS = (
    StaffUser.id,
    StaffUser.display_name,
    StaffUser.email,
    StaffUser.roles,
    StaffUser.status,
    StaffUser.last_sign_in_at,
)


def _view(row: dict[str, Any]) -> StaffView:
    return StaffView(
        id=row["id"],
        display_name=row["display_name"],
        email=row["email"],
        roles=frozenset(StaffRole(r) for r in json_list(row["roles"])),
        status=StaffStatus(row["status"]),
        last_sign_in_at=row["last_sign_in_at"],
    )


async def staff_by_subject(issuer: str, subject: str) -> StaffView | None:
    """The member of staff a provider's subject belongs to."""
    row = await (
        StaffUser.select(*_COLUMNS)
        .where((StaffUser.issuer == issuer) & (StaffUser.subject == subject))
        .first()
    )
    return _view(row) if row else None


async def insert_staff(
    tenant_id: UUID,
    *,
    issuer: str,
    subject: str,
    email: str | None,
    name: str,
    roles: Collection[StaffRole],
    signed_in_at: datetime,
) -> StaffView:
    user = StaffUser(
        tenant_id=tenant_id,
        issuer=issuer,
        subject=subject,
        email=email,
        display_name=name,
        roles=sorted(r.value for r in roles),
        last_sign_in_at=signed_in_at,
    )
    await StaffUser.insert(user)
    return _view({**user.to_dict(), "roles": user.roles})


async def update_sign_in(
    staff_id: UUID,
    *,
    email: str | None,
    name: str,
    roles: Collection[StaffRole],
    signed_in_at: datetime,
) -> None:
    await StaffUser.update(
        {
            StaffUser.email: email,
            StaffUser.display_name: name,
            StaffUser.roles: sorted(r.value for r in roles),
            StaffUser.last_sign_in_at: signed_in_at,
        }
    ).where(StaffUser.id == staff_id)


async def staff(user_id: UUID) -> StaffView | None:
    row = await StaffUser.select(*_COLUMNS).where(StaffUser.id == user_id).first()
    return _view(row) if row else None


@dataclass(frozen=True, slots=True)
class SessionUser:
    """A member of staff as a request's session sees them; ``version`` changes whenever
    anything in their row does (a digest of the whole row, made by the database)."""

    view: StaffView
    sessions_valid_after: datetime
    version: str


# Raw SQL on the transaction's connection: Piccolo's query building cost more than this
# query, on every signed-in request.
_SESSION_USER = (
    "SELECT s.id, s.display_name, s.email, s.roles, s.status, s.last_sign_in_at,"
    " s.sessions_valid_after, md5(s::text) AS version FROM staff_users s"
    " WHERE s.tenant_id = $1 AND s.id = $2"
)


async def session_user(tenant_id: UUID, user_id: UUID) -> SessionUser | None:
    """The member of staff, the moment before which their sessions are void, and the
    version of their row."""
    row = await connection().fetchrow(_SESSION_USER, tenant_id, user_id)
    if row is None:
        return None
    return SessionUser(_view(row), row["sessions_valid_after"], row["version"])


def session_user_unchanged(user_id: UUID, version: str) -> str:
    """A condition (for the request's BEGIN, see ``tenant_transaction``'s check): the
    member of staff's row is still at ``version``, so what a process kept of it holds.
    ``app_staff_unchanged`` (identity's raw migration 2026-11-30T07:10:01) looks in the
    transaction's tenant only, with a plan the session keeps."""
    return f"app_staff_unchanged({literal(user_id)}, {literal(version)})"


async def staff_page(page: PageRequest) -> Page[StaffView]:
    """The tenant's staff by name, and how many."""
    rows = await (
        StaffUser.select(*_COLUMNS)
        .order_by(StaffUser.display_name)
        .limit(page.limit)
        .offset(page.offset)
    )
    total = await StaffUser.count()
    return Page([_view(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


async def update_status(
    user_id: UUID, status: StaffStatus, *, sessions_valid_after: datetime | None
) -> bool:
    """A new status (and, given, the moment before which sessions are void); False: no
    such member of staff here."""
    values: dict[Any, Any] = {StaffUser.status: status}
    if sessions_valid_after is not None:
        values[StaffUser.sessions_valid_after] = sessions_valid_after
    updated = await StaffUser.update(values).where(StaffUser.id == user_id).returning(StaffUser.id)
    return bool(updated)


# Idempotency keys.


async def lock_key(staff_id: UUID, key: str) -> None:
    """Queue requests under one member of staff's key until commit."""
    await raw(
        "SELECT pg_advisory_xact_lock({})",
        advisory_key(b"idempotency", staff_id.bytes, key.encode()),
    )


@dataclass(frozen=True, slots=True)
class StoredKey:
    """What a key used within the day answered, and an HMAC of the request it was used for."""

    fingerprint: str
    status: int
    location: str


async def stored_key(staff_id: UUID, key: str) -> StoredKey | None:
    rows = await raw(
        "SELECT fingerprint, status, location FROM idempotency_keys"
        " WHERE staff_id = {} AND key = {} AND created_at > now() - interval '1 day'",
        staff_id,
        key,
    )
    if not rows:
        return None
    return StoredKey(rows[0]["fingerprint"], rows[0]["status"], rows[0]["location"])


async def delete_expired_keys(staff_id: UUID) -> None:
    await raw(
        "DELETE FROM idempotency_keys"
        " WHERE staff_id = {} AND created_at < now() - interval '1 day'",
        staff_id,
    )


async def insert_key(
    tenant_id: UUID, staff_id: UUID, key: str, fingerprint: str, status: int, location: str
) -> None:
    await raw(
        "INSERT INTO idempotency_keys (id, tenant_id, staff_id, key, fingerprint, status, location)"
        " VALUES ({}, {}, {}, {}, {}, {}, {})",
        uuid4(),
        tenant_id,
        staff_id,
        key,
        fingerprint,
        status,
        location,
    )
