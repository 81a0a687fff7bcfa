"""A case's life on the pages (issue 14): change a person's or the case's details with a
reason, read their history of versions, correct a contact, reopen a closed case, and open
a new case for a returning family. Each page reads the case (need-to-know, audited) and
posts to one service of ``casework.lifecycle``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.casework import presenters
from confide.frontend.casework.case import back_to_case
from confide.frontend.casework.forms import SAFE_CONTACT_FIELDS
from confide.frontend.casework.life_forms import (
    CaseDetailsForm,
    ContactCorrectionForm,
    PersonForm,
    ReopenForm,
    ReturningForm,
)
from confide.frontend.casework.restricted import restricted_page
from confide.frontend.forms import Form
from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import access, lifecycle, records
from confide.platform.casework.access import CaseRestricted, NotPermitted
from confide.platform.casework.schemas import (
    CaseView,
    ContactView,
    PersonKind,
    PersonView,
)
from confide.platform.core.errors import NotFound
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.tenants.policy.services import get_policy


def _person(case: CaseView, person_id: UUID) -> PersonView:
    for _, person in presenters.people_of(case):
        if person.id == person_id:
            return person
    raise NotFound()


def _contact(case: CaseView, contact_id: UUID) -> ContactView:
    for contact in case.contacts:
        if contact.contact_id == contact_id:
            return contact
    raise NotFound()


async def _page(
    request: Request[Any, Any, Any],
    template: str,
    case_id: UUID,
    staff: StaffView,
    form: Form | None,
    blank: Any,
    *,
    changes: bool = True,
    **extra: Any,
) -> Template:
    """A form on the case (an audited read first; a restricted case offers break-glass):
    ``blank(case)`` gives the form filled from the case when none came back. ``changes``:
    the form changes what the case says, which break-glass may not (a 403 page)."""
    try:
        case = await records.get_case(case_id, staff, purpose="record")
    except CaseRestricted:
        return await restricted_page(request, case_id)
    if changes and not access.may_change(case):
        raise NotPermitted("break-glass opens a case to read, not to change it")
    policy = await get_policy()
    model = {
        "case": case,
        "labels": presenters.with_support_levels(policy),
        "topics": policy.topics,
        **presenters.safe_contact(case),
    }
    built = blank(case)
    form = form or built[0]
    return form_page(request, template, form, **model, **built[1], **extra)


class CaseLifePages(Controller):
    path = "/cases/{case_id:uuid}"
    include_in_schema = False
    guards = [case_worker]

    # A person's details

    @get("/people/{person_id:uuid}/edit", name="case-person-edit")
    async def person_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        person_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await self._person_page(request, case_id, person_id, staff, None)

    @post("/people/{person_id:uuid}", name="case-person-change")
    async def change_person(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        person_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = PersonForm.posted(await request.form())
        child = form.text("kind") == PersonKind.CHILD_OR_YOUNG_PERSON
        change = form.change(child)
        await form.save(lambda: lifecycle.change_person(case_id, person_id, staff, change))
        if form.ok:
            return back_to_case(request, case_id, "person-changed")
        return await self._person_page(request, case_id, person_id, staff, form)

    async def _person_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        person_id: UUID,
        staff: StaffView,
        form: PersonForm | None,
    ) -> Template:
        def blank(case: CaseView) -> tuple[Form, dict[str, Any]]:
            person = _person(case, person_id)
            return PersonForm.of(person), {"person": person}

        return await _page(request, "cases/edit_person.html", case_id, staff, form, blank,
                           safe_fields=SAFE_CONTACT_FIELDS)  # fmt: skip

    # The case's details

    @get("/details/edit", name="case-details-edit")
    async def details_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await _page(request, "cases/edit_case.html", case_id, staff, None,
                           lambda case: (CaseDetailsForm.of(case), {}))  # fmt: skip

    @post("/details", name="case-details-change")
    async def change_details(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = CaseDetailsForm.posted(await request.form())
        change = form.change()
        await form.save(lambda: lifecycle.change_case(case_id, staff, change))
        if form.ok:
            return back_to_case(request, case_id, "details-changed")
        return await _page(request, "cases/edit_case.html", case_id, staff, form,
                           lambda case: (form, {}))  # fmt: skip

    # The history of versions

    @get("/history", name="case-history")
    async def history(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Every version of the case's and its people's details, newest first."""
        try:
            reference, found = await lifecycle.case_history(case_id, staff, page_request(page))
        except CaseRestricted:
            return await restricted_page(request, case_id)
        return paged_template(request, "cases/history.html", found, page, case_id=case_id,
                              reference=reference, labels=LABELS)  # fmt: skip

    # Correcting a contact

    @get("/contacts/{contact_id:uuid}/correct", name="case-contact-correct-form")
    async def contact_correction_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        contact_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await self._contact_page(request, case_id, contact_id, staff, None)

    @post("/contacts/{contact_id:uuid}/corrections", name="case-contact-correct")
    async def correct_contact(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        contact_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ContactCorrectionForm.posted(await request.form())
        case = await records.get_case(case_id, staff, purpose="record")
        correction = form.correction(_contact(case, contact_id))
        if correction is not None:
            await form.save(
                lambda: lifecycle.correct_contact(case_id, contact_id, staff, correction)
            )
        if form.ok:
            return back_to_case(request, case_id, "contact-corrected")
        return await self._contact_page(request, case_id, contact_id, staff, form)

    async def _contact_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        contact_id: UUID,
        staff: StaffView,
        form: ContactCorrectionForm | None,
    ) -> Template:
        def blank(case: CaseView) -> tuple[Form, dict[str, Any]]:
            contact = _contact(case, contact_id)
            return ContactCorrectionForm.of(contact), {"contact": contact}

        return await _page(
            request, "cases/correct_contact.html", case_id, staff, form, blank, changes=False
        )

    # Reopening, and a returning family's new case

    @get("/reopen", name="case-reopen-form")
    async def reopen_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await _page(request, "cases/reopen.html", case_id, staff, None,
                           lambda case: (ReopenForm(), {}))  # fmt: skip

    @post("/reopen", name="case-reopen")
    async def reopen(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ReopenForm.posted(await request.form())
        await form.save(lambda: lifecycle.reopen(case_id, staff, form.reopen()))
        if form.ok:
            return back_to_case(request, case_id, "reopened")
        return await _page(request, "cases/reopen.html", case_id, staff, form,
                           lambda case: (form, {}))  # fmt: skip

    @get("/returning", name="case-returning-form")
    async def returning_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await _page(request, "cases/returning.html", case_id, staff, None,
                           lambda case: (ReturningForm({"support_level": "1"}), {}))  # fmt: skip

    @post("/returning", name="case-returning", middleware=[idempotent()])
    async def returning(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ReturningForm.posted(await request.form())
        data = form.returning()
        new = await form.save(lambda: lifecycle.open_for_returning_family(case_id, staff, data))
        if form.ok and new is not None:
            return redirect_to(request, "case", case_id=new.id, query={"done": "returning"})
        return await _page(request, "cases/returning.html", case_id, staff, form,
                           lambda case: (form, {}))  # fmt: skip
