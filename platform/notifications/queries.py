"""Every statement of the notifications domain."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import literal, paged, raw
from confide.platform.notifications.schemas import UNREAD_SHOWN, NotificationKind, NotificationView

_INSERT = (
    "INSERT INTO notifications (id, tenant_id, recipient_id, kind, case_id, case_reference,"
    " subject_id, subject_key, actor_id)"
)
_ONCE = " ON CONFLICT (tenant_id, recipient_id, kind, subject_key) DO NOTHING RETURNING id"


async def notify_staff(
    tenant_id: UUID,
    recipient_id: UUID,
    kind: NotificationKind,
    case_id: UUID | None,
    case_reference: str,
    subject_id: UUID | None,
    subject_key: str,
    actor_id: UUID | None,
) -> int:
    """One notification for one member of staff, unless the same one is there: how many
    were made (0 or 1)."""
    rows = await raw(
        _INSERT + " VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, {}, {}, {})" + _ONCE,
        tenant_id,
        recipient_id,
        kind.value,
        case_id,
        case_reference,
        subject_id,
        subject_key,
        actor_id,
    )
    return len(rows)


async def notify_managers(
    tenant_id: UUID,
    kind: NotificationKind,
    case_id: UUID | None,
    case_reference: str,
    subject_id: UUID | None,
    subject_key: str,
    actor_id: UUID | None,
) -> int:
    """The notification for every active manager of the service (not the actor, who knows),
    unless one has it already: how many were made."""
    rows = await raw(
        _INSERT  # noqa: S608 - constant text; every value is a bound argument
        + " SELECT gen_random_uuid(), s.tenant_id, s.id, {}, {}, {}, {}, {}, {}"
        " FROM staff_users s WHERE s.tenant_id = {} AND s.status = 'active'"
        " AND s.roles @> '[\"manager\"]'::jsonb AND s.id IS DISTINCT FROM {}" + _ONCE,
        kind.value,
        case_id,
        case_reference,
        subject_id,
        subject_key,
        actor_id,
        tenant_id,
        actor_id,
    )
    return len(rows)


async def notify_staff_of_cases(
    tenant_id: UUID,
    recipient_id: UUID,
    kind: NotificationKind,
    subjects: dict[UUID, UUID],
    actor_id: UUID | None,
) -> int:
    """One notification per case (``subjects``: case id to the row it is about, whose id is
    its key), each with the case's reference, unless there already: how many were made."""
    rows = await raw(
        _INSERT  # noqa: S608 - constant text; every value is a bound argument
        + " SELECT gen_random_uuid(), c.tenant_id, {}, {}, c.id, c.reference, s.subject,"
        " s.subject::text, {} FROM unnest({}::uuid[], {}::uuid[]) AS s (case_id, subject)"
        " JOIN cases c ON c.tenant_id = {} AND c.id = s.case_id" + _ONCE,
        recipient_id,
        kind.value,
        actor_id,
        list(subjects),
        list(subjects.values()),
        tenant_id,
    )
    return len(rows)


async def notify_managers_of_cases(
    tenant_id: UUID, kind: NotificationKind, subjects: list[tuple[UUID, UUID, str]]
) -> int:
    """Every active manager told of each (case, row it is about, key), with the case's
    reference, unless told already: how many were made."""
    rows = await raw(
        _INSERT  # noqa: S608 - constant text; every value is a bound argument
        + " SELECT gen_random_uuid(), s.tenant_id, s.id, {}, c.id, c.reference, x.subject,"
        " x.key, NULL FROM unnest({}::uuid[], {}::uuid[], {}::text[]) AS x (case_id, subject, key)"
        " JOIN cases c ON c.tenant_id = {} AND c.id = x.case_id"
        " JOIN staff_users s ON s.tenant_id = c.tenant_id AND s.status = 'active'"
        " AND s.roles @> '[\"manager\"]'::jsonb" + _ONCE,
        kind.value,
        [case_id for case_id, _, _ in subjects],
        [subject for _, subject, _ in subjects],
        [key for _, _, key in subjects],
        tenant_id,
    )
    return len(rows)


