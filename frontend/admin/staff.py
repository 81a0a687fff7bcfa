"""Everyone who has signed in to the service, with suspend and restore."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.admin.forms import StaffStatusForm
from confide.frontend.paging import PageNumber, page_request
from confide.frontend.templating import page_context, redirect_to
from confide.platform.casework import allocation
from confide.platform.casework.access import is_manager
from confide.platform.identity import staff as staff_service
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.platform.identity.web import tenant_admin


class StaffPages(Controller):
    path = "/admin/staff"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/", name="admin-staff")
    async def staff_list(self, request: Request[Any, Any, Any], page: PageNumber = 1) -> Template:
        """Everyone who has signed in, a page at a time."""
        listed = await staff_service.list_staff(page_request(page))
        return Template(
            "admin/staff.html",
            context=page_context(request, people=listed.items, page=page, pages=listed.page_count),
        )

    @post("/{user_id:uuid}/status", name="admin-staff-status")
    async def staff_status(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Redirect:
        """Suspend (ending every session of that person at once) or restore. A suspension
        goes on to what becomes of their open cases."""
        wanted = StaffStatusForm.posted(await request.form()).status()
        await staff_service.set_status(user_id, wanted, by=staff.id)
        if wanted is StaffStatus.SUSPENDED:
            return redirect_to(request, "admin-staff-suspended", user_id=user_id)
        return redirect_to(request, "admin-staff")

    @get("/{user_id:uuid}/suspended", name="admin-staff-suspended")
    async def suspended(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """After a suspension: how many open cases they hold, and where a manager moves them
        (the team view lists them; a tenant admin who is not a manager sees the count only)."""
        person = await staff_service.get_staff(user_id)
        if person is None:
            raise staff_service.StaffNotFound()
        return Template(
            "admin/staff_suspended.html",
            context=page_context(
                request,
                person=person,
                open_cases=await allocation.open_case_count(user_id),
                is_manager=is_manager(staff),
            ),
        )
