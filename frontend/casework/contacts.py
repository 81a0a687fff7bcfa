"""Recording a contact on a case, with everyone's safe-contact preferences shown first."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.casework.case import back_to_case, case_form_page
from confide.frontend.casework.forms import ContactForm
from confide.platform.casework import records
from confide.platform.casework.access import is_manager
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker

TEMPLATE = "cases/contact.html"


class ContactPages(Controller):
    path = "/cases/{case_id:uuid}"
    include_in_schema = False
    guards = [case_worker]

    @get("/contacts/new", name="case-contact-new")
    async def contact_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """Record a contact, with everyone's safe-contact preferences shown first."""
        return await case_form_page(
            request, TEMPLATE, case_id, staff, ContactForm(), is_manager=is_manager(staff)
        )

    @post("/contacts", name="case-contact-add", middleware=[idempotent()])
    async def add_contact(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ContactForm.posted(await request.form())
        contact = form.contact()
        if contact is not None:
            await form.save(lambda: records.add_contact(case_id, staff, contact))
        if form.ok:
            return back_to_case(request, case_id, "contact")
        return await case_form_page(
            request, TEMPLATE, case_id, staff, form, is_manager=is_manager(staff)
        )
