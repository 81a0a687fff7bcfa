"""Adding a note to a case, and correcting one (a new version; the earlier one is kept)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.casework.case import back_to_case, case_form_page
from confide.frontend.casework.forms import CorrectionForm, NoteForm
from confide.frontend.casework.restricted import restricted_page
from confide.frontend.templating import form_page
from confide.platform.casework import records
from confide.platform.casework.access import CaseRestricted
from confide.platform.core.errors import NotFound
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker

NOTE = "cases/note.html"


async def correction_page(
    request: Request[Any, Any, Any],
    case_id: UUID,
    note_id: UUID,
    staff: StaffView,
    form: CorrectionForm | None = None,
) -> Template:
    """The note as it stands, to correct (an audited read of the case); a blank form starts
    from its current text."""
    try:
        case = await records.get_case(case_id, staff, purpose="record")
    except CaseRestricted:
        return await restricted_page(request, case_id)
    note = next((n for n in case.notes if n.note_id == note_id), None)
    if note is None:
        raise NotFound()
    form = form or CorrectionForm({"body": note.current.body})
    return form_page(request, "cases/correct_note.html", form, case=case, note=note)


class NotePages(Controller):
    path = "/cases/{case_id:uuid}/notes"
    include_in_schema = False
    guards = [case_worker]

    @get("/new", name="case-note-new")
    async def note_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await case_form_page(request, NOTE, case_id, staff, NoteForm())

    @post("/", name="case-note-add", middleware=[idempotent()])
    async def add_note(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = NoteForm.posted(await request.form())
        await form.save(lambda: records.add_note(case_id, staff, form.note()))
        if form.ok:
            return back_to_case(request, case_id, "note")
        return await case_form_page(request, NOTE, case_id, staff, form)

    @get("/{note_id:uuid}/correct", name="case-note-correct-form")
    async def correction_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        note_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await correction_page(request, case_id, note_id, staff)

    @post("/{note_id:uuid}/corrections", name="case-note-correct")
    async def correct_note(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        note_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = CorrectionForm.posted(await request.form())
        await form.save(lambda: records.correct_note(case_id, note_id, staff, form.correction()))
        if form.ok:
            return back_to_case(request, case_id, "corrected")
        return await correction_page(request, case_id, note_id, staff, form)
