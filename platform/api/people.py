"""People API: one person across cases. The duplicate check before someone is recorded
(a POST: what is checked is personal data, never put in a URL), a person's record,
households and their relationships, who must not be told about a case, and a manager's
merge of two records. Thin handlers over ``platform/people``; errors as everywhere."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.casework import records
from confide.platform.casework.schemas import CaseView
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker, manager
from confide.platform.people import duplicates, services
from confide.platform.people.schemas import (
    Candidate,
    CaseLink,
    CaseMembers,
    DuplicateCheck,
    HouseholdView,
    MergePeople,
    MergeView,
    MustNotBeTold,
    NewHousehold,
    NewMember,
    PersonRecord,
)


class PeopleController(Controller):
    """Open to caseworkers and managers; each person behind their cases' need-to-know."""

    path = "/"
    tags = ["people"]
    guards = [case_worker]

    @post("/people/duplicate-checks", status_code=HTTP_200_OK, name="api-duplicate-check")
    async def duplicate_check(
        self,
        data: JSONBody[Candidate],
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> DuplicateCheck:
        """Likely matches for someone about to be recorded (names with misspellings, date
        of birth, postcode). Only people you may know about are shown; for anyone else
        ``hidden`` is true with "A possible match exists - ask a manager" and nothing more.
        Every check is audited."""
        return await duplicates.check(data, staff, PageRequest(limit, offset))

    @get("/people/{person_id:uuid}", name="api-person")
    async def person(
        self, person_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> PersonRecord:
        """A person with their households and the merges that made their record."""
        return await services.get_person(person_id, staff)

    @post("/households", status_code=HTTP_201_CREATED, name="api-create-household")
    async def create_household(
        self, data: JSONBody[NewHousehold], staff: NamedDependency[StaffView]
    ) -> HouseholdView:
        """A household of people already recorded, with each one's relationship (parent,
        carer, step_parent, grandparent, sibling, young_person, other) and parental
        responsibility (yes, no, unknown)."""
        return await services.create_household(data, staff)

    @get("/households/{household_id:uuid}", name="api-household")
    async def household(
        self, household_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> HouseholdView:
        return await services.get_household(household_id, staff)

    @post(
        "/households/{household_id:uuid}/members",
        status_code=HTTP_200_OK,
        name="api-household-member",
    )
    async def set_member(
        self,
        household_id: FromPath[UUID],
        data: JSONBody[NewMember],
        staff: NamedDependency[StaffView],
    ) -> HouseholdView:
        """Add someone already recorded, or set their relationship."""
        return await services.set_member(household_id, data, staff)

    @post(
        "/cases/{case_id:uuid}/households/{household_id:uuid}/members",
        status_code=HTTP_200_OK,
        name="api-case-household-members",
    )
    async def add_from_case(
        self,
        case_id: FromPath[UUID],
        household_id: FromPath[UUID],
        data: JSONBody[CaseMembers],
        staff: NamedDependency[StaffView],
    ) -> HouseholdView:
        """Add people on the case to a household someone on the case is already in (a
        second child to their sibling's family), each with their relationship and parental
        responsibility; the household as it now is."""
        return await services.add_from_case(case_id, household_id, data, staff)

    @post("/cases/{case_id:uuid}/people", status_code=HTTP_201_CREATED, name="api-link-person")
    async def link_person(
        self, case_id: FromPath[UUID], data: JSONBody[CaseLink], staff: NamedDependency[StaffView]
    ) -> CaseView:
        """Link someone already recorded to the case, perhaps as someone who must not be
        told about it; the case as it now is."""
        await services.link_to_case(case_id, data, staff)
        return await records.get_case(case_id, staff, purpose="api")

    @post(
        "/cases/{case_id:uuid}/must-not-be-told",
        status_code=HTTP_200_OK,
        name="api-must-not-be-told",
    )
    async def must_not_be_told(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[MustNotBeTold],
        staff: NamedDependency[StaffView],
    ) -> CaseView:
        """Mark (or clear) that someone linked to the case must not be told about it: they
        are then never a way to contact or tell the client about this case."""
        await services.set_must_not_be_told(case_id, data, staff)
        return await records.get_case(case_id, staff, purpose="api")

    @post("/people/merges", guards=[manager], status_code=HTTP_201_CREATED, name="api-merge")
    async def merge(
        self, data: JSONBody[MergePeople], staff: NamedDependency[StaffView]
    ) -> MergeView:
        """Managers: merge two records of one person. The merged record's cases and
        relationships move to the survivor; it stays as a tombstone pointing at it."""
        return await services.merge(data, staff)

    @get("/people/merges", guards=[manager], name="api-merges")
    async def merges(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[MergeView]:
        """Every merge of the service, newest first: which records, who, when and why."""
        return PageOut.of(await services.merge_log(staff, PageRequest(limit, offset)))
