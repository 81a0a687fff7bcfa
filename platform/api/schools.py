"""Schools directory API: the directory listed and filtered, a SENCO contact changed,
the GIAS extract imported (tenant admins), and a person's school chosen from it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter, RawBody

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.casework import school_choice
from confide.platform.casework.school_choice import PersonSchool
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker, signed_in, tenant_admin
from confide.platform.schools import directory
from confide.platform.schools.schemas import (
    ImportReport,
    SchoolChoice,
    SchoolFilter,
    SchoolView,
    SencoContact,
)

Text = Annotated[str, QueryParameter(max_length=100)]


class SchoolsController(Controller):
    """Open to every member of staff; importing is the tenant admin's."""

    path = "/"
    tags = ["schools"]
    guards = [signed_in]

    @get("/schools", name="api-schools")
    async def schools(
        self,
        q: Text = "",
        phase: Text = "",
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[SchoolView]:
        """The directory by name: ``q`` matches words of the name, a URN or the start of a
        postcode; ``phase`` one phase of education."""
        found = SchoolFilter(text=q, phase=phase)
        return PageOut.of(await directory.list_schools(found, PageRequest(limit, offset)))

    @get("/schools/{school_id:uuid}", name="api-school")
    async def school(self, school_id: FromPath[UUID]) -> SchoolView:
        return await directory.get_school(school_id)

    @post("/schools/{school_id:uuid}/senco", status_code=200, name="api-school-senco")
    async def senco(
        self,
        school_id: FromPath[UUID],
        data: JSONBody[SencoContact],
        staff: NamedDependency[StaffView],
    ) -> SchoolView:
        """Change the school's SENCO contact (blank fields clear it)."""
        return await directory.set_senco_contact(school_id, data, staff)

    @post("/schools/import", guards=[tenant_admin], status_code=200, name="api-schools-import")
    async def import_schools(
        self,
        body: RawBody,
        staff: NamedDependency[StaffView],
    ) -> ImportReport:
        """Import the GIAS establishment extract, sent as the request body (``text/csv``;
        at most 2,000 establishments and 1 MB). Any problem imports nothing: the 400
        lists ``problems`` by line and column. A URN already listed is updated."""
        return await directory.import_schools(body, staff)

    @get(
        "/cases/{case_id:uuid}/people/{person_id:uuid}/school",
        guards=[case_worker],
        name="api-person-school",
    )
    async def person_school(
        self, case_id: FromPath[UUID], person_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> PersonSchool:
        """The person's school from the directory (a read of the case, audited)."""
        return await school_choice.school_of(case_id, person_id, staff)

    @post(
        "/cases/{case_id:uuid}/people/{person_id:uuid}/school",
        guards=[case_worker],
        status_code=200,
        name="api-choose-person-school",
    )
    async def choose_person_school(
        self,
        case_id: FromPath[UUID],
        person_id: FromPath[UUID],
        data: JSONBody[SchoolChoice],
        staff: NamedDependency[StaffView],
    ) -> PersonSchool:
        """Choose the person's school from the directory (``school_id`` null clears it)."""
        return await school_choice.choose_school(case_id, person_id, data, staff)
