"""Retention API (rule 14): a case's legal holds (managers), the dry run and its list of
cases, and the tenant admin's one confirmation that lets the sweep run on schedule. Thin
handlers over ``platform/retention``; errors as everywhere."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager, tenant_admin
from confide.platform.retention import services
from confide.platform.retention.schemas import DryRun, DueCase, HoldView, NewHold


class LegalHoldController(Controller):
    """A case's legal holds: managers place and lift them."""

    path = "/cases/{case_id:uuid}/legal-hold"
    tags = ["retention"]
    guards = [manager]

    @post("/", status_code=HTTP_201_CREATED, name="api-place-legal-hold")
    async def place(
        self, case_id: FromPath[UUID], data: JSONBody[NewHold], staff: NamedDependency[StaffView]
    ) -> HoldView:
        """Put the case on legal hold (a reason): it is not erased until lifted."""
        return await services.place_hold(case_id, data, staff)

    @post("/lift", status_code=HTTP_200_OK, name="api-lift-legal-hold")
    async def lift(self, case_id: FromPath[UUID], staff: NamedDependency[StaffView]) -> HoldView:
        """Lift the case's legal hold (409 when it has none)."""
        return await services.lift_hold(case_id, staff)

    @get("/", name="api-legal-holds")
    async def holds(
        self,
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[HoldView]:
        """The case's holds, newest first."""
        return PageOut.of(await services.list_holds(case_id, staff, PageRequest(limit, offset)))


class RetentionController(Controller):
    """The sweep's dry run and its confirmation: the tenant admin's."""

    path = "/retention"
    tags = ["retention"]
    guards = [tenant_admin]

    @get("/dry-run", name="api-retention-dry-run")
    async def dry_run(self, staff: NamedDependency[StaffView]) -> DryRun:
        """How many cases a sweep would erase today, by rule, and whether it is confirmed."""
        return await services.dry_run(staff)

    @get("/due", name="api-retention-due")
    async def due(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[DueCase]:
        """The cases a sweep would erase today (reference, rule, kept until), paged."""
        return PageOut.of(await services.due_cases(staff, PageRequest(limit, offset)))

    @post("/confirm", status_code=HTTP_200_OK, name="api-retention-confirm")
    async def confirm(self, staff: NamedDependency[StaffView]) -> DryRun:
        """Confirm once, after the dry run: the sweep then runs on schedule (409 again)."""
        return await services.confirm(staff)
