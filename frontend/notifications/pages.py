"""One's notifications: a page at a time, newest first, marked read one by one or all at
once (no JavaScript: each is a form). What each says is written here from its kind and
case reference; the links lead to pages that check need-to-know as always."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.templating import page_url, redirect_to
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import signed_in
from confide.platform.notifications import services as notifications
from confide.platform.notifications.schemas import NotificationKind, NotificationView

Show = Annotated[str, QueryParameter(pattern="^(all|unread)$")]

# What each kind says, around the case reference (none for the policy review).
SAYS = {
    NotificationKind.SHARE_AWAITING: "A share awaits your authorisation",
    NotificationKind.BREAK_GLASS: "Break-glass was used to open a case",
    NotificationKind.TELL_CLIENT_OVERDUE: "A task to tell the service user is overdue",
    NotificationKind.POLICY_REVIEW_DUE: "The confidentiality policy is due for review",
    NotificationKind.CASE_ASSIGNED: "A case was assigned to you",
    NotificationKind.REQUEST_DUE: "An information request's deadline is near or has passed",
    NotificationKind.REQUEST_IDENTITY: "An information request still waits for proof of identity",
}


def link(request: Request[Any, Any, Any], n: NotificationView) -> str:
    """Where the notification leads: the thing to look at (its page checks who may)."""
    if n.kind is NotificationKind.SHARE_AWAITING and n.case_id and n.subject_id:
        return page_url(
            request, "case-disclosure-authorise", case_id=n.case_id, disclosure_id=n.subject_id
        )
    if n.kind is NotificationKind.BREAK_GLASS:
        return page_url(request, "break-glass-log")
    if n.kind is NotificationKind.TELL_CLIENT_OVERDUE and n.subject_id:
        return page_url(request, "tell-client-task", task_id=n.subject_id)
    if n.kind is NotificationKind.POLICY_REVIEW_DUE:
        return page_url(request, "policy-review")
    if n.case_id:
        return page_url(request, "case", case_id=n.case_id)
    return page_url(request, "notifications")


class NotificationPages(Controller):
    path = "/notifications"
    include_in_schema = False
    guards = [signed_in]

    @get("/", name="notifications")
    async def notification_list(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
        show: Show = "all",
    ) -> Template:
        """One's notifications, newest first (all, or only the unread)."""
        found = await notifications.notifications(
            staff, page_request(page), unread_only=show == "unread"
        )
        return paged_template(
            request,
            "notifications/list.html",
            found,
            page,
            show=show,
            says=SAYS,
            links={n.id: link(request, n) for n in found.items},
        )

    @post("/read", name="notifications-read-all")
    async def read_all(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Redirect:
        await notifications.mark_read(staff)
        return redirect_to(request, "notifications")

    @post("/{notification_id:uuid}/read", name="notification-read")
    async def read_one(
        self,
        request: Request[Any, Any, Any],
        notification_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Redirect:
        await notifications.mark_one_read(staff, notification_id)
        return redirect_to(request, "notifications")
