"""What notifications take in and give out.

A notification's stored text is never more than its kind and a case reference: names
(the actor's, the case's people) are never kept in it, and the list renders what it
shows at read time (the actor's display name; the case through the case page, which is
need-to-know as every case read).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from confide.platform.core.errors import NotFound


class NotificationKind(StrEnum):
    """Who is told what (issue 15): managers the first four, a caseworker the last."""

    SHARE_AWAITING = "share_awaiting"  # a share awaits a manager's authorisation
    BREAK_GLASS = "break_glass"  # someone opened a case with break-glass
    TELL_CLIENT_OVERDUE = "tell_client_overdue"  # a tell-the-client task went overdue
    POLICY_REVIEW_DUE = "policy_review_due"  # the confidentiality policy's review fell due
    CASE_ASSIGNED = "case_assigned"  # a case was assigned to a caseworker
    REQUEST_DUE = "request_due"  # an information request's deadline is near, or passed
    REQUEST_IDENTITY = "request_identity"  # a request has waited a week for proof of identity


MANAGER_KINDS = frozenset(
    {
        NotificationKind.SHARE_AWAITING,
        NotificationKind.BREAK_GLASS,
        NotificationKind.TELL_CLIENT_OVERDUE,
        NotificationKind.POLICY_REVIEW_DUE,
        NotificationKind.REQUEST_DUE,
        NotificationKind.REQUEST_IDENTITY,
    }
)

# The header shows at most this many unread ("99+" past it): the count rides the request's
# BEGIN as a row count, so it is bounded.
UNREAD_SHOWN = 99


class NotificationNotFound(NotFound):
    """No such notification for this member of staff (another's, or another service's)."""


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: UUID
    kind: NotificationKind
    case_id: UUID | None
    case_reference: str
    subject_id: UUID | None
    actor_name: str | None  # rendered at read time from the staff row, never stored
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None
