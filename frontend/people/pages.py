"""People across cases, as pages: who is on a case (link someone already recorded, mark
who must not be told, record the household), a person (their households and merges, and
for managers merging a duplicate into them), a household."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.casework import presenters
from confide.frontend.casework.restricted import restricted_page
from confide.frontend.forms import Form
from confide.frontend.labels import LABELS
from confide.frontend.people.forms import (
    MEMBER,
    RESPONSIBILITY,
    AddMembersForm,
    HouseholdForm,
    LinkForm,
    MergeForm,
    MustNotBeToldForm,
    household_prefix,
)
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import records
from confide.platform.casework.access import CaseRestricted, is_manager, may_change
from confide.platform.casework.schemas import CaseView, PersonKind, PersonView
from confide.platform.core.pagination import PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker, manager
from confide.platform.people import duplicates, services
from confide.platform.people.duplicates import candidate_of
from confide.platform.people.schemas import (
    DuplicateCheck,
    HouseholdView,
    ParentalResponsibility,
    Relationship,
)

MATCHES_SHOWN = 10
RELATIONSHIPS = {
    Relationship.PARENT: "Parent",
    Relationship.CARER: "Carer",
    Relationship.STEP_PARENT: "Step-parent",
    Relationship.GRANDPARENT: "Grandparent",
    Relationship.SIBLING: "Sibling",
    Relationship.YOUNG_PERSON: "Young person",
    Relationship.OTHER: "Other",
}
RESPONSIBILITIES = {
    ParentalResponsibility.YES: "Yes",
    ParentalResponsibility.NO: "No",
    ParentalResponsibility.UNKNOWN: "Not known",
}
DONE = {
    "linked": "They are linked to the case.",
    "marked": "Who must not be told about this case is recorded.",
    "merged": "The records are merged. The other record is kept, pointing at this one.",
    "added": "They are added to the household.",
}


def _entries(case: CaseView) -> list[tuple[str, PersonView, bool, bool]]:
    """Everyone on the case: their part, the person, must not be told, the case's subject."""
    found: list[tuple[str, PersonView, bool, bool]] = []
    if case.subject is not None:
        found.append(("Child or young person", case.subject, False, True))
    for p in case.people:
        label = "Parent or carer" if p.relationship == "parent_or_carer" else "Other"
        found.append((label, p.person, p.must_not_be_told, False))
    return found


def _households(
    households: list[HouseholdView], entries: list[tuple[str, PersonView, bool, bool]]
) -> list[tuple[HouseholdView, str, list[tuple[str, PersonView]]]]:
    """Each household someone on the case is in, its add form's id prefix, and the people
    on the case not yet in it (whom the form offers)."""
    found = []
    for household in households:
        members = {m.person_id for m in household.members}
        others = [(label, p) for label, p, _, _ in entries if p.id not in members]
        found.append((household, household_prefix(household.id), others))
    return found


async def case_people_page(
    request: Request[Any, Any, Any],
    case_id: UUID,
    staff: StaffView,
    form: Form | None = None,
    *,
    active: str = "",
    matches: DuplicateCheck | None = None,
    done: str = "",
) -> Template:
    """The case's people (an audited read): ``form`` is the section ``active`` come back
    with its problems, or the link form with the duplicate check's ``matches``."""
    try:
        case = await records.get_case(case_id, staff, purpose="people")
    except CaseRestricted:
        return await restricted_page(request, case_id)
    entries = _entries(case)
    return form_page(
        request,
        "people/case_people.html",
        form or Form(),
        case=case,
        entries=entries,
        households=_households(await services.households_of_case(case, staff), entries),
        may_change=may_change(case) and case.status == "open",
        not_told=presenters.must_not_be_told(case),
        active=active,
        matches=matches,
        new_person="",
        relationships=RELATIONSHIPS,
        responsibilities=RESPONSIBILITIES,
        member=MEMBER,
        responsibility=RESPONSIBILITY,
        labels=LABELS,
        message=DONE.get(done),
    )


async def person_page(
    request: Request[Any, Any, Any],
    person_id: UUID,
    staff: StaffView,
    form: MergeForm | None = None,
    done: str = "",
) -> Template:
    """A person with their households and merges; for a manager, other records that may be
    the same person, to merge into this one."""
    record = await services.get_person(person_id, staff)
    candidates = None
    if is_manager(staff):
        p = record.person
        found = await duplicates.check(
            candidate_of(
                p.first_name,
                p.last_name,
                p.date_of_birth,
                p.postcode,
                p.kind if p.kind is PersonKind.CHILD_OR_YOUNG_PERSON else None,
                phone=p.phone,
                email=p.email,
            ),
            staff,
            PageRequest(limit=MATCHES_SHOWN),
        )
        candidates = [m for m in found.matches if m.person_id != person_id]
    return form_page(
        request,
        "people/person.html",
        form or MergeForm(),
        record=record,
        candidates=candidates,
        relationships=RELATIONSHIPS,
        responsibilities=RESPONSIBILITIES,
        rules=presenters.safe_contact_rules,
        allowed=presenters.safe_contact_allowed,
        message=DONE.get(done),
    )


