"""Need-to-know: the one check between anyone and a case file (rules 1 and 2).

Every surface (API, pages, exports, tasks) opens a case through ``open_case``.
It finds the grounds (manager, current assignment, unexpired break-glass),
writes the audit entry, and refuses otherwise. A case of another tenant is
invisible under row-level security, so it is "not found" exactly like a case
that never existed; a case of this tenant without grounds is "restricted",
and the caller offers break-glass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework import queries
from confide.platform.casework.schemas import (
    AccessEntry,
    BreakGlassRequest,
    BreakGlassReviewRequest,
    BreakGlassView,
    CaseStatus,
    CaseView,
    Grounds,
)
from confide.platform.core.db import current_tenant_id
from confide.platform.core.edge import control_characters
from confide.platform.core.errors import Forbidden, Invalid, NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.platform.notifications import services as notifications
from confide.platform.notifications.schemas import NotificationKind
from confide.tenants.policy.services import get_policy
from confide.tenants.roles import StaffRole


class CaseNotFound(NotFound):
    """No such case here: never existed, or another tenant's (the same to the caller)."""


class CaseRestricted(Forbidden):
    """The case exists in this tenant but the person has no need-to-know grounds: they are
    told its id and that break-glass can open it, nothing more of it."""

    detail = "This case is restricted. Record a reason to open it with break-glass."

    def __init__(self, case_id: UUID) -> None:
        super().__init__("case restricted")
        self.case_id = case_id

    def details(self) -> dict[str, Any]:
        return {"restricted": True, "case_id": str(self.case_id)}


class NotPermitted(Forbidden):
    """The person's role does not allow this act (e.g. assigning, reading access history)."""


@dataclass(frozen=True, slots=True)
class CaseAccess:
    case_id: UUID
    reference: str
    status: str
    grounds: Grounds


def works_cases(staff: StaffView) -> bool:
    """Caseworkers and managers do case work; the tenant admin role alone does not."""
    return staff.status is StaffStatus.ACTIVE and staff.has(StaffRole.CASEWORKER, StaffRole.MANAGER)


def may_change(case: CaseView) -> bool:
    """Whether the reader of ``case`` may change what it says about the family (details,
    reopening, a returning family's case): grounds other than break-glass, which opens a
    case to read only (what ``check_access(allow_break_glass=False)`` holds them to)."""
    return case.grounds is not Grounds.BREAK_GLASS


def is_manager(staff: StaffView) -> bool:
    """An active manager: assigns cases, reads access histories, decides on sharing."""
    return staff.status is StaffStatus.ACTIVE and staff.has(StaffRole.MANAGER)


async def _find(case_id: UUID, staff: StaffView) -> tuple[queries.CaseFound, Grounds | None]:
    """The case (or ``CaseNotFound``) and the person's grounds for it, in one round trip."""
    row = await queries.find_case(current_tenant_id(), case_id, staff.id)
    if row is None:
        raise CaseNotFound()
    return row, _grounds(row, staff)


def _grounds(row: queries.CaseFound, staff: StaffView) -> Grounds | None:
    """Grounds, strongest first: manager, a current assignment, an unexpired break-glass
    grant; None when there are none (or the person does not do case work). The case
    file's query (``queries.find_case_file``) loads the file on the same conditions."""
    if not works_cases(staff):
        return None
    if staff.has(StaffRole.MANAGER):
        return Grounds.MANAGER
    if row.assigned:
        return Grounds.ASSIGNED
    if row.glass:
        return Grounds.BREAK_GLASS
    return None


async def case_id_for(reference: str) -> UUID:
    """The id of this tenant's case with ``reference``: existence only, none of its content.

    Search already shows a restricted case's reference; this lets the person reach
    its restricted page (and break glass there) without the id ever being shown.
    """
    if control_characters(reference):  # no case has one, and PostgreSQL refuses NUL
        raise CaseNotFound()
    found = await queries.case_id_by_reference(current_tenant_id(), reference.strip().upper())
    if found is None:
        raise CaseNotFound()
    return found


