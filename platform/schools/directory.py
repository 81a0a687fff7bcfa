"""The schools and settings directory: imported from GIAS by a tenant admin, listed to
every member of staff, its SENCO contacts kept by the service.

A person's school is chosen from it (``casework.people.choose_school``) and a school's
SENCO may be a share's recipient (``consent.disclosures.share``).
"""

from __future__ import annotations

from uuid import UUID

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Forbidden
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.platform.schools import gias, queries
from confide.platform.schools.schemas import (
    ImportRefused,
    ImportReport,
    SchoolFilter,
    SchoolNotFound,
    SchoolView,
    SencoContact,
)
from confide.tenants.roles import StaffRole


class NotPermitted(Forbidden):
    """The person's role does not allow this (importing is for tenant admins)."""


def _active(staff: StaffView) -> bool:
    return staff.status is StaffStatus.ACTIVE


def may_import(staff: StaffView) -> bool:
    return _active(staff) and staff.has(StaffRole.TENANT_ADMIN)


def may_edit_contact(staff: StaffView) -> bool:
    """Everyone who uses the directory keeps its SENCO contacts up to date."""
    return _active(staff) and bool(staff.roles)


async def import_schools(data: bytes, staff: StaffView) -> ImportReport:
    """Import a GIAS extract: every row checked first, and any problem imports nothing
    (``ImportRefused`` lists them by line and column); a URN already in the directory
    is updated, its SENCO contact kept. Audited with the counts only."""
    if not may_import(staff):
        raise NotPermitted("importing the directory is for tenant admins")
    rows, problems, more = gias.parse(data)
    if problems:
        raise ImportRefused(problems, more)
    created, updated = await queries.upsert_schools(current_tenant_id(), rows)
    report = ImportReport(
        rows=len(rows), created=created, updated=updated, unchanged=len(rows) - created - updated
    )
    await audit.record(
        Action.SCHOOLS_IMPORTED,
        actor_kind="staff",
        actor_id=staff.id,
        detail={"rows": report.rows, "created": created, "updated": updated},
    )
    return report


async def list_schools(found: SchoolFilter, page: PageRequest) -> Page[SchoolView]:
    """The directory in name order, a page at a time, filtered."""
    found.validate()
    return await queries.school_page(
        current_tenant_id(), found.text.strip(), found.phase.strip(), page
    )


async def phases() -> list[str]:
    return await queries.phases(current_tenant_id())


async def get_school(school_id: UUID) -> SchoolView:
    found = await queries.school(current_tenant_id(), school_id)
    if found is None:
        raise SchoolNotFound()
    return found


async def set_senco_contact(school_id: UUID, data: SencoContact, staff: StaffView) -> SchoolView:
    """Change the school's SENCO contact (audited, without the contact's details)."""
    if not may_edit_contact(staff):
        raise NotPermitted("no role")
    data.validate()
    changed = await queries.set_senco(
        current_tenant_id(),
        school_id,
        data.senco_name.strip(),
        data.senco_email.strip(),
        data.senco_phone.strip(),
    )
    if not changed:
        raise SchoolNotFound()
    await audit.record(
        Action.SCHOOL_CONTACT_CHANGED,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="school",
        subject_id=school_id,
    )
    return await get_school(school_id)
