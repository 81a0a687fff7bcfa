"""People across cases: a person's record, households and their relationships, who must
not be told about a case, and a manager's merge of two records of one person.

Need-to-know (rule 1) reaches people through their cases: a member of staff may see
someone on a case they are assigned to or hold a break-glass grant for, and a manager
anyone (``casework.records.known_people``); anyone else is "not found", exactly like an
id that does not exist. Each change is one named action, audited with ids only.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework import records
from confide.platform.casework.access import (
    NotPermitted,
    check_access,
    is_manager,
    record_act,
    works_cases,
)
from confide.platform.casework.schemas import CaseView, PersonKind
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid, NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.people import queries
from confide.platform.people.schemas import (
    MAX_MEMBERS,
    CaseLink,
    CaseMembers,
    HouseholdView,
    MergePeople,
    MergeView,
    MustNotBeTold,
    NewHousehold,
    NewMember,
    PersonRecord,
)


class PersonNotFound(NotFound):
    """No such person here, or one the member of staff may not know about (the same)."""


class HouseholdNotFound(NotFound):
    """No such household here, or one with nobody the member of staff may know about."""


def _case_work(staff: StaffView) -> None:
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")


async def get_person(person_id: UUID, staff: StaffView) -> PersonRecord:
    """A person with their households and the merges that made their record."""
    _case_work(staff)
    tenant_id = current_tenant_id()
    known = await records.known_people([person_id], staff)
    if person_id not in known:  # a merged record's tombstone is reached through its survivor
        raise PersonNotFound()
    audit.record_at_commit(
        Action.PERSON_READ, actor_kind="staff", actor_id=staff.id, subject_kind="person",
        subject_id=person_id,
    )  # fmt: skip
    return PersonRecord(
        person=known[person_id],
        merged_into=None,
        households=await queries.households_of(tenant_id, person_id),
        merges=await queries.merges_into(tenant_id, person_id),
    )


async def _known(ids: list[UUID], staff: StaffView, field: str) -> None:
    """For a change: each of ``ids`` someone the member of staff may know about other than
    by break-glass, which opens a case to read, never to change."""
    known = await records.known_people(ids, staff, changing=True)
    if any(i not in known for i in ids):
        raise Invalid({field: "Choose people already recorded on your cases"})


async def create_household(data: NewHousehold, staff: StaffView) -> HouseholdView:
    """A household of people already recorded, each one the member of staff may know."""
    _case_work(staff)
    data.validate()
    await _known([m.person_id for m in data.members], staff, "members")
    tenant_id = current_tenant_id()
    household_id = uuid4()
    await queries.insert_household(tenant_id, household_id, data.name.strip(), data.members,
                                   staff.id)  # fmt: skip
    await audit.record(
        Action.HOUSEHOLD_CREATED,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="household",
        subject_id=household_id,
        detail={"members": len(data.members)},
    )
    return await _household(household_id)


async def _household(household_id: UUID) -> HouseholdView:
    found = await queries.household(current_tenant_id(), household_id)
    if found is None:
        raise HouseholdNotFound()
    return found


async def _open_household(household_id: UUID, staff: StaffView, *, changing: bool = False) -> None:
    """A household is open to whoever may know one of its members, and to managers; to
    change it, not by break-glass."""
    _case_work(staff)
    tenant_id = current_tenant_id()
    if not await queries.household_exists(tenant_id, household_id):
        raise HouseholdNotFound()
    if is_manager(staff):
        return
    members = await queries.household_people(tenant_id, household_id)
    if not await records.known_people(members, staff, changing=changing):
        raise HouseholdNotFound()


async def get_household(household_id: UUID, staff: StaffView) -> HouseholdView:
    await _open_household(household_id, staff)
    return await _household(household_id)


async def set_member(household_id: UUID, member: NewMember, staff: StaffView) -> HouseholdView:
    """Add someone already recorded to a household, or set their relationship there."""
    await _open_household(household_id, staff, changing=True)
    await _known([member.person_id], staff, "person_id")
    already = await queries.household_people(current_tenant_id(), household_id)
    if member.person_id not in already and len(already) >= MAX_MEMBERS:
        raise Invalid({"person_id": f"A household has at most {MAX_MEMBERS} members"})
    await queries.add_member(current_tenant_id(), household_id, member, staff.id)
    await audit.record(
        Action.HOUSEHOLD_MEMBER_SET,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="household",
        subject_id=household_id,
        reason_code=member.relationship.value,
        detail={"person_id": member.person_id},
    )
    return await _household(household_id)


async def households_of_case(case: CaseView, staff: StaffView) -> list[HouseholdView]:
    """The households anyone on a case (already read, on its need-to-know) is in, of the
    people the member of staff may know about (rule 1)."""
    on_case = [*([case.subject.id] if case.subject else []), *(p.person.id for p in case.people)]
    known = await records.known_people(on_case, staff)
    if not known:
        return []
    return await queries.households_of_people(current_tenant_id(), list(known))


async def add_from_case(
    case_id: UUID, household_id: UUID, data: CaseMembers, staff: StaffView
) -> HouseholdView:
    """Add people on a case to a household someone on the case is already in (a second
    child to their sibling's family), each with their relationship and parental
    responsibility, on the case's need-to-know (not break-glass, which only reads): each
    one added is audited on the case. Another household is "not found", as one that does
    not exist; someone not on the case is refused on ``members``."""
    _case_work(staff)
    data.validate()
    access = await check_access(
        case_id, staff, purpose="household", require_open=True, allow_break_glass=False
    )
    tenant_id = current_tenant_id()
    on_case = set(await queries.case_people(tenant_id, case_id))
    already = set(await queries.household_people(tenant_id, household_id))
    if not on_case & already:  # need-to-know for the case opens its people's households
        raise HouseholdNotFound()
    adding = {m.person_id for m in data.members}
    if not adding <= on_case:
        raise Invalid({"members": "Choose people on this case"})
    if len(already | adding) > MAX_MEMBERS:
        raise Invalid({"members": f"A household has at most {MAX_MEMBERS} members"})
    for member in data.members:
        await queries.add_member(tenant_id, household_id, member, staff.id)
        await record_act(
            access, staff, Action.HOUSEHOLD_MEMBER_SET, reason_code=member.relationship.value,
            household_id=household_id, person_id=member.person_id,
        )  # fmt: skip
    return await _household(household_id)


async def link_to_case(case_id: UUID, data: CaseLink, staff: StaffView) -> None:
    """Link someone already recorded to a case (a second parent, a sibling, an ex-partner
    who must not be told), on the case's need-to-know."""
    data.validate()
    access = await check_access(case_id, staff, allow_break_glass=False, require_open=True)
    await _known([data.person_id], staff, "person_id")
    linked = await queries.link_to_case(
        current_tenant_id(), case_id, data.person_id, data.relationship.value,
        data.must_not_be_told,
    )  # fmt: skip
    if not linked:
        raise Invalid({"person_id": "They are already on this case"})
    await record_act(access, staff, Action.PERSON_LINKED, person_id=data.person_id,
                     must_not_be_told=data.must_not_be_told)  # fmt: skip


async def set_must_not_be_told(case_id: UUID, data: MustNotBeTold, staff: StaffView) -> None:
    """Mark (or clear) that someone linked to a case must not be told about it: a young
    person using the service without their parent knowing, a parent fleeing an ex-partner."""
    access = await check_access(case_id, staff, allow_break_glass=False)
    if not await queries.set_must_not_be_told(
        current_tenant_id(), case_id, data.person_id, data.must_not_be_told
    ):
        raise Invalid({"person_id": "Choose someone linked to this case (not who it is about)"})
    await record_act(
        access,
        staff,
        Action.MUST_NOT_BE_TOLD_SET,
        reason_code="set" if data.must_not_be_told else "cleared",
        person_id=data.person_id,
    )


async def merge(data: MergePeople, staff: StaffView) -> MergeView:
    """Managers: the merged record's cases, case links and households move to the survivor;
    the merged record stays as a tombstone pointing at it; which, who, when and why kept."""
    if not is_manager(staff):
        raise NotPermitted("managers only")
    data.validate()
    tenant_id = current_tenant_id()
    known = await records.known_people([data.survivor_id, data.merged_id], staff)
    if data.survivor_id not in known:  # the record merged into: as any record not found
        raise PersonNotFound()
    if data.merged_id not in known:
        raise Invalid({"merged_id": "Choose a record that has not been merged"})
    kinds = {known[data.survivor_id].kind, known[data.merged_id].kind}
    if PersonKind.CHILD_OR_YOUNG_PERSON in kinds and len(kinds) > 1:
        raise Invalid({"merged_id": "A child's record can only be merged with a child's"})
    locked = await queries.lock_people(tenant_id, [data.survivor_id, data.merged_id])
    if any(locked.get(i) is not None for i in (data.survivor_id, data.merged_id)):
        raise Invalid({"merged_id": "Choose a record that has not been merged"})
    moved = await queries.move_to_survivor(tenant_id, data.merged_id, data.survivor_id)
    merge_id = uuid4()
    await queries.insert_merge(tenant_id, merge_id, data.survivor_id, data.merged_id,
                               data.reason.strip(), staff.id, moved)  # fmt: skip
    await audit.record(
        Action.PEOPLE_MERGED,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="person",
        subject_id=data.survivor_id,
        detail={"merged_id": data.merged_id, "merge_id": merge_id, "cases_moved": moved},
    )
    [view] = [m for m in await queries.merges_into(tenant_id, data.survivor_id)
              if m.id == merge_id]  # fmt: skip
    return view


async def merge_log(staff: StaffView, page: PageRequest) -> Page[MergeView]:
    """Every merge of the service, newest first (managers)."""
    if not is_manager(staff):
        raise NotPermitted("managers only")
    return await queries.merge_log(current_tenant_id(), page)