async def _audit_access(action: Action, **fields: Any) -> None:
    """Reads are chained at commit (see ``audit.record_at_commit``); writes at once."""
    if action is Action.CASE_READ:
        audit.record_at_commit(action, **fields)
    else:
        await audit.record(action, **fields)


async def check_access(
    case_id: UUID,
    staff: StaffView,
    *,
    purpose: str = "record",
    require_open: bool = False,
    allow_break_glass: bool = True,
) -> CaseAccess:
    """The need-to-know check for a write, which audits its act with ``record_act`` once
    the act has happened, so an act refused by a later check never appears as done.

    A refusal is audited here (``case_access_refused``) and raises ``CaseRestricted``;
    ``require_open``: a closed case raises ``Invalid``. ``allow_break_glass`` False:
    break-glass opens a case to read, not to act for the family, so it raises
    ``NotPermitted`` (closing, consent, sharing, tasks).
    """
    row, grounds = await _find(case_id, staff)
    if grounds is None:
        await _refuse(case_id, staff, purpose)
    if require_open and row.status != CaseStatus.OPEN:
        raise Invalid({"case": "This case is closed"})
    if grounds is Grounds.BREAK_GLASS and not allow_break_glass:
        raise NotPermitted("break-glass opens a case to read, not to act on it")
    return CaseAccess(case_id, row.reference, row.status, grounds)


async def _refuse(case_id: UUID, staff: StaffView, purpose: str) -> NoReturn:
    """Audit a refusal (``case_access_refused``) and raise ``CaseRestricted``."""
    await audit.record(
        Action.CASE_ACCESS_REFUSED,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="case",
        subject_id=case_id,
        reason_code=purpose,
    )
    raise CaseRestricted(case_id)


async def record_act(
    access: CaseAccess,
    staff: StaffView,
    action: Action,
    *,
    reason_code: str = "record",
    **detail: str | int | bool | UUID | None,
) -> None:
    """The audit entry for an act on a case, written once it is done: who, on what
    grounds, and the ids it touched (never content)."""
    await audit.record(
        action,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="case",
        subject_id=access.case_id,
        grounds=access.grounds.value,
        reason_code=reason_code,
        detail=detail or None,
    )


async def open_case(
    case_id: UUID, staff: StaffView, *, purpose: str = "view", action: Action = Action.CASE_READ
) -> CaseAccess:
    """The need-to-know check for a read, audited as ``action`` (a case read by default)
    with the grounds found; ``purpose`` is the entry's reason code ("view", "api",
    "export", "parent_view"...). A refusal is audited and raises ``CaseRestricted``."""
    access = await check_access(case_id, staff, purpose=purpose)
    await record_read(access, staff, purpose=purpose, action=action)
    return access


async def record_read(
    access: CaseAccess, staff: StaffView, *, purpose: str, action: Action = Action.CASE_READ
) -> None:
    """The audit entry of a read checked with ``check_access``, as ``open_case`` writes it:
    for a caller whose read may yet end in a refusal that sends nothing (a package whose
    stored file is not the one shared), written once it is sure the read is answered."""
    await _audit_access(
        action,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="case",
        subject_id=access.case_id,
        grounds=access.grounds.value,
        reason_code=purpose,
    )


async def read_case(
    case_id: UUID, staff: StaffView, *, purpose: str, for_parent: bool = False
) -> CaseView:
    """``open_case`` and the case file (``for_parent``: its shared side only) in one round
    trip: the file leaves the database only where the person has grounds. The same
    audit entries: the read, chained at commit, or the refusal."""
    found = await queries.find_case_file(
        current_tenant_id(),
        case_id,
        staff.id,
        works_cases=works_cases(staff),
        reads_every_case=staff.has(StaffRole.MANAGER),
        for_parent=for_parent,
    )
    if found is None:
        raise CaseNotFound()
    row, file = found
    grounds = _grounds(row, staff)
    if grounds is None or file is None:
        await _refuse(case_id, staff, purpose)
    await _audit_access(
        Action.CASE_READ,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="case",
        subject_id=case_id,
        grounds=grounds.value,
        reason_code=purpose,
    )
    return queries.case_view(file, grounds, for_parent=for_parent)


