"""Who opened a case and on what grounds, and the service's break-glass log (managers)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.forms import Form
from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import access
from confide.platform.casework.schemas import BreakGlassReviewRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager

Show = Annotated[str, QueryParameter(pattern="^(all|unreviewed)$")]


class ReviewForm(Form):
    """A manager's look at a use of break-glass: what they found."""

    order = ("note",)


class AccessLogPages(Controller):
    path = "/"
    include_in_schema = False
    guards = [manager]

    @get("/cases/{case_id:uuid}/access-history", name="case-access-history")
    async def access_history(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Who opened the case, when, on what grounds (reading it is audited too)."""
        history = await access.access_history(case_id, staff, page_request(page))
        return paged_template(
            request, "cases/access_history.html", history, page, case_id=case_id, labels=LABELS
        )

    @get("/break-glass", name="break-glass-log")
    async def break_glass_log(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
        show: Show = "all",
    ) -> Template:
        """The service's whole break-glass log, a page at a time (or only what still needs a
        manager's look: ``?show=unreviewed``)."""
        log = await access.break_glass_alerts(
            staff, page_request(page), unreviewed=show == "unreviewed"
        )
        return paged_template(request, "cases/break_glass_log.html", log, page, show=show)

    @get("/break-glass/{grant_id:uuid}/review", name="break-glass-review")
    async def review_form(
        self,
        request: Request[Any, Any, Any],
        grant_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """A use of break-glass, and the form to record that a manager looked at it."""
        alert = await access.break_glass_alert(grant_id, staff)
        return form_page(request, "cases/break_glass_review.html", ReviewForm(), alert=alert)

    @post("/break-glass/{grant_id:uuid}/review", name="break-glass-review-save")
    async def review(
        self,
        request: Request[Any, Any, Any],
        grant_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ReviewForm.posted(await request.form())
        await form.save(
            lambda: access.review_break_glass(
                grant_id, staff, BreakGlassReviewRequest(note=form.text("note"))
            )
        )
        if form.ok:
            return redirect_to(request, "break-glass-log", query={"show": "unreviewed"})
        alert = await access.break_glass_alert(grant_id, staff)
        return form_page(request, "cases/break_glass_review.html", form, alert=alert)
