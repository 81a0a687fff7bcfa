"""A person's school or setting chosen from the service's directory (issue 14).

The free-text ``school_or_setting`` stays for a setting not listed; this adds the
directory's reference beside it. Choosing is an act on a case the person is on: the
need-to-know check for an open case, then the audit entry once done (rules 1 and 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from confide.platform.audit.actions import Action
from confide.platform.casework import queries
from confide.platform.casework.access import check_access, open_case, record_act
from confide.platform.casework.schemas import CaseView
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid, NotFound
from confide.platform.identity.schemas import StaffView
from confide.platform.schools import directory
from confide.platform.schools.schemas import SchoolChoice, SchoolNotFound, SchoolView


class PersonNotOnCase(NotFound):
    """No such person on this case."""


@dataclass(frozen=True, slots=True)
class PersonSchool:
    person_id: UUID
    school: SchoolView | None


async def _on_case(case_id: UUID, person_id: UUID) -> None:
    if not await queries.on_case(current_tenant_id(), case_id, person_id):
        raise PersonNotOnCase()


async def choose_school(
    case_id: UUID, person_id: UUID, choice: SchoolChoice, staff: StaffView
) -> PersonSchool:
    """Set (or with ``school_id`` None, clear) the person's school from the directory."""
    access = await check_access(case_id, staff, purpose="record", require_open=True)
    await _on_case(case_id, person_id)
    school = None
    if choice.school_id is not None:
        try:
            school = await directory.get_school(choice.school_id)
        except SchoolNotFound:
            raise Invalid({"school_id": "Choose a school from the directory"}) from None
    await queries.set_person_school(current_tenant_id(), person_id, choice.school_id)
    await record_act(
        access, staff, Action.PERSON_SCHOOL_CHOSEN, person_id=person_id, school_id=choice.school_id
    )
    return PersonSchool(person_id, school)


async def school_of(case_id: UUID, person_id: UUID, staff: StaffView) -> PersonSchool:
    """The person's school from the directory: a read of the case, need-to-know and
    audited as one."""
    await open_case(case_id, staff, purpose="person_school")
    await _on_case(case_id, person_id)
    school_id = await queries.person_school_id(current_tenant_id(), person_id)
    return PersonSchool(
        person_id, None if school_id is None else await directory.get_school(school_id)
    )


async def school_on(case: CaseView, person_id: UUID) -> PersonSchool:
    """The person's school for a page that has already read ``case`` (one audited read
    a page, as ``disclosures.check_case``)."""
    people = {p.person.id for p in case.people} | ({case.subject.id} if case.subject else set())
    if person_id not in people:
        raise PersonNotOnCase()
    school_id = await queries.person_school_id(current_tenant_id(), person_id)
    return PersonSchool(
        person_id, None if school_id is None else await directory.get_school(school_id)
    )
