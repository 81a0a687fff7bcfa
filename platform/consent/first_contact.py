"""A first contact: the enquiry and the answer about consent, recorded together (rule 4).

The API, the page and the demo all record an enquiry through ``record_first_contact``, so
every named case starts with a consent, or with a recorded reason it was not asked yet
(listed on the dashboard until it is). Everything is checked before anything is written,
so one pass names every problem, and nothing half-recorded is left behind.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from confide.platform.casework import records, safe_contact
from confide.platform.casework.access import works_cases
from confide.platform.casework.schemas import (
    CaseView,
    ContactedBy,
    Direction,
    NewContact,
    NewPerson,
    PersonView,
    SafeContact,
)
from confide.platform.consent import consents
from confide.platform.consent.capacity import presumed_capacity
from confide.platform.consent.errors import NotPermitted
from confide.platform.consent.schemas import FirstContact
from confide.platform.core.errors import Invalid
from confide.platform.identity.schemas import StaffView
from confide.tenants.policy.services import get_policy


def who_got_in_touch(case: CaseView) -> UUID | None:
    """The person the first contact was with: whoever got in touch, where recorded."""
    if case.contacted_by == ContactedBy.YOUNG_PERSON and case.subject is not None:
        return case.subject.id
    if case.contacted_by in (ContactedBy.PARENT, ContactedBy.CARER) and case.people:
        return case.people[0].person.id
    return None


def _first_contact_with(
    data: FirstContact, linked: dict[UUID, PersonView]
) -> tuple[str, SafeContact] | None:
    """The name and safe-contact preferences of the person the first contact is with, as
    ``who_got_in_touch`` will find them: entered on the enquiry, or a linked record."""
    person: NewPerson | PersonView | None = None
    if data.contacted_by == ContactedBy.YOUNG_PERSON:
        person = data.young_person or linked.get(data.young_person_id or uuid4())
    elif data.contacted_by in (ContactedBy.PARENT, ContactedBy.CARER):
        if data.parents:
            person = data.parents[0]
        elif data.parent_ids:
            person = linked.get(data.parent_ids[0])
    if person is None:
        return None
    name = f"{person.first_name.strip()} {person.last_name.strip()}"
    if isinstance(person, PersonView):
        return name, person.safe_contact
    return name, safe_contact.preferences_of(person)


async def check_first_contact(
    data: FirstContact, contact: NewContact | None = None, staff: StaffView | None = None
) -> None:
    """``Invalid`` with every problem of the enquiry, its answer about consent and its first
    contact, keyed as the API takes the fields (``young_person.first_name``,
    ``consent.given_by``, ``consent_not_asked``, ``contact.summary``). The page calls it
    too, to show every problem in one pass before it saves anything."""
    policy = await get_policy()
    errors: dict[str, str] = {}
    try:
        data.validate(topics=policy.topics)
    except Invalid as invalid:
        errors.update(invalid.errors)
    errors.update(data.consent_answer_errors())
    linked: dict[UUID, PersonView] = {}
    if staff is not None:  # people already recorded, linked to this enquiry
        try:
            linked = await records.linked_people(data, staff)
        except Invalid as invalid:
            errors.update(invalid.errors)
    if data.consent is not None and not data.anonymous:
        born = data.young_person.date_of_birth if data.young_person else None
        if data.young_person_id is not None and data.young_person_id in linked:
            born = linked[data.young_person_id].date_of_birth
        try:
            data.consent.validate(policy.professional_roles, await presumed_capacity(born))
        except Invalid as invalid:
            errors.update({f"consent.{k}": v for k, v in invalid.errors.items()})
    if contact is not None:
        try:
            contact.validate()
        except Invalid as invalid:
            errors.update({f"contact.{k}": v for k, v in invalid.errors.items()})
        # rule 8: an outgoing first contact by a route they forbid, refused before saving.
        person = _first_contact_with(data, linked)
        if contact.direction is Direction.OUTGOING and person is not None:
            why = safe_contact.first_contact_refusal(contact.kind.value, *person)
            if why is not None:
                errors["contact.kind"] = f"{why}. Choose another way"
    if errors:
        raise Invalid(errors)


async def record_first_contact(
    data: FirstContact, staff: StaffView, contact: NewContact | None = None
) -> CaseView:
    """Open the case (the recorder is assigned) with its consent or why it was not asked,
    and (the page's) its first contact, with whoever got in touch; ``Invalid`` with every
    problem (``check_first_contact``) and nothing written."""
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    await check_first_contact(data, contact, staff)
    case = await records.create_enquiry(data, staff)
    if data.consent is not None:
        await consents.record_consent(case.id, staff, data.consent)
    elif data.consent_not_asked is not None:
        await consents.record_not_asked(case.id, staff, data.consent_not_asked)
    if contact is not None:
        contact.with_person_id = who_got_in_touch(case)
        await records.add_contact(case.id, staff, contact)
    return case
