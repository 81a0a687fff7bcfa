"""Staff users of the current tenant: created at first sign-in, suspended and restored by admins."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from confide.platform.audit.actions import Action
from confide.platform.audit.services import record as audit
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity import queries
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.tenants.roles import StaffRole


def _codes(roles: set[StaffRole]) -> str:
    return ".".join(sorted(r.value for r in roles)) or "none"


async def record_sign_in(
    *, issuer: str, subject: str, email: str | None, name: str, roles: set[StaffRole]
) -> StaffView:
    """Create or update the user from a validated ID token; roles are recomputed every time."""
    view = await queries.staff_by_subject(issuer, subject)
    now = datetime.now(UTC)
    if view is None:
        created = await queries.insert_staff(
            current_tenant_id(),
            issuer=issuer,
            subject=subject,
            email=email,
            name=name,
            roles=roles,
            signed_in_at=now,
        )
        await audit(
            Action.STAFF_CREATED,
            actor_kind="system",
            subject_kind="staff",
            subject_id=created.id,
            detail={"roles": _codes(roles)},
        )
        return created
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
    await queries.update_sign_in(view.id, email=email, name=name, roles=roles, signed_in_at=now)
    return StaffView(view.id, name, email, frozenset(roles), view.status, now)


async def get_staff(user_id: UUID) -> StaffView | None:
    return await queries.staff(user_id)


async def session_allowed(user_id: UUID, session_started: datetime) -> StaffView | None:
    """The user behind a session, if they are active and the session is not void."""
    found = await queries.staff_and_sessions_valid_after(user_id)
    if found is None:
        return None
    view, valid_after = found
    if view.status is not StaffStatus.ACTIVE or session_started < valid_after:
        return None
    return view


async def list_staff(page: PageRequest) -> Page[StaffView]:
    return await queries.staff_page(page)


class StaffNotFound(NotFound):
    """No such member of staff here, or (the same to the caller) oneself, whose status
    nobody may change: an admin cannot suspend or restore their own account."""


async def set_status(user_id: UUID, status: StaffStatus, *, by: UUID) -> StaffView:
    """Suspend (every session ends at once) or restore a member of staff; never oneself."""
    if user_id == by:
        raise StaffNotFound()
    suspended = status is StaffStatus.SUSPENDED
    if not await queries.update_status(
        user_id, status, sessions_valid_after=datetime.now(UTC) if suspended else None
    ):
        raise StaffNotFound()
    action = Action.STAFF_SUSPENDED if suspended else Action.STAFF_RESTORED
    await audit(action, actor_kind="staff", actor_id=by, subject_kind="staff", subject_id=user_id)
    view = await get_staff(user_id)
    assert view is not None  # just updated, in this transaction
    return view
