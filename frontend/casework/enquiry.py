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
    NEW_PERSON,
    PARENT,
    PERSON_ID,
    SAFE_CONTACT_FIELDS,
    YOUNG_PERSON,
    EnquiryForm,
)
from confide.frontend.casework.presenters import with_support_levels
from confide.frontend.consent.forms import NOT_ASKED
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework.schemas import CaseView, PersonKind
from confide.platform.consent.first_contact import check_first_contact, record_first_contact
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import PageRequest
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.platform.people import duplicates
from confide.platform.people.duplicates import candidate_of
from confide.platform.people.schemas import DuplicateCheck
from confide.tenants.policy.services import get_policy

MATCHES_SHOWN = 10


async def enquiry_page(
    request: Request[Any, Any, Any],
    form: EnquiryForm,
    matches: dict[str, DuplicateCheck] | None = None,
) -> Template:
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
        matches=matches or {},
        new_person=NEW_PERSON,
    )


async def possible_matches(form: EnquiryForm, staff: StaffView) -> dict[str, DuplicateCheck]:
    """The duplicate check for each person typed on the form (audited, each one): people
    already recorded are offered to link; one the caseworker may not know about is told
    only as "ask a manager". Until they say whether it is someone offered, nothing is
    saved (the form asks, on the person's ``person_id`` field)."""
    found: dict[str, DuplicateCheck] = {}
    for prefix in (YOUNG_PERSON, PARENT):
        first, last = form.text(f"{prefix}-first_name"), form.text(f"{prefix}-last_name")
        if not (first and last) or form.text(f"{prefix}-{PERSON_ID}") == NEW_PERSON:
            continue
        born = (
            form.date(f"{prefix}-date_of_birth", "Date of birth")
            if prefix == YOUNG_PERSON
            else None
        )
        try:
            result = await duplicates.check(
                candidate_of(
                    first,
                    last,
                    born,
                    form.optional(f"{prefix}-postcode"),
                    PersonKind.CHILD_OR_YOUNG_PERSON if prefix == YOUNG_PERSON else None,
                    phone=form.optional(f"{prefix}-phone"),
                    email=form.optional(f"{prefix}-email"),
                ),
                staff,
                PageRequest(limit=MATCHES_SHOWN),
            )
        except Invalid:
            continue  # the person's own fields say what is wrong
        if result.matches or result.hidden:
            found[prefix] = result
            if form.undecided(prefix):
                form.fail(
                    f"{prefix}-{PERSON_ID}",
                    "Say whether this is someone already recorded, or a new person",
                )
    return found


async def record_enquiry(form: EnquiryForm, staff: StaffView) -> CaseView | None:
    """The case with its answer about consent and its first contact (one service action).
    None, with every problem on the form and nothing saved, when anything is wrong."""
    enquiry, contact = form.first_contact()
    try:
        await check_first_contact(enquiry, staff=staff)
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
        matches = await possible_matches(form, staff)
        case = await record_enquiry(form, staff)
        if case is None:
            return await enquiry_page(request, form, matches)
        return redirect_to(request, "case", case_id=case.id, query={"created": "true"})
