"""Staff users of the current tenant: created at first sign-in, suspended and restored by admins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from confide.platform.audit.actions import Action
from confide.platform.audit.services import record as audit
from confide.platform.core.db import current_tenant_id
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.tables import json_list
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.platform.identity.tables import StaffUser
from confide.tenants.roles import StaffRole

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


def _codes(roles: set[StaffRole]) -> str:
    return ".".join(sorted(r.value for r in roles)) or "none"


async def record_sign_in(
    *, issuer: str, subject: str, email: str | None, name: str, roles: set[StaffRole]
) -> StaffView:
    """Create or update the user from a validated ID token; roles are recomputed every time."""
    row = await (
        StaffUser.select(*_COLUMNS)
        .where((StaffUser.issuer == issuer) & (StaffUser.subject == subject))
        .first()
    )
    now = datetime.now(UTC)
    if row is None:
        user = StaffUser(
            tenant_id=current_tenant_id(),
            issuer=issuer,
            subject=subject,
            email=email,
            display_name=name,
            roles=sorted(r.value for r in roles),
            last_sign_in_at=now,
        )
        await StaffUser.insert(user)
        await audit(
            Action.STAFF_CREATED,
            actor_kind="system",
            subject_kind="staff",
            subject_id=user.id,
            detail={"roles": _codes(roles)},
        )
        return _view({**user.to_dict(), "roles": user.roles})
    view = _view(row)
    if view.status is StaffStatus.SUSPENDED:
        return view
    if view.roles != roles:
        await audit(
            Action.ROLES_CHANGED,
            actor_kind="system",
            subject_kind="staff",
            subject_id=view.id,
            detail={"before": _codes(set(view.roles)), "after": _codes(roles)},
        )
    await StaffUser.update(
        {
            StaffUser.email: email,
            StaffUser.display_name: name,
            StaffUser.roles: sorted(r.value for r in roles),
            StaffUser.last_sign_in_at: now,
        }
    ).where(StaffUser.id == view.id)
    return StaffView(view.id, name, email, frozenset(roles), view.status, now)


async def get_staff(user_id: UUID) -> StaffView | None:
    row = await StaffUser.select(*_COLUMNS).where(StaffUser.id == user_id).first()
    return _view(row) if row else None


async def session_allowed(user_id: UUID, session_started: datetime) -> StaffView | None:
    """The user behind a session, if they are active and the session is not void."""
    row = await (
        StaffUser.select(*_COLUMNS, StaffUser.sessions_valid_after)
        .where(StaffUser.id == user_id)
        .first()
    )
    if row is None or row["status"] != StaffStatus.ACTIVE:
        return None
    if session_started < row["sessions_valid_after"]:
        return None
    return _view(row)


async def list_staff(page: PageRequest) -> Page[StaffView]:
    rows = await (
        StaffUser.select(*_COLUMNS)
        .order_by(StaffUser.display_name)
        .limit(page.limit)
        .offset(page.offset)
    )
    total = await StaffUser.count()
    return Page([_view(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


async def set_status(user_id: UUID, status: StaffStatus, *, by: UUID) -> StaffView | None:
    """Suspend (every session ends at once) or restore a member of staff."""
    values: dict[Any, Any] = {StaffUser.status: status}
    if status is StaffStatus.SUSPENDED:
        values[StaffUser.sessions_valid_after] = datetime.now(UTC)
    updated = await StaffUser.update(values).where(StaffUser.id == user_id).returning(StaffUser.id)
    if not updated:
        return None
    action = Action.STAFF_SUSPENDED if status is StaffStatus.SUSPENDED else Action.STAFF_RESTORED
    await audit(action, actor_kind="staff", actor_id=by, subject_kind="staff", subject_id=user_id)
    return await get_staff(user_id)