_SELECT = (
    "SELECT n.id, n.kind, n.case_id, n.case_reference, n.subject_id, a.display_name AS actor,"
    " n.created_at, n.read_at FROM notifications n"
    " LEFT JOIN staff_users a ON a.tenant_id = n.tenant_id AND a.id = n.actor_id"
    " WHERE n.tenant_id = {} AND n.recipient_id = {}"
)


def _view(row: dict[str, Any]) -> NotificationView:
    return NotificationView(
        id=row["id"],
        kind=NotificationKind(row["kind"]),
        case_id=row["case_id"],
        case_reference=row["case_reference"],
        subject_id=row["subject_id"],
        actor_name=row["actor"],
        created_at=row["created_at"],
        read_at=row["read_at"],
    )


async def notifications(
    tenant_id: UUID, recipient_id: UUID, unread_only: bool, page: PageRequest
) -> Page[NotificationView]:
    """A member of staff's notifications, newest first (only the unread ones, or all)."""
    where = " AND n.read_at IS NULL" if unread_only else ""
    result = await paged(
        _SELECT + where + " ORDER BY n.created_at DESC, n.id DESC",
        tenant_id,
        recipient_id,
        page=page,
    )
    return Page([_view(r) for r in result.items], result.total, page.limit, page.offset)


async def notification(
    tenant_id: UUID, recipient_id: UUID, notification_id: UUID
) -> NotificationView | None:
    rows = await raw(_SELECT + " AND n.id = {}", tenant_id, recipient_id, notification_id)
    return _view(rows[0]) if rows else None


async def mark_read(
    tenant_id: UUID, recipient_id: UUID, notification_ids: list[UUID] | None
) -> list[UUID]:
    """Mark the member of staff's unread notifications read (these, or all): the ids changed."""
    if notification_ids is None:
        rows = await raw(
            "UPDATE notifications SET read_at = now() WHERE tenant_id = {}"
            " AND recipient_id = {} AND read_at IS NULL RETURNING id",
            tenant_id,
            recipient_id,
        )
    else:
        rows = await raw(
            "UPDATE notifications SET read_at = now() WHERE tenant_id = {}"
            " AND recipient_id = {} AND read_at IS NULL AND id = ANY({}::uuid[]) RETURNING id",
            tenant_id,
            recipient_id,
            notification_ids,
        )
    return [r["id"] for r in rows]


async def mark_read_about(tenant_id: UUID, kind: NotificationKind, subject_id: UUID) -> int:
    """Every manager's unread notification about one row (a break-glass use now reviewed)."""
    rows = await raw(
        "UPDATE notifications SET read_at = now() WHERE tenant_id = {} AND kind = {}"
        " AND subject_id = {} AND read_at IS NULL RETURNING id",
        tenant_id,
        kind.value,
        subject_id,
    )
    return len(rows)


async def unread_count(tenant_id: UUID, recipient_id: UUID) -> int:
    [row] = await raw(
        "SELECT count(*) AS n FROM (SELECT 1 FROM notifications WHERE tenant_id = {}"
        " AND recipient_id = {} AND read_at IS NULL LIMIT {}) AS u",
        tenant_id,
        recipient_id,
        UNREAD_SHOWN + 1,
    )
    return int(row["n"])


def unread_rows(recipient_id: UUID) -> str:
    """The unread notifications as rows (at most ``UNREAD_SHOWN`` + 1), as plain SQL with
    literals: the request's ``BEGIN`` counts them with its check, at no round trip.
    ``app_unread_notifications`` (notifications' raw migration 2026-11-30T07:50) counts in
    the transaction's tenant, with a plan the session keeps."""
    return (
        "SELECT generate_series(1, app_unread_notifications("
        f"{literal(recipient_id)}, {UNREAD_SHOWN + 1}))"
    )
