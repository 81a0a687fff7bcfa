"""The people pages' forms: who must not be told about a case, linking someone already
recorded to a case, recording a household from a case's people, merging two records."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from confide.frontend.forms import Form
from confide.platform.casework.schemas import PersonKind
from confide.platform.people.schemas import (
    CaseLink,
    CaseMembers,
    MergePeople,
    MustNotBeTold,
    NewHousehold,
    NewMember,
    ParentalResponsibility,
    Relationship,
)

MEMBER = "member-"  # + a person's id: their relationship in the household ("": not in it)
RESPONSIBILITY = "pr-"  # + a person's id: their parental responsibility


def _uuid(form: Form, name: str, message: str) -> UUID | None:
    try:
        return UUID(form.text(name))
    except ValueError:
        form.fail(name, message)
        return None


class MustNotBeToldForm(Form):
    order = ("person_id",)

    def change(self) -> MustNotBeTold | None:
        person = _uuid(self, "person_id", "Choose someone on this case")
        if person is None:
            return None
        return MustNotBeTold(person_id=person, must_not_be_told=self.ticked("must_not_be_told"))


class LinkForm(Form):
    """Find someone already recorded (by name), then link the one chosen to the case."""

    order = ("first_name", "last_name", "person_id", "relationship", "must_not_be_told")

    @property
    def chosen(self) -> bool:
        return bool(self.text("person_id"))

    def link(self) -> CaseLink | None:
        person = _uuid(self, "person_id", "Choose someone from the list")
        relationship = self.choice(
            PersonKind, "relationship", "Select how they are related to the case",
            default=PersonKind.PARENT_OR_CARER.value,
        )  # fmt: skip
        if person is None or relationship is None:
            return None
        return CaseLink(
            person_id=person,
            relationship=relationship,
            must_not_be_told=self.ticked("must_not_be_told"),
        )


def _members(form: Form, people: list[UUID]) -> list[NewMember]:
    """Each person's relationship (none: not in the household) and responsibility."""
    members = []
    for person_id in people:
        if not form.text(f"{MEMBER}{person_id}"):
            continue
        relationship = form.choice(Relationship, f"{MEMBER}{person_id}", "Choose a relationship")
        responsibility = form.choice(
            ParentalResponsibility, f"{RESPONSIBILITY}{person_id}",
            "Choose yes, no or not known", default=ParentalResponsibility.UNKNOWN.value,
        )  # fmt: skip
        if relationship is not None and responsibility is not None:
            members.append(
                NewMember(
                    person_id=person_id,
                    relationship=relationship,
                    parental_responsibility=responsibility,
                )
            )
    return members


class HouseholdForm(Form):
    """A household from the people on a case: each one's relationship and responsibility."""

    order = ("name", "members")

    def household(self, people: list[UUID]) -> NewHousehold:
        members = _members(self, people)
        if not members:
            self.fail("members", "Choose at least one person for the household")
        return NewHousehold(name=self.text("name"), members=members)


class AddMembersForm(Form):
    """People on a case added to a household someone on it is already in. The page has one
    such form per household, so its fields' ids start with the household's (``prefix``)."""

    order = ("members",)
    page_wide = ("case",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prefix = ""

    @property
    def anchors(self) -> dict[str, str]:
        return {name: f"{self.prefix}{name}" for name in self.errors} | super().anchors

    def members(self, household_id: UUID, people: list[UUID]) -> CaseMembers | None:
        """The members chosen (None, with the problem, when none can be read)."""
        self.prefix = household_prefix(household_id)
        members = _members(self, people)
        if not members and self.ok:
            self.fail("members", "Choose at least one person to add to the household")
        return CaseMembers(members=members) if self.ok else None


def household_prefix(household_id: UUID) -> str:
    """The start of the ids of a household's add form's fields on a case's people page."""
    return f"h{household_id}-"


class MergeForm(Form):
    """A manager merges another record of this person into this one."""

    order = ("merged_id", "reason")

    def merge(self, survivor: UUID) -> MergePeople | None:
        merged = _uuid(self, "merged_id", "Choose the record to merge into this one")
        if merged is None:
            return None
        return MergePeople(survivor_id=survivor, merged_id=merged, reason=self.text("reason"))
