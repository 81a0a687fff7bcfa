"""One's in-app notifications: the list (all or only the unread), how many are unread, and
marking them read (one, some, or all). Anyone signed in; each sees only their own."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import signed_in
from confide.platform.notifications import services as notifications
from confide.platform.notifications.schemas import NotificationView


class MarkRead(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Which to mark read: these (at most 100), or every unread one when ``ids`` is left out."""

    ids: list[UUID] | None = msgspec.field(default=None)


class Marked(msgspec.Struct, kw_only=True):
    marked: int


class UnreadCount(msgspec.Struct, kw_only=True):
    unread: int


class NotificationController(Controller):
    path = "/notifications"
    tags = ["notifications"]
    guards = [signed_in]

    @get("/", name="api-notifications")
    async def list_notifications(
        self,
        staff: NamedDependency[StaffView],
        unread: Annotated[bool, QueryParameter()] = False,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[NotificationView]:
        """One's notifications, newest first (``?unread=true``: only the unread)."""
        found = await notifications.notifications(
            staff, PageRequest(limit, offset), unread_only=unread
        )
        return PageOut.of(found)

    @get("/unread-count", name="api-notifications-unread")
    async def unread_count(self, staff: NamedDependency[StaffView]) -> UnreadCount:
        """How many of one's notifications are unread (counted up to 100)."""
        return UnreadCount(unread=await notifications.unread_count(staff))

    @get("/{notification_id:uuid}", name="api-notification")
    async def notification(
        self, notification_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> NotificationView:
        return await notifications.get_notification(staff, notification_id)

    @post("/{notification_id:uuid}/read", status_code=200, name="api-notification-read")
    async def read_one(
        self, notification_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> NotificationView:
        """Mark one read (404 for another's)."""
        return await notifications.mark_one_read(staff, notification_id)

    @post("/read", status_code=200, name="api-notifications-read")
    async def read(self, data: JSONBody[MarkRead], staff: NamedDependency[StaffView]) -> Marked:
        """Mark these read, or all: how many changed (another's ids change nothing)."""
        return Marked(marked=await notifications.mark_read(staff, data.ids))