def _chosen(form: Form) -> list[UUID]:
    """The people the form offered (its relationship fields), by id; the service checks
    that each is on the case."""
    people = []
    for name in form.values:
        if name.startswith(MEMBER):
            try:
                people.append(UUID(name.removeprefix(MEMBER)))
            except ValueError:
                continue  # not a field the page offers
    return people


class PeoplePages(Controller):
    path = "/"
    include_in_schema = False
    guards = [case_worker]

    @get("/cases/{case_id:uuid}/people", name="case-people")
    async def case_people(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        done: Annotated[str, QueryParameter()] = "",
    ) -> Template:
        """Who is on the case, who must not be told about it, and its household."""
        return await case_people_page(request, case_id, staff, done=done)

    @post("/cases/{case_id:uuid}/people/must-not-be-told", name="case-must-not-be-told")
    async def must_not_be_told(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = MustNotBeToldForm.posted(await request.form())
        change = form.change()
        if change is not None:
            await form.save(lambda: services.set_must_not_be_told(case_id, change, staff))
        if form.ok:
            return redirect_to(request, "case-people", case_id=case_id, query={"done": "marked"})
        return await case_people_page(request, case_id, staff, form, active="mark")

    @post("/cases/{case_id:uuid}/people/link", name="case-link-person")
    async def link(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """First the duplicate check of the name typed; then the one chosen is linked."""
        form = LinkForm.posted(await request.form())
        first, last = form.text("first_name"), form.text("last_name")
        matches = None
        if first and last:
            matches = await form.save(
                lambda: duplicates.check(
                    candidate_of(first, last, None, None), staff, PageRequest(limit=MATCHES_SHOWN)
                )
            )
        else:
            form.fail("first_name", "Enter their first and last names to find them")
        if form.ok and form.chosen:
            link = form.link()
            if link is not None:
                await form.save(lambda: services.link_to_case(case_id, link, staff))
            if form.ok:
                return redirect_to(
                    request, "case-people", case_id=case_id, query={"done": "linked"}
                )
        elif form.ok and matches is not None and not matches.matches:
            form.fail("first_name", "No-one already recorded that you may see has that name")
        return await case_people_page(request, case_id, staff, form, active="link", matches=matches)

    @post("/cases/{case_id:uuid}/household", name="case-household")
    async def household_from_case(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """A household of the people on the case, each with their relationship."""
        form = HouseholdForm.posted(await request.form())
        case = await records.get_case(case_id, staff, purpose="people")
        data = form.household([person.id for _, person, _, _ in _entries(case)])
        made = await form.save(lambda: services.create_household(data, staff))
        if made is not None:
            return redirect_to(request, "household", household_id=made.id)
        return await case_people_page(request, case_id, staff, form, active="household")

    @post(
        "/cases/{case_id:uuid}/households/{household_id:uuid}/members",
        name="case-household-members",
    )
    async def add_to_household(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        household_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """People on the case added to a household someone on it is already in."""
        form = AddMembersForm.posted(await request.form())
        data = form.members(household_id, _chosen(form))
        if data is not None:
            await form.save(lambda: services.add_from_case(case_id, household_id, data, staff))
        if form.ok:
            return redirect_to(request, "case-people", case_id=case_id, query={"done": "added"})
        return await case_people_page(
            request, case_id, staff, form, active=f"household-{household_id}"
        )

    @get("/people/{person_id:uuid}", name="person")
    async def person(
        self,
        request: Request[Any, Any, Any],
        person_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        done: Annotated[str, QueryParameter()] = "",
    ) -> Template:
        return await person_page(request, person_id, staff, done=done)

    @post("/people/{person_id:uuid}/merge", name="person-merge", guards=[manager])
    async def merge(
        self,
        request: Request[Any, Any, Any],
        person_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Managers: merge the record chosen into this one, with the reason."""
        form = MergeForm.posted(await request.form())
        data = form.merge(person_id)
        if data is not None:
            await form.save(lambda: services.merge(data, staff))
        if form.ok:
            return redirect_to(request, "person", person_id=person_id, query={"done": "merged"})
        return await person_page(request, person_id, staff, form)

    @get("/households/{household_id:uuid}", name="household")
    async def household(
        self,
        request: Request[Any, Any, Any],
        household_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return form_page(
            request,
            "people/household.html",
            Form(),
            household=await services.get_household(household_id, staff),
            relationships=RELATIONSHIPS,
            responsibilities=RESPONSIBILITIES,
        )
