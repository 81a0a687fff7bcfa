"""The manager's team view API: cases nobody is assigned to, caseloads, a member of
staff's open cases, and reassigning cases (every one audited). Managers only."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.casework import allocation
from confide.platform.casework.allocation import Reassigned, Reassignment
from confide.platform.casework.schemas import CaseSummary
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager
from confide.platform.team import services as team
from confide.platform.team.schemas import Caseload, UnassignedCase


class TeamController(Controller):
    path = "/team"
    tags = ["team"]
    guards = [manager]

    @get("/unassigned-cases", name="api-team-unassigned")
    async def unassigned(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[UnassignedCase]:
        """Open cases nobody is assigned to, longest waiting first."""
        return PageOut.of(await team.unassigned_cases(staff, PageRequest(limit, offset)))

    @get("/caseloads", name="api-team-caseloads")
    async def caseloads(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[Caseload]:
        """Each caseworker's open cases and overdue tell-the-client tasks."""
        return PageOut.of(await team.caseloads(staff, PageRequest(limit, offset)))

    @get("/staff/{staff_id:uuid}/cases", name="api-team-staff-cases")
    async def staff_cases(
        self,
        staff_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[CaseSummary]:
        """A member of staff's open cases."""
        return PageOut.of(
            await allocation.open_cases_of(staff_id, staff, PageRequest(limit, offset))
        )

    @post("/reassignments", status_code=200, name="api-team-reassign")
    async def reassign(
        self, data: JSONBody[Reassignment], staff: NamedDependency[StaffView]
    ) -> Reassigned:
        """Move cases to a caseworker (``from_staff_id``: only that one's assignment ends)."""
        return await allocation.reassign(data, staff)
