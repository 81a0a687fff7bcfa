"""Safe contact, enforced (rule 8): no-one outside the service may learn that a family
contacted it.

Recording an outgoing contact (a call, a voicemail left, a text, an email, a letter, a
video call) to someone whose safe-contact preferences forbid that route is refused, naming
the field and the preference; so is recording that a service user was told of a share by
such a route (``consent.tasks.record_told``). Where no-one is named, a route nobody on the
case allows is refused. A manager may record an exception with a reason (kept with the
record and audited); anyone else giving one is refused. Incoming contacts and meetings
are always recordable.

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


def first_contact_refusal(route: str, person: NewPerson) -> str | None:
    """``refusal`` for an enquiry's first contact with ``person``, before they are saved."""
    target = ContactTarget(
        person_id=uuid4(),
        name=f"{person.first_name.strip()} {person.last_name.strip()}",
        safe_contact=SafeContact(
            may_phone=person.may_phone,
            may_leave_voicemail=person.may_leave_voicemail,
            may_text=person.may_text,
            may_email=person.may_email,
            may_post=person.may_post,
            preferred_times=person.preferred_times,
            note=person.safe_contact_note,
        ),
    )
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
    targets = await queries.contact_targets(current_tenant_id(), case_id)
    if person_id is not None and person_id not in {t.person_id for t in targets}:
        raise Invalid({person_field: "Choose someone on this case"})
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
