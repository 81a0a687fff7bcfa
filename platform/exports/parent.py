"""What the parent's view of the case bundle may hold (rule 15): an allow-list, field by
field, so nothing of the young person's side reaches the PDF or the JSON by default.

``records.parent_view`` leaves out the young person's notes and contacts; the rest of the
case file is the same as the full one. Here the parent's view keeps, of the people, only
who they are (each one's name and relationship, the young person's date of birth, school
and need, which a parent knows already) and never anyone who must not be told about the
case, nor anyone's address, phone, email or safe-contact preferences; of the case, not who
got in touch (a young person may come to the service themselves), the referrer, or links
to the family's other cases; of consent, only what a parent or carer gave, without the
young person's view recorded with it, its reviews' notes or why consent was not asked at
first contact; of capacity, only whether the young person can decide for themselves (not
who judged it or their notes); of disclosures, none made on the young person's own consent
or word (a case file released at their asking or on their form, issue 17) or holding
anything of theirs or that could not be told of, and none of a share's free-text reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from confide.platform.casework.schemas import (
    CaseView,
    ContactKind,
    ContactVersionView,
    ContactView,
    Direction,
    NoteView,
    PersonKind,
    PersonView,
    ReferralRoute,
)
from confide.platform.consent.schemas import (
    Basis,
    CapacityView,
    ConsentMethod,
    ConsentView,
    Decision,
    DisclosureStatus,
    DisclosureView,
    GivenBy,
    LegalBasis,
)


@dataclass(frozen=True, slots=True)
class ParentPerson:
    """Someone on the case, named: no contact details, no safe-contact preferences."""

    relationship: PersonKind
    first_name: str
    last_name: str
    date_of_birth: date | None = None  # the young person's only
    school_or_setting: str | None = None  # the young person's only
    primary_need: str | None = None  # the young person's only


@dataclass(frozen=True, slots=True)
class ParentContact:
    """A contact on the shared side, without whom it was with or any safe-contact
    exception (both are about how the young person may be reached)."""

    id: UUID
    kind: ContactKind
    direction: Direction
    occurred_at: datetime
    duration_minutes: int | None
    summary: str
    recorded_by_name: str
    recorded_at: datetime
    version: int
    correction_reason: str | None
    history: list[ContactVersionView]


@dataclass(frozen=True, slots=True)
class ParentCase:
    id: UUID
    reference: str
    status: str
    anonymous: bool
    referral_route: ReferralRoute
    topics: list[str]
    support_level: int
    opened_on: date
    closed_on: date | None
    outcome: str | None
    young_person: ParentPerson | None
    people: list[ParentPerson]
    assignments: list[ParentAssignment]
    contacts: list[ParentContact]
    notes: list[NoteView]
    parent_view: bool = True


@dataclass(frozen=True, slots=True)
class ParentAssignment:
    staff_name: str
    assigned_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class ParentConsent:
    """A consent a parent or carer gave, without the young person's view."""

    version: int
    decision: Decision
    roles: list[str]
    given_by: GivenBy
    method: ConsentMethod
    given_on: date
    advised_of_limits: bool
    parties_told: list[str]
    note: str
    review_due: date
    lapsed: bool
    recorded_by_name: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ParentCapacity:
    """Whether the young person can decide for themselves: not who judged it, nor why."""

    age: int | None
    has_capacity: bool | None


@dataclass(frozen=True, slots=True)
class ParentItem:
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class ParentDisclosure:
    recipient_org: str
    recipient_role: str
    purpose: str
    items: list[ParentItem]
    status: DisclosureStatus
    basis: Basis | None
    legal_basis: LegalBasis | None
    requested_by_name: str
    requested_at: datetime
    sent_on: date | None


def _young_person(person: PersonView) -> ParentPerson:
    return ParentPerson(
        relationship=PersonKind.CHILD_OR_YOUNG_PERSON,
        first_name=person.first_name,
        last_name=person.last_name,
        date_of_birth=person.date_of_birth,
        school_or_setting=person.school_or_setting,
        primary_need=person.primary_need,
    )


def _contact(contact: ContactView) -> ParentContact:
    return ParentContact(
        id=contact.contact_id or contact.id,
        kind=contact.kind,
        direction=contact.direction,
        occurred_at=contact.occurred_at,
        duration_minutes=contact.duration_minutes,
        summary=contact.summary,
        recorded_by_name=contact.recorded_by_name,
        recorded_at=contact.recorded_at,
        version=contact.version,
        correction_reason=contact.correction_reason,
        history=contact.history,
    )


def case(view: CaseView) -> ParentCase:
    """``view`` (``records.parent_view``: notes and contacts already of the parent's side
    only) with only what the parent may see."""
    if not view.parent_view:
        raise ValueError("the parent's bundle is made from records.parent_view only")
    subject = view.subject
    people = [
        _young_person(p.person)
        if p.relationship is PersonKind.CHILD_OR_YOUNG_PERSON
        else ParentPerson(p.relationship, p.person.first_name, p.person.last_name)
        for p in view.people
        if not p.must_not_be_told and (subject is None or p.person.id != subject.id)
    ]
    return ParentCase(
        id=view.id,
        reference=view.reference,
        status=view.status,
        anonymous=view.anonymous,
        referral_route=view.referral_route,
        topics=view.topics,
        support_level=view.support_level,
        opened_on=view.opened_on,
        closed_on=view.closed_on,
        outcome=view.outcome,
        young_person=None if subject is None else _young_person(subject),
        people=people,
        assignments=[
            ParentAssignment(a.staff_name, a.assigned_at, a.ended_at) for a in view.assignments
        ],
        contacts=[_contact(c) for c in view.contacts],
        notes=view.notes,
    )


def consents(versions: list[ConsentView]) -> list[ParentConsent]:
    """The consents a parent or carer gave (the young person's own are left out)."""
    return [
        ParentConsent(
            version=c.version,
            decision=c.decision,
            roles=c.roles,
            given_by=c.given_by,
            method=c.method,
            given_on=c.given_on,
            advised_of_limits=c.advised_of_limits,
            parties_told=c.parties_told,
            note=c.note,
            review_due=c.review_due,
            lapsed=c.lapsed,
            recorded_by_name=c.recorded_by_name,
            recorded_at=c.recorded_at,
        )
        for c in versions
        if c.given_by is not GivenBy.YOUNG_PERSON
    ]


def capacity(found: CapacityView | None) -> ParentCapacity | None:
    return None if found is None else ParentCapacity(found.age, found.has_capacity)


def disclosures(
    shared: list[DisclosureView], versions: list[ConsentView]
) -> list[ParentDisclosure]:
    """Shares on a parent's consent or word or a legal basis holding nothing of the young
    person's side; none that the service user could not be told of."""
    theirs = {c.id for c in versions if c.given_by is GivenBy.YOUNG_PERSON}
    return [
        ParentDisclosure(
            recipient_org=d.recipient_org,
            recipient_role=d.recipient_role,
            purpose=d.purpose,
            items=[ParentItem(i.label, i.text) for i in d.items],
            status=d.status,
            basis=d.basis,
            legal_basis=d.legal_basis,
            requested_by_name=d.requested_by_name,
            requested_at=d.requested_at,
            sent_on=d.sent_on,
        )
        for d in shared
        if d.consent_id not in theirs
        and d.given_by is not GivenBy.YOUNG_PERSON
        and d.tell_not_possible is None
        and not any(i.young_person_only for i in d.items)
    ]
