"""In-app notifications (issue 15): who is told what, made by the one action that changes
the state (same transaction) or by a scheduled job for what time alone makes due; read and
marked read by whoever was told.

- A manager (every active manager, not the one who acted) when a share awaits
  authorisation (``consent.disclosures.share``), when break-glass is used
  (``casework.access.break_glass``), when a tell-the-client task goes overdue (the
  ``notifications.tell_client_overdue`` job) and when the policy review falls due (the
  ``notifications.policy_review_due`` job).
- A caseworker when a case is assigned to them by someone else
  (``casework.records.change_assignment``, ``casework.allocation.reassign``).

Each is made once: the same kind, recipient and subject key is never stored twice, so a
job run again or a delivery repeated makes nothing new. Only a case reference is kept:
the list renders the rest at read time.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import pending_user_id
from confide.platform.notifications import queries
from confide.platform.notifications.schemas import (
    UNREAD_SHOWN,
    NotificationKind,
    NotificationNotFound,
    NotificationView,
)
from confide.tenants.policy.document import current_review_status
from confide.tenants.schemas import TenantView
from confide.tenants.services import get_active_tenant_by_id

MARK_AT_ONCE = 100
_UNREAD = "confide_unread_notifications"  # scope state: what the request's BEGIN counted


async def notify_managers(
    kind: NotificationKind,
    *,
    subject_key: str,
    case_id: UUID | None = None,
    case_reference: str = "",
    subject_id: UUID | None = None,
    actor_id: UUID | None = None,
) -> int:
    """Tell every active manager but the actor, once per ``subject_key``: how many were told
    (in the caller's transaction, so it commits with the change it tells of)."""
    return await queries.notify_managers(
        current_tenant_id(), kind, case_id, case_reference, subject_id, subject_key, actor_id
    )


async def notify_staff(
    recipient_id: UUID,
    kind: NotificationKind,
    *,
    subject_key: str,
    case_id: UUID | None = None,
    case_reference: str = "",
    subject_id: UUID | None = None,
    actor_id: UUID | None = None,
) -> int:
    """Tell one member of staff, once per ``subject_key`` (nobody is told of their own act)."""
    if recipient_id == actor_id:
        return 0
    return await queries.notify_staff(
        current_tenant_id(),
        recipient_id,
        kind,
        case_id,
        case_reference,
        subject_id,
        subject_key,
        actor_id,
    )


async def notify_staff_of_cases(
    recipient_id: UUID,
    kind: NotificationKind,
    subjects: dict[UUID, UUID],
    *,
    actor_id: UUID | None = None,
) -> int:
    """Tell one member of staff about several cases at once (``subjects``: each case's id to
    the row it is about, e.g. the new assignment), once each; not of their own act."""
    if recipient_id == actor_id or not subjects:
        return 0
    return await queries.notify_staff_of_cases(
        current_tenant_id(), recipient_id, kind, subjects, actor_id
    )


async def notify_managers_of_cases(
    kind: NotificationKind, subjects: list[tuple[UUID, UUID, str]]
) -> int:
    """Tell every active manager of several cases at once (each a case id, the row it is
    about and its key), once each: how many notifications were made."""
    if not subjects:
        return 0
    return await queries.notify_managers_of_cases(current_tenant_id(), kind, subjects)


async def notify_policy_review_due() -> int:
    """The ``notifications.policy_review_due`` job's work: the managers told once that the
    policy review has fallen due (rule 13), nothing before its day. How many were told."""
    tenant = await get_active_tenant_by_id(current_tenant_id())
    if tenant is None:
        return 0
    status = await current_review_status(tenant)
    return await policy_review_due(tenant, status.due_on, service_today())


async def notifications(
    staff: StaffView, page: PageRequest, *, unread_only: bool = False
) -> Page[NotificationView]:
    """The member of staff's own notifications, newest first."""
    return await queries.notifications(current_tenant_id(), staff.id, unread_only, page)


async def get_notification(staff: StaffView, notification_id: UUID) -> NotificationView:
    found = await queries.notification(current_tenant_id(), staff.id, notification_id)
    if found is None:
        raise NotificationNotFound()
    return found


async def mark_read(staff: StaffView, notification_ids: list[UUID] | None = None) -> int:
    """Mark one's own notifications read (these, or every unread one): how many changed;
    audited when any did. Another's id, or another service's, changes nothing."""
    if notification_ids is not None and len(notification_ids) > MARK_AT_ONCE:
        raise Invalid({"ids": f"Choose {MARK_AT_ONCE} notifications or fewer at a time"})
    if notification_ids is not None and not notification_ids:
        return 0
    changed = await queries.mark_read(current_tenant_id(), staff.id, notification_ids)
    if changed:
        await audit.record(
            Action.NOTIFICATIONS_READ,
            actor_kind="staff",
            actor_id=staff.id,
            subject_kind="notification",
            subject_id=changed[0] if len(changed) == 1 else None,
            detail={"count": len(changed)},
        )
    return len(changed)


async def mark_one_read(staff: StaffView, notification_id: UUID) -> NotificationView:
    """Mark one of one's notifications read (404 for another's): the notification."""
    await get_notification(staff, notification_id)
    await mark_read(staff, [notification_id])
    return await get_notification(staff, notification_id)


async def settle_about(kind: NotificationKind, subject_id: UUID) -> int:
    """Every manager's notification of one row read (a break-glass use reviewed): the look
    it asked for was taken, by whoever took it."""
    return await queries.mark_read_about(current_tenant_id(), kind, subject_id)


async def unread_count(staff: StaffView) -> int:
    """How many of one's notifications are unread (at most ``UNREAD_SHOWN`` + 1)."""
    return await queries.unread_count(current_tenant_id(), staff.id)


async def policy_review_due(tenant: TenantView, due_on: date, today: date) -> int:
    """The managers told once that the policy review fell due on ``due_on`` (nothing
    before that day): how many were told."""
    if today < due_on:
        return 0
    return await notify_managers(
        NotificationKind.POLICY_REVIEW_DUE, subject_key=f"policy_review:{due_on.isoformat()}"
    )


class UnreadTally:
    """The tenant middleware's ``TallyHook``: a page's header shows the signed-in member
    of staff's unread notifications, counted by the request's BEGIN (no round trip of its
    own). The API's requests count nothing (``GET /api/notifications?unread=true``)."""

    def prepare_tally(self, scope: Any, tenant: TenantView) -> str | None:
        user_id = pending_user_id(scope)
        if user_id is None or "/api/" in str(scope.get("path", "")):
            return None
        return queries.unread_rows(user_id)

    def counted(self, scope: Any, rows: int) -> None:
        scope.setdefault("state", {})[_UNREAD] = rows


unread_tally = UnreadTally()


def header_unread(scope: Any) -> str | None:
    """The header's count as shown ("3", "99+"), or None when the request counted none."""
    rows = scope.get("state", {}).get(_UNREAD)
    if not isinstance(rows, int):
        return None
    return f"{UNREAD_SHOWN}+" if rows > UNREAD_SHOWN else str(rows)
