"""The manager's team view (managers only, rules 1 and 23): cases nobody is assigned to and each
caseworker's caseload. Moving cases is ``casework.allocation.reassign``."""

from __future__ import annotations

from confide.platform.casework.access import NotPermitted, is_manager
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.team import queries
from confide.platform.team.schemas import Caseload, UnassignedCase


def _require_manager(staff: StaffView) -> None:
    if not is_manager(staff):
        raise NotPermitted("managers only")


async def unassigned_cases(staff: StaffView, page: PageRequest) -> Page[UnassignedCase]:
    """Open cases nobody is assigned to, longest waiting first."""
    _require_manager(staff)
    return await queries.unassigned_cases(current_tenant_id(), page)


async def caseloads(staff: StaffView, page: PageRequest) -> Page[Caseload]:
    """Each active caseworker's (and manager's) open cases and overdue tasks, by name."""
    _require_manager(staff)
    return await queries.caseloads(current_tenant_id(), service_today(), page)
