"""Case work API: thin handlers over ``casework.records`` and ``casework.access``.

Creates take an ``Idempotency-Key`` header: a retry with it creates nothing twice.
Errors: 400 with field-named ``errors``; 404 for a case that does not exist or
is another tenant's (the same body); 403 ``{"restricted": true, "case_id": ...}``
for a case of this tenant the person has no need-to-know for, with nothing of
the case beyond its id.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.casework import access, records
from confide.platform.casework.schemas import (
    AccessEntry,
    AssignmentChange,
    AssignmentView,
    BreakGlassRequest,
    BreakGlassReviewRequest,
    BreakGlassView,
    CaseSummary,
    CaseView,
    CloseCase,
    ContactView,
    NewContact,
    NewNote,
    NoteCorrection,
    NoteView,
    SearchHit,
)
from confide.platform.casework.search import SearchQuery, search
from confide.platform.consent.first_contact import record_first_contact
from confide.platform.consent.schemas import FirstContact
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker, manager


class CaseworkController(Controller):
    """Open to caseworkers and managers; each case further behind need-to-know."""

    path = "/"
    tags = ["casework"]
    guards = [case_worker]

    @post(
        "/enquiries",
        status_code=HTTP_201_CREATED,
        middleware=[idempotent("api-get-case", case_id="id")],
        name="api-create-enquiry",
    )
    async def create_enquiry(
        self, data: JSONBody[FirstContact], staff: NamedDependency[StaffView]
    ) -> CaseView:
        """Record a new enquiry, with their answer about consent (``consent``) or why it
        was not asked yet (``consent_not_asked``), as the page asks; you are assigned."""
        return await record_first_contact(data, staff)

    @get("/cases", name="api-my-cases")
    async def my_cases(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[CaseSummary]:
        """Your open cases."""
        return PageOut.of(await records.list_my_cases(staff, PageRequest(limit, offset)))

    @get("/search", name="api-search")
    async def search_people_and_cases(
        self,
        staff: NamedDependency[StaffView],
        q: Annotated[
            str,
            QueryParameter(
                description="What the one search box holds: a name (misspelt, a nickname,"
                " first and last swapped), a date of birth (14/05/2015, 14 5 2015, 14.5.15,"
                " 2015-05-14, 14 May 2015), a phone number in any spacing (+44 or 0), an"
                " email address, a postcode with or without its space, or a case reference,"
                " whole or in part (its number, year-number or prefix-number)."
            ),
        ],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[SearchHit]:
        """People and cases, best first, each with why it was found (``reasons``). A
        person whose cases you have no need-to-know for comes back restricted: the case
        references only. A query that cannot be searched is a 400 naming ``q``."""
        return PageOut.of(await search(SearchQuery(q), staff, PageRequest(limit, offset)))

    @get("/cases/{case_id:uuid}", name="api-get-case")
    async def get_case(
        self, case_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> CaseView:
        """One case file (need-to-know; the read is audited)."""
        return await records.get_case(case_id, staff, purpose="api")

    @post(
        "/cases/{case_id:uuid}/contacts",
        status_code=HTTP_201_CREATED,
        middleware=[idempotent("api-get-case")],
        name="api-add-contact",
    )
    async def add_contact(
        self, case_id: FromPath[UUID], data: JSONBody[NewContact], staff: NamedDependency[StaffView]
    ) -> ContactView:
        return await records.add_contact(case_id, staff, data)

    @post(
        "/cases/{case_id:uuid}/notes",
        status_code=HTTP_201_CREATED,
        middleware=[idempotent("api-get-case")],
        name="api-add-note",
    )
    async def add_note(
        self, case_id: FromPath[UUID], data: JSONBody[NewNote], staff: NamedDependency[StaffView]
    ) -> NoteView:
        return await records.add_note(case_id, staff, data)

    @post(
        "/cases/{case_id:uuid}/notes/{note_id:uuid}/corrections",
        status_code=HTTP_201_CREATED,
        name="api-correct-note",
    )
    async def correct_note(
        self,
        case_id: FromPath[UUID],
        note_id: FromPath[UUID],
        data: JSONBody[NoteCorrection],
        staff: NamedDependency[StaffView],
    ) -> NoteView:
        """A new version of the note; the old one is kept, flagged as corrected."""
        return await records.correct_note(case_id, note_id, staff, data)

    @post(
        "/cases/{case_id:uuid}/assignments",
        guards=[manager],
        status_code=200,
        name="api-change-assignment",
    )
    async def change_assignment(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[AssignmentChange],
        staff: NamedDependency[StaffView],
    ) -> list[AssignmentView]:
        """Assign (``assigned: true``) or unassign a caseworker; managers only."""
        return await records.change_assignment(
            case_id, staff, data.staff_id, assigned=data.assigned
        )

    @post("/cases/{case_id:uuid}/close", status_code=200, name="api-close-case")
    async def close_case(
        self, case_id: FromPath[UUID], data: JSONBody[CloseCase], staff: NamedDependency[StaffView]
    ) -> CaseView:
        return await records.close_case(case_id, staff, data)

    @post("/cases/{case_id:uuid}/break-glass", status_code=HTTP_201_CREATED, name="api-break-glass")
    async def break_glass(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[BreakGlassRequest],
        staff: NamedDependency[StaffView],
    ) -> BreakGlassView:
        """Open a restricted case for a while, with a recorded reason managers are shown."""
        return await access.break_glass(case_id, staff, data.reason)

    @get("/cases/{case_id:uuid}/access-history", guards=[manager], name="api-access-history")
    async def access_history(
        self,
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[AccessEntry]:
        """Who opened the case, when, on what grounds; reading it is audited."""
        return PageOut.of(await access.access_history(case_id, staff, PageRequest(limit, offset)))

    @get("/break-glass-alerts", guards=[manager], name="api-break-glass-alerts")
    async def break_glass_alerts(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
        unreviewed: Annotated[bool, QueryParameter()] = False,
    ) -> PageOut[BreakGlassView]:
        """Recent break-glass grants, newest first, with their reviews (``?unreviewed=true``:
        only those no manager has looked at yet)."""
        found = await access.break_glass_alerts(
            staff, PageRequest(limit, offset), unreviewed=unreviewed
        )
        return PageOut.of(found)

    @post(
        "/break-glass-alerts/{grant_id:uuid}/review",
        guards=[manager],
        status_code=201,
        name="api-break-glass-review",
    )
    async def review_break_glass(
        self,
        grant_id: FromPath[UUID],
        data: JSONBody[BreakGlassReviewRequest],
        staff: NamedDependency[StaffView],
    ) -> BreakGlassView:
        """A manager's review of a use of break-glass, with a note (once; audited)."""
        return await access.review_break_glass(grant_id, staff, data)
