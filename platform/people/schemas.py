"""What the people domain takes in and gives out: a duplicate check's candidate and its
possible matches, households and their members' relationships, merges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.casework.schemas import CaseRef, PersonKind, PersonView, check_text
from confide.platform.core.clock import service_today
from confide.platform.core.errors import Invalid

# What a caseworker sees of a match they may not know about: this, and nothing else.
ASK_A_MANAGER = "A possible match exists - ask a manager"
_POSTCODE = re.compile(r"^[A-Za-z0-9 ]{2,10}$")
MAX_MEMBERS = 20  # a household's members are shown whole, so a household stays small


class Candidate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Someone about to be recorded: checked against the people already recorded."""

    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    # Offer only records of this kind (a child or young person for a young person); a
    # hidden match is told whatever its kind.
    kind: PersonKind | None = None

    def validate(self) -> None:
        errors: dict[str, str] = {}
        for field, value in (("first_name", self.first_name), ("last_name", self.last_name)):
            check_text(errors, field, value, label=field.replace("_", " "), high=100,
                       required=False, single_line=True)  # fmt: skip
        for other, text, high in (("phone", self.phone, 40), ("email", self.email, 320)):
            check_text(errors, other, text, label=other, high=high, required=False,
                       single_line=True)  # fmt: skip
        if self.postcode and not _POSTCODE.match(self.postcode.strip()):
            errors["postcode"] = "Enter a real postcode"
        if self.date_of_birth is not None and self.date_of_birth > service_today():
            errors["date_of_birth"] = "Date of birth must be in the past"
        named = self.first_name.strip() and self.last_name.strip()
        given = (self.date_of_birth, self.postcode, self.phone, self.email)
        if not errors and not named and not any(given):
            errors["first_name"] = (
                "Enter their name, date of birth, postcode, phone number or email to check"
            )
        if errors:
            raise Invalid(errors)


@dataclass(frozen=True, slots=True)
class PossibleMatch:
    """Someone already recorded whom the member of staff may know about (rule 1), with what
    matched and the cases of theirs the member of staff may open."""

    person_id: UUID
    kind: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    postcode: str | None
    matched_on: tuple[str, ...]  # "name", "date_of_birth", "postcode"
    cases: tuple[CaseRef, ...]


@dataclass(frozen=True, slots=True)
class DuplicateCheck:
    """A page of possible matches; ``hidden``: a likely match the member of staff may not
    know about exists, told only as ``ASK_A_MANAGER`` (no name, no reference, no count)."""

    matches: list[PossibleMatch]
    total: int
    limit: int
    offset: int
    hidden: bool
    hidden_message: str | None


class Relationship(StrEnum):
    """A household member's relationship to the child or young person it is about."""

    PARENT = "parent"
    CARER = "carer"
    STEP_PARENT = "step_parent"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    YOUNG_PERSON = "young_person"
    OTHER = "other"


class ParentalResponsibility(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class NewMember(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Someone already recorded, added to a household."""

    person_id: UUID
    relationship: Relationship
    parental_responsibility: ParentalResponsibility = ParentalResponsibility.UNKNOWN


class NewHousehold(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A household: people already recorded and how they are related."""

    name: str
    members: list[NewMember] = msgspec.field(default_factory=list)

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "name", self.name, label="a name for the household", high=100,
                   single_line=True)  # fmt: skip
        if len(self.members) > MAX_MEMBERS:
            errors["members"] = f"A household has at most {MAX_MEMBERS} members"
        if len({m.person_id for m in self.members}) != len(self.members):
            errors["members"] = "Add each person once"
        if errors:
            raise Invalid(errors)


class CaseMembers(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """People on a case added to a household that someone on the case is already in (a
    second child joining their sibling's family), each with their relationship."""

    members: list[NewMember]

    def validate(self) -> None:
        if not self.members:
            raise Invalid({"members": "Choose at least one person to add to the household"})
        if len(self.members) > MAX_MEMBERS:
            raise Invalid({"members": f"A household has at most {MAX_MEMBERS} members"})
        if len({m.person_id for m in self.members}) != len(self.members):
            raise Invalid({"members": "Add each person once"})


class CaseLink(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Someone already recorded, linked to a case (a second parent, an ex-partner)."""

    person_id: UUID
    relationship: PersonKind = PersonKind.PARENT_OR_CARER
    must_not_be_told: bool = False

    def validate(self) -> None:
        if self.relationship is PersonKind.CHILD_OR_YOUNG_PERSON:
            raise Invalid({"relationship": "Link a parent, carer or other person"})


class MustNotBeTold(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Mark (or clear) that someone on a case must not be told about it."""

    person_id: UUID
    must_not_be_told: bool = True


class MergePeople(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Two records of one person: ``merged_id`` becomes a tombstone of ``survivor_id``."""

    survivor_id: UUID
    merged_id: UUID
    reason: str

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "reason", self.reason, label="why they are the same person", low=10,
                   high=500)  # fmt: skip
        if self.survivor_id == self.merged_id:
            errors["merged_id"] = "Choose two different records"
        if errors:
            raise Invalid(errors)


@dataclass(frozen=True, slots=True)
class MemberView:
    person_id: UUID
    first_name: str
    last_name: str
    relationship: Relationship
    parental_responsibility: ParentalResponsibility


@dataclass(frozen=True, slots=True)
class HouseholdView:
    id: UUID
    name: str
    members: list[MemberView]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MergeView:
    id: UUID
    survivor_id: UUID
    merged_id: UUID
    reason: str
    merged_by: UUID
    merged_by_name: str
    merged_at: datetime
    cases_moved: int


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person with the households they are in and any records merged into them."""

    person: PersonView
    merged_into: UUID | None
    households: list[HouseholdView]
    merges: list[MergeView]
