"""A case's life through the API (issue 14): change a person's or the case's details with a
reason (each change a version, listed in the case's history), correct a contact, reopen a
closed case, open a new case for a returning family, and read the case's timeline.

Thin handlers over ``casework.lifecycle`` and ``consent.timeline``; the same errors as the
rest of the case work API (400 naming the field, 404, 403 restricted).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.casework import lifecycle
from confide.platform.casework.schemas import (
    CaseChange,
    CaseTimeline,
    CaseView,
    ChangeView,
    ContactCorrection,
    ContactView,
    PersonChange,
    Reopen,
    ReturningFamily,
    TimelineKind,
)
from confide.platform.consent import timeline
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker


class CaseLifeController(Controller):
    """Open to caseworkers and managers; each case further behind need-to-know."""

    path = "/cases/{case_id:uuid}"
    tags = ["casework"]
    guards = [case_worker]

    @patch("/people/{person_id:uuid}", status_code=200, name="api-change-person")
    async def change_person(
        self,
        case_id: FromPath[UUID],
        person_id: FromPath[UUID],
        data: JSONBody[PersonChange],
        staff: NamedDependency[StaffView],
    ) -> ChangeView:
        """Change a person's details (safe-contact preferences too) with a ``reason``: the
        fields given change, the version with the old values is kept and returned."""
        return await lifecycle.change_person(case_id, person_id, staff, data)

    @patch("/", status_code=200, name="api-change-case")
    async def change_case(
        self, case_id: FromPath[UUID], data: JSONBody[CaseChange], staff: NamedDependency[StaffView]
    ) -> ChangeView:
        """Change the case's details with a ``reason``, kept as a version."""
        return await lifecycle.change_case(case_id, staff, data)

    @get("/history", name="api-case-history")
    async def history(
        self,
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[ChangeView]:
        """Every version of the case's and its people's details, newest first."""
        return PageOut.of(await lifecycle.history(case_id, staff, PageRequest(limit, offset)))

    @post(
        "/contacts/{contact_id:uuid}/corrections",
        status_code=HTTP_201_CREATED,
        name="api-correct-contact",
    )
    async def correct_contact(
        self,
        case_id: FromPath[UUID],
        contact_id: FromPath[UUID],
        data: JSONBody[ContactCorrection],
        staff: NamedDependency[StaffView],
    ) -> ContactView:
        """A new version of a contact recorded in error; the first is kept."""
        return await lifecycle.correct_contact(case_id, contact_id, staff, data)

    @post("/reopen", status_code=200, name="api-reopen-case")
    async def reopen(
        self, case_id: FromPath[UUID], data: JSONBody[Reopen], staff: NamedDependency[StaffView]
    ) -> CaseView:
        """Reopen a closed case with a reason (its outcome kept as a version)."""
        return await lifecycle.reopen(case_id, staff, data)

    @post("/returning", status_code=HTTP_201_CREATED, name="api-returning-family")
    async def returning(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[ReturningFamily],
        staff: NamedDependency[StaffView],
    ) -> CaseView:
        """A new case for the family of this closed case, linked to it; you are assigned."""
        return await lifecycle.open_for_returning_family(case_id, staff, data)

    @get("/timeline", name="api-case-timeline")
    async def case_timeline(
        self,
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        kind: Annotated[list[TimelineKind] | None, QueryParameter()] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> CaseTimeline:
        """The case's events newest first (``?kind=`` any of contact, note, share, consent,
        break_glass, change; all when none), and its open tell-the-client tasks."""
        return await timeline.timeline(case_id, staff, kind or [], PageRequest(limit, offset))