async def break_glass(case_id: UUID, staff: StaffView, reason: str) -> BreakGlassView:
    """Open a case one has no need-to-know for: a recorded reason, a time box, an alert."""
    BreakGlassRequest(reason=reason).validate()
    if not works_cases(staff):
        raise NotPermitted("break-glass is for caseworkers")
    row, grounds = await _find(case_id, staff)
    if staff.has(StaffRole.MANAGER):
        raise Invalid({"case": "Managers can open every case: break-glass is not needed"})
    if grounds is Grounds.ASSIGNED:
        raise Invalid({"case": "You are assigned to this case: break-glass is not needed"})
    hours = (await get_policy()).break_glass_hours
    grant_id = uuid4()
    granted_at, expires_at = await queries.insert_break_glass(
        grant_id, current_tenant_id(), case_id, staff.id, reason.strip(), hours
    )
    await audit.record(
        Action.BREAK_GLASS,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="case",
        subject_id=case_id,
        grounds=Grounds.BREAK_GLASS.value,
        reason_code="break_glass_requested",
        detail={"grant_id": grant_id, "hours": hours},
    )
    await notifications.notify_managers(
        NotificationKind.BREAK_GLASS,
        subject_key=str(grant_id),
        case_id=case_id,
        case_reference=row.reference,
        subject_id=grant_id,
        actor_id=staff.id,
    )
    return BreakGlassView(
        id=grant_id,
        case_id=case_id,
        case_reference=row.reference,
        staff_id=staff.id,
        staff_name=staff.display_name,
        reason=reason.strip(),
        granted_at=granted_at,
        expires_at=expires_at,
    )


def _require_manager(staff: StaffView) -> None:
    if not is_manager(staff):
        raise NotPermitted("managers only")


class BreakGlassNotFound(NotFound):
    """No such use of break-glass here (never made, or another service's: the same)."""


async def break_glass_alerts(
    staff: StaffView, page: PageRequest, *, unreviewed: bool = False
) -> Page[BreakGlassView]:
    """Recent break-glass grants, newest first, for managers' dashboards (``unreviewed``:
    only those no manager has looked at yet)."""
    _require_manager(staff)
    return await queries.break_glass_grants(current_tenant_id(), page, unreviewed=unreviewed)


async def break_glass_alert(grant_id: UUID, staff: StaffView) -> BreakGlassView:
    """One use of break-glass with its review, if any (managers only)."""
    _require_manager(staff)
    found = await queries.break_glass_grants(
        current_tenant_id(), PageRequest(limit=1), grant_id=grant_id
    )
    if not found.items:
        raise BreakGlassNotFound()
    return found.items[0]


async def review_break_glass(
    grant_id: UUID, staff: StaffView, data: BreakGlassReviewRequest
) -> BreakGlassView:
    """A manager records that they looked at a use of break-glass, with a note (issue 15):
    once per use; audited; every manager's notification of it is then read."""
    _require_manager(staff)
    data.validate()
    grant = await break_glass_alert(grant_id, staff)
    recorded = await queries.insert_break_glass_review(
        current_tenant_id(), grant_id, staff.id, data.note.strip()
    )
    if not recorded:
        raise Invalid({"note": "This use of break-glass has already been reviewed"})
    await audit.record(
        Action.BREAK_GLASS_REVIEWED,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="case",
        subject_id=grant.case_id,
        grounds=Grounds.MANAGER.value,
        reason_code="break_glass_reviewed",
        detail={"grant_id": grant_id},
    )
    await notifications.settle_about(NotificationKind.BREAK_GLASS, grant_id)
    return await break_glass_alert(grant_id, staff)


async def access_history(case_id: UUID, staff: StaffView, page: PageRequest) -> Page[AccessEntry]:
    """Who opened the case, when, on what grounds (managers only; reading it is audited)."""
    _require_manager(staff)
    await open_case(
        case_id, staff, purpose="access_history", action=Action.CASE_ACCESS_HISTORY_READ
    )
    return await queries.access_entries(current_tenant_id(), case_id, page)
