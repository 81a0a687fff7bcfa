"""A new enquiry: the whole first contact on one page, with the answer about consent.

Everything is checked before anything is saved (the form's reading, the enquiry and
consent rules of ``check_first_contact``, the first contact's own), so one pass shows
every problem and nothing half-recorded is left behind.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from confide.frontend.casework.forms import (
    PARENT,
    SAFE_CONTACT_FIELDS,
    YOUNG_PERSON,
    EnquiryForm,
)
from confide.frontend.casework.presenters import with_support_levels
from confide.frontend.consent.forms import NOT_ASKED
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework.schemas import CaseView
from confide.platform.consent.first_contact import check_first_contact, record_first_contact
from confide.platform.core.errors import Invalid
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.tenants.policy.services import get_policy


async def enquiry_page(request: Request[Any, Any, Any], form: EnquiryForm) -> Template:
    policy = await get_policy()
    return form_page(
        request,
        "cases/new_enquiry.html",
        form,
        topics=policy.topics,
        roles=policy.professional_roles,
        not_asked=NOT_ASKED,
        labels=with_support_levels(policy),
        safe_fields=SAFE_CONTACT_FIELDS,
        yp=YOUNG_PERSON,
        parent=PARENT,
    )


async def record_enquiry(form: EnquiryForm, staff: StaffView) -> CaseView | None:
    """The case with its answer about consent and its first contact (one service action).
    None, with every problem on the form and nothing saved, when anything is wrong."""
    enquiry, contact = form.first_contact()
    try:
        await check_first_contact(enquiry)
    except Invalid as invalid:
        form.absorb(invalid)
    if contact is None:  # its kind or direction is missing: the form says so
        return None
    form.check_contact(contact)
    return await form.save(lambda: record_first_contact(enquiry, staff, contact))


class EnquiryPages(Controller):
    path = "/enquiries/new"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="enquiry-new")
    async def new_enquiry(self, request: Request[Any, Any, Any]) -> Template:
        """The whole first contact on one page, laid out in sections."""
        return await enquiry_page(request, EnquiryForm.blank())

    @post("/", name="enquiry-create", middleware=[idempotent()])
    async def create_enquiry(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Template | Redirect:
        form = EnquiryForm.posted(await request.form())
        case = await record_enquiry(form, staff)
        if case is None:
            return await enquiry_page(request, form)
        return redirect_to(request, "case", case_id=case.id, query={"created": "true"})
