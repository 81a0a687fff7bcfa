"""A case the person has no need-to-know for: the page that says only that it exists, and
break-glass, which opens it for a while with a recorded reason (managers are alerted)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_403_FORBIDDEN

from confide.frontend.casework.forms import BreakGlassForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import access
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker, current_staff
from confide.tenants.policy.services import get_policy


async def restricted_page(
    request: Request[Any, Any, Any], case_id: UUID, form: BreakGlassForm | None = None
) -> Template:
    """Only that the case exists, with the break-glass form and the tenant's time box
    (403; 400 with the form's problems)."""
    me = current_staff(request)
    return form_page(
        request,
        "cases/restricted.html",
        form or BreakGlassForm(),
        status_code=HTTP_403_FORBIDDEN,
        case_id=case_id,
        hours=(await get_policy()).break_glass_hours,
        is_manager=me is not None and access.is_manager(me),
    )


class BreakGlassPages(Controller):
    path = "/"
    include_in_schema = False
    guards = [case_worker]

    @post("/cases/{case_id:uuid}/break-glass", name="case-break-glass")
    async def break_glass(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Open a restricted case with a recorded reason; managers are alerted."""
        form = BreakGlassForm.posted(await request.form())
        await form.save(lambda: access.break_glass(case_id, staff, form.reason()))
        if form.ok:
            return redirect_to(request, "case", case_id=case_id)
        return await restricted_page(request, case_id, form)
