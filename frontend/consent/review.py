"""Reviewing consent with the service user: confirmed (a review with the next date), or
changed (the consent questions again)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.casework.case import back_to_case
from confide.frontend.casework.presenters import review_soon
from confide.frontend.casework.restricted import restricted_page
from confide.frontend.consent.forms import ReviewForm
from confide.frontend.labels import LABELS
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import records
from confide.platform.casework.access import CaseRestricted
from confide.platform.consent import consents
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker


async def review_page(
    request: Request[Any, Any, Any], case_id: UUID, staff: StaffView, form: ReviewForm
) -> Template:
    """The current consent and whether anything has changed (an audited read)."""
    try:
        case = await records.get_case(case_id, staff, purpose="record")
    except CaseRestricted:
        return await restricted_page(request, case_id)
    current = None if case.anonymous else await consents.current_consent(case_id)
    return form_page(
        request,
        "consent/review.html",
        form,
        case=case,
        current=current,
        review_soon=review_soon(current),
        labels=LABELS,
        confirmed=ReviewForm.CONFIRMED,
        changed=ReviewForm.CHANGED,
    )


class ReviewPages(Controller):
    path = "/cases/{case_id:uuid}/consent/review"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="case-consent-review")
    async def review_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """The current consent, and whether anything has changed."""
        return await review_page(request, case_id, staff, ReviewForm())

    @post("/", name="case-consent-review-post")
    async def review(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Confirmed: a review with the next date. Changed: the consent questions again."""
        form = ReviewForm.posted(await request.form())
        if form.changed:
            return redirect_to(request, "case-consent-new", case_id=case_id)
        review = form.review()
        try:
            if review is not None:
                await form.save(lambda: consents.review_consent(case_id, staff, review))
        except CaseRestricted:
            return await restricted_page(request, case_id)
        if form.ok:
            return back_to_case(request, case_id, "consent-reviewed")
        return await review_page(request, case_id, staff, form)
