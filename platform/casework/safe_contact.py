"""Safe contact, enforced (rule 8): no-one outside the service may learn that a family
contacted it.

Recording an outgoing contact (a call, a voicemail left, a text, an email, a letter) to
someone whose safe-contact preferences forbid that route is refused, naming
the field and the preference; so is recording that a service user was told of a share by
such a route (``consent.tasks.record_told``). Where no-one is named, a route nobody on the
case allows is refused. A manager may record an exception with a reason (kept with the
record and audited); anyone else giving one is refused. Incoming contacts, meetings and
video calls are always recordable. Someone who must not be told about the case
(``case_people.must_not_be_told``, rule 22) is never a way to reach the client: an
outgoing contact or telling through them is refused, with no exception.

The preferences live on the person, so they follow them to every case they are on.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from confide.platform.casework import queries
from confide.platform.casework.access import is_manager
from confide.platform.casework.schemas import (
    PREFERENCE_WORDS,
    ROUTE_PREFERENCE,
    ContactTarget,
    NewPerson,
    SafeContact,
)
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.identity.schemas import StaffView

EXCEPTION_FIELD = "safe_contact_exception"


def refusal(route: str, person: UUID | None, targets: list[ContactTarget]) -> str | None:
    """Why ``route`` may not be used to reach ``person`` (None: no-one named) on a case with
    ``targets``, in words with the preference; None when it may. A pure rule."""
    preference = ROUTE_PREFERENCE.get(route)
    if preference is None or not targets:
        return None
    if person is not None:
        [target] = [t for t in targets if t.person_id == person]
        if getattr(target.safe_contact, preference):
            return None
        return (
            f"{target.name} {PREFERENCE_WORDS[preference]} (safe-contact preference"
            f" {preference}: no)"
        )
    if any(getattr(t.safe_contact, preference) for t in targets):
        return None
    return (
        f"No-one on this case may be reached this way: each of them"
        f" {PREFERENCE_WORDS[preference]} (safe-contact preference {preference}: no)"
    )


def preferences_of(person: NewPerson) -> SafeContact:
    """The safe-contact preferences entered for someone not yet saved."""
    return SafeContact(
        may_phone=person.may_phone,
        may_leave_voicemail=person.may_leave_voicemail,
        may_text=person.may_text,
        may_email=person.may_email,
        may_post=person.may_post,
        preferred_times=person.preferred_times,
        note=person.safe_contact_note,
    )


def first_contact_refusal(route: str, name: str, preferences: SafeContact) -> str | None:
    """``refusal`` for an enquiry's first contact with one person, before it is saved."""
    target = ContactTarget(person_id=uuid4(), name=name, safe_contact=preferences)
    return refusal(route, target.person_id, [target])


async def check_route(
    case_id: UUID,
    staff: StaffView,
    route: str | None,
    person_id: UUID | None,
    exception: str | None,
    *,
    route_field: str,
    person_field: str,
) -> bool:
    """Refuse (``Invalid`` naming ``route_field``) an outgoing ``route`` the preferences
    forbid, unless a manager gave an exception; True when that exception was used (the
    caller keeps it with the record and audits it). ``route`` None: not an outgoing
    route (an incoming contact, a meeting): always allowed."""
    everyone = await queries.contact_targets(current_tenant_id(), case_id)
    if person_id is not None and person_id not in {t.person_id for t in everyone}:
        raise Invalid({person_field: "Choose someone on this case"})
    barred = {t.person_id: t for t in everyone if t.must_not_be_told}
    if route is not None and person_id in barred:
        # No exception: telling them would break the confidence the case rests on.
        raise Invalid({person_field: f"{barred[person_id].name} must not be told about this case"})
    targets = [t for t in everyone if not t.must_not_be_told]
    why = None if route is None else refusal(route, person_id, targets)
    given = exception is not None and exception.strip() != ""
    if why is None:
        if given:
            raise Invalid({EXCEPTION_FIELD: "No exception is needed: the preferences allow this"})
        return False
    if not given:
        raise Invalid({route_field: f"{why}. Choose another way, or ask a manager"})
    if not is_manager(staff):
        raise Invalid(
            {EXCEPTION_FIELD: "Only a manager can set the safe-contact preferences aside"}
        )
    return True
