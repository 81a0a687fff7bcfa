"""Moving cases between caseworkers (rule 23; issue 14, the manager's team view).

A manager reassigns one case or many at once to an active caseworker: the cases'
current assignments end (only the leaving caseworker's, when one is named) and the
new caseworker is assigned, the history kept. Each case moved gets its own audit entry
(rule 2); nothing moves when any case named is closed (400) or not this service's (404,
as for any case: rule 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import msgspec

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework import queries
from confide.platform.casework.access import CaseNotFound, NotPermitted, is_manager, works_cases
from confide.platform.casework.schemas import CaseStatus, CaseSummary, Grounds
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.staff import get_staff
from confide.platform.notifications import services as notifications
from confide.platform.notifications.schemas import NotificationKind

MAX_CASES = 100  # at once: a page of the team view's lists, with room


class Reassignment(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Which cases, to whom, and (optionally) from whom: without ``from_staff_id`` every
    current caseworker of each case is replaced; with it, only that one."""

    case_ids: list[UUID]
    to_staff_id: UUID
    from_staff_id: UUID | None = None

    def validate(self) -> None:
        errors: dict[str, str] = {}
        if not self.case_ids:
            errors["case_ids"] = "Choose at least one case"
        elif len(self.case_ids) > MAX_CASES:
            errors["case_ids"] = f"Choose {MAX_CASES} cases or fewer at a time"
        elif len(set(self.case_ids)) != len(self.case_ids):
            errors["case_ids"] = "Choose each case once"
        if self.from_staff_id is not None and self.from_staff_id == self.to_staff_id:
            errors["to_staff_id"] = "Choose someone else to take the cases"
        if errors:
            raise Invalid(errors)


@dataclass(frozen=True, slots=True)
class Reassigned:
    """What moved: the cases, to whom, and how many assignments ended."""

    case_ids: list[UUID]
    to_staff_id: UUID
    to_staff_name: str
    ended: int


def _require_manager(staff: StaffView) -> None:
    if not is_manager(staff):
        raise NotPermitted("managers only")


async def reassign(data: Reassignment, staff: StaffView) -> Reassigned:
    """Reassign the cases (managers only); every case audited as ``case_reassigned``."""
    _require_manager(staff)
    data.validate()
    tenant_id = current_tenant_id()
    found = await queries.lock_cases(tenant_id, data.case_ids)
    if len(found) != len(data.case_ids):
        raise CaseNotFound()  # another service's case is the same as one never made
    person = await get_staff(data.to_staff_id)
    if person is None or not works_cases(person):
        raise Invalid({"to_staff_id": "Choose an active caseworker of this service"})
    if any(status != CaseStatus.OPEN for status in found.values()):
        raise Invalid({"case_ids": "A closed case cannot be reassigned: choose open cases"})
    ended = await queries.end_assignments(
        tenant_id, data.case_ids, data.to_staff_id, data.from_staff_id
    )
    assigned = await queries.assign_where_missing(
        tenant_id, data.case_ids, data.to_staff_id, staff.id
    )
    await notifications.notify_staff_of_cases(
        data.to_staff_id, NotificationKind.CASE_ASSIGNED, assigned, actor_id=staff.id
    )
    before: dict[UUID, list[UUID]] = {}
    for case_id, staff_id in ended:
        before.setdefault(case_id, []).append(staff_id)
    for case_id in data.case_ids:
        gone = before.get(case_id, [])
        await audit.record(
            Action.CASE_REASSIGNED,
            actor_kind="staff",
            actor_id=staff.id,
            subject_kind="case",
            subject_id=case_id,
            grounds=Grounds.MANAGER.value,
            reason_code="reassign",
            detail={
                "to_staff_id": data.to_staff_id,
                "from_staff_ids": ",".join(sorted(str(s) for s in gone)) or None,
            },
        )
    return Reassigned(
        case_ids=list(data.case_ids),
        to_staff_id=data.to_staff_id,
        to_staff_name=person.display_name,
        ended=len(ended),
    )


async def open_cases_of(staff_id: UUID, staff: StaffView, page: PageRequest) -> Page[CaseSummary]:
    """A member of staff's open cases (managers only): whom to reassign from."""
    _require_manager(staff)
    return await queries.my_open_cases(current_tenant_id(), staff_id, page)


async def open_case_count(staff_id: UUID) -> int:
    """How many open cases a member of staff holds (a count only: offered to whoever
    suspends them, with the way to the team view)."""
    found = await queries.my_open_cases(current_tenant_id(), staff_id, PageRequest(limit=1))
    return found.total
