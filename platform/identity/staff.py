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


# Members of staff as this process last read them for a session, by (tenant, id). A
# request uses what is kept only when its BEGIN found the row unchanged (``session_check``),
# so a suspension or a change of roles anywhere takes effect at the next request.
_KEPT: dict[tuple[UUID, UUID], queries.SessionUser] = {}
_KEPT_AT_MOST = 10_000


def session_check(tenant_id: UUID, user_id: UUID) -> tuple[str, str] | None:
    """What a request's BEGIN checks before the kept member of staff is used: a condition
    and the version it holds to (None: nothing kept, the request reads the row)."""
    kept = _KEPT.get((tenant_id, user_id))
    if kept is None:
        return None
    return queries.session_user_unchanged(user_id, kept.version), kept.version


async def session_allowed(
    user_id: UUID, session_started: datetime, *, unchanged_since: str | None = None
) -> StaffView | None:
    """The user behind a session, if they are active and the session is not void.

    ``unchanged_since``: the version the request's BEGIN found the row still at; what this
    process kept of that version is used, otherwise the row is read (and kept)."""
    key = (current_tenant_id(), user_id)
    found = _KEPT.get(key)
    if found is None or unchanged_since is None or found.version != unchanged_since:
        found = await queries.session_user(*key)
        if found is None:
            _KEPT.pop(key, None)
            return None
        if len(_KEPT) >= _KEPT_AT_MOST:
            _KEPT.clear()
        _KEPT[key] = found
    if found.view.status is not StaffStatus.ACTIVE or session_started < found.sessions_valid_after:
        return None
    return found.view


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
