"""Case records: enquiries, contacts, notes, assignments, closing, and reading them back.

Every function that touches an existing case goes through ``access.open_case``,
so need-to-know and the audit trail are the same for the API, the pages and
the tasks. Contacts and notes are append-only (the database refuses the app
role UPDATE and DELETE); a note is corrected by a new version.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework import queries, safe_contact
from confide.platform.casework.access import (
    CaseAccess,
    CaseNotFound,
    NotPermitted,
    check_access,
    is_manager,
    read_case,
    record_act,
    works_cases,
)
from confide.platform.casework.schemas import (
    AssignmentView,
    CaseStatus,
    CaseSummary,
    CaseView,
    CloseCase,
    ContactView,
    Direction,
    Grounds,
    NewContact,
    NewEnquiry,
    NewNote,
    NoteCorrection,
    NoteView,
    PersonKind,
    PersonView,
    ReturningFamily,
)
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid, NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.staff import get_staff
from confide.platform.notifications import services as notifications
from confide.platform.notifications.schemas import NotificationKind
from confide.tenants.policy.services import get_policy
from confide.tenants.roles import StaffRole


class RecordNotFound(NotFound):
    """A note (or other record) that is not on this case."""


def reference_prefix(slug: str) -> str:
    """``north-moor`` -> ``NM``, ``northmoor`` -> ``NOR``: short, readable, stable."""
    parts = [p for p in slug.split("-") if p]
    if len(parts) > 1:
        return "".join(p[0] for p in parts)[:4].upper()
    return slug[:3].upper()


async def _next_reference(year: int) -> str:
    """``<PREFIX>-<YEAR>-<00001>``, unique per tenant even under concurrent enquiries.

    A transaction-level advisory lock per tenant and year queues writers, then the
    highest number so far is read after the lock (READ COMMITTED sees the latest);
    the unique (tenant_id, reference) key backs it up.
    """
    tenant_id = current_tenant_id()
    slug = await queries.tenant_slug(tenant_id) or "case"
    prefix = f"{reference_prefix(slug)}-{year}-"
    await queries.lock_references(tenant_id, year)
    return f"{prefix}{await queries.highest_reference(tenant_id, prefix) + 1:05d}"


async def start_case(
    opening: NewEnquiry | ReturningFamily,
    subject_id: UUID | None,
    staff: StaffView,
    *,
    anonymous: bool,
    parents: int,
    follows: UUID | None = None,
) -> UUID:
    """Open a case: the next reference, the row, the member of staff who opens it assigned,
    and ``case_created`` audited. One step for a first contact and for a family coming back
    (``follows``: the closed case they come back from); the caller links the people."""
    tenant_id = current_tenant_id()
    case_id = uuid4()
    today = service_today()
    reference = await _next_reference(today.year)
    await queries.insert_case(
        tenant_id, case_id, reference, subject_id, opening,
        anonymous=anonymous, follows=follows, opened_on=today, created_by=staff.id,
    )  # fmt: skip
    await queries.insert_assignment(tenant_id, case_id, staff.id, assigned_by=staff.id)
    detail: dict[str, str | int | bool | UUID | None] = {
        "referral_route": opening.referral_route.value,
        "anonymous": anonymous,
        "parents": parents,
    }
    if follows is not None:
        detail["follows"] = follows
    await audit.record(
        Action.CASE_CREATED,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="case",
        subject_id=case_id,
        grounds=Grounds.ASSIGNED.value,
        detail=detail,
    )
    return case_id


async def create_enquiry(data: NewEnquiry, staff: StaffView) -> CaseView:
    """Open a case for a first contact; the caseworker who records it is assigned to it."""
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    data.validate(topics=(await get_policy()).topics)
    await linked_people(data, staff)
    subject_id, parent_ids = await queries.insert_people(
        current_tenant_id(), data.young_person, data.parents
    )
    if data.young_person_id is not None:
        subject_id = data.young_person_id
    parent_ids = [*parent_ids, *data.parent_ids]
    case_id = await start_case(
        data, subject_id, staff, anonymous=data.anonymous, parents=len(parent_ids)
    )
    if parent_ids:
        await queries.link_parents(current_tenant_id(), case_id, parent_ids)
    if data.young_person_id is not None or data.parent_ids:
        await audit.record(
            Action.PERSON_LINKED,
            actor_kind="staff",
            actor_id=staff.id,
            subject_kind="case",
            subject_id=case_id,
            grounds=Grounds.ASSIGNED.value,
            detail={
                "young_person": data.young_person_id is not None,
                "parents": len(data.parent_ids),
            },
        )
    return await _load(
        case_id, Grounds.MANAGER if staff.has(StaffRole.MANAGER) else Grounds.ASSIGNED
    )


async def known_people(
    person_ids: list[UUID], staff: StaffView, *, changing: bool = False
) -> dict[UUID, PersonView]:
    """Of ``person_ids``, the people the member of staff may know about (rule 1): on a case
    they are assigned to or hold a break-glass grant for; anyone for a manager; never a
    merged record. Absent from the answer: as if it did not exist. ``changing``: for a
    change through them, where break-glass (a time-boxed right to read) does not count."""
    if not works_cases(staff) or not person_ids:
        return {}
    return await queries.known_people(
        current_tenant_id(), staff.id, staff.has(StaffRole.MANAGER), person_ids,
        changing=changing,
    )  # fmt: skip


async def linked_people(data: NewEnquiry, staff: StaffView) -> dict[UUID, PersonView]:
    """The people an enquiry links instead of recording again, by id: each must be someone
    the member of staff may know about (on a case they have grounds for; anyone for a
    manager), else the same refusal as for an id that does not exist (rule 1)."""
    wanted = [*([data.young_person_id] if data.young_person_id else []), *data.parent_ids]
    if not wanted:
        return {}
    known = await known_people(wanted, staff)
    errors: dict[str, str] = {}
    if data.young_person_id is not None:
        person = known.get(data.young_person_id)
        if person is None:
            errors["young_person_id"] = "Choose the young person from the possible matches"
        elif person.kind is not PersonKind.CHILD_OR_YOUNG_PERSON:
            errors["young_person_id"] = "Choose a child or young person"
    if any(p not in known for p in data.parent_ids):
        errors["parent_ids"] = "Choose the parent or carer from the possible matches"
    if errors:
        raise Invalid(errors)
    return known


async def get_case(case_id: UUID, staff: StaffView, *, purpose: str = "view") -> CaseView:
    """The whole case file for staff, after the need-to-know check (audited as a read)."""
    return await read_case(case_id, staff, purpose=purpose)


async def parent_view(case_id: UUID, staff: StaffView, *, purpose: str = "parent_view") -> CaseView:
    """The case as anything made for a parent must see it: without the young person's
    confidential side (rule 15). Still a need-to-know, audited read."""
    return await read_case(case_id, staff, purpose=purpose, for_parent=True)


async def list_my_cases(staff: StaffView, page: PageRequest) -> Page[CaseSummary]:
    """Open cases the person is currently assigned to, newest first."""
    return await queries.my_open_cases(current_tenant_id(), staff.id, page)


async def _open_for_change(case_id: UUID, staff: StaffView) -> CaseAccess:
    """Need-to-know for adding to an open case; the caller audits its act once done."""
    return await check_access(case_id, staff, purpose="record", require_open=True)


async def add_contact(case_id: UUID, staff: StaffView, data: NewContact) -> ContactView:
    """An outgoing contact is held to the safe-contact preferences (rule 8): refused by a
    route they forbid unless a manager records an exception with a reason (audited)."""
    data.validate()
    access = await _open_for_change(case_id, staff)
    excepted = await safe_contact.check_route(
        case_id,
        staff,
        data.kind.value if data.direction is Direction.OUTGOING else None,
        data.with_person_id,
        data.safe_contact_exception,
        route_field="kind",
        person_field="with_person_id",
    )
    contact_id = await queries.insert_contact(current_tenant_id(), case_id, data, staff.id)
    await record_act(access, staff, Action.CONTACT_ADDED, contact_id=contact_id)
    if excepted:
        await record_act(
            access, staff, Action.SAFE_CONTACT_EXCEPTION, reason_code=data.kind.value,
            contact_id=contact_id,
        )  # fmt: skip
    return await queries.contact(current_tenant_id(), contact_id)


async def add_note(case_id: UUID, staff: StaffView, data: NewNote) -> NoteView:
    data.validate()
    access = await _open_for_change(case_id, staff)
    note_id = uuid4()
    await queries.insert_note_version(
        current_tenant_id(), case_id, note_id, 1, data.body.strip(), data.side, staff.id
    )
    await record_act(access, staff, Action.NOTE_ADDED, note_id=note_id)
    return await queries.note(case_id, note_id)


async def correct_note(
    case_id: UUID, note_id: UUID, staff: StaffView, data: NoteCorrection
) -> NoteView:
    """A new version with its reason; the old one stays, flagged as corrected."""
    data.validate()
    access = await _open_for_change(case_id, staff)
    latest = await queries.latest_note_version(case_id, note_id)
    if latest is None:
        raise RecordNotFound()
    version, side = latest
    await queries.insert_note_version(
        current_tenant_id(),
        case_id,
        note_id,
        version + 1,
        data.body.strip(),
        side,
        staff.id,
        correction_reason=data.reason.strip(),
    )
    await record_act(access, staff, Action.NOTE_CORRECTED, note_id=note_id, version=version + 1)
    return await queries.note(case_id, note_id)


async def change_assignment(
    case_id: UUID, staff: StaffView, staff_id: UUID, *, assigned: bool = True
) -> list[AssignmentView]:
    """Assign a caseworker or end their assignment (managers only); history is kept."""
    if not is_manager(staff):
        raise NotPermitted("managers only")
    access = await check_access(case_id, staff)
    current = await queries.is_assigned(case_id, staff_id)
    if assigned:
        if current:
            raise Invalid({"staff_id": "They are already assigned to this case"})
        person = await get_staff(staff_id)
        if person is None or not works_cases(person):
            raise Invalid({"staff_id": "Choose an active caseworker of this service"})
        assignment_id = await queries.insert_assignment(
            current_tenant_id(), case_id, staff_id, staff.id
        )
        await notifications.notify_staff(
            staff_id,
            NotificationKind.CASE_ASSIGNED,
            subject_key=str(assignment_id),
            case_id=case_id,
            case_reference=access.reference,
            subject_id=assignment_id,
            actor_id=staff.id,
        )
    else:
        if not current:
            raise Invalid({"staff_id": "They are not assigned to this case"})
        await queries.end_assignment(current_tenant_id(), case_id, staff_id)
    action = Action.CASE_ASSIGNED if assigned else Action.CASE_UNASSIGNED
    await record_act(access, staff, action, staff_id=staff_id)
    return await queries.assignments(current_tenant_id(), case_id)


def may_close(case: CaseView) -> bool:
    """Whether the reader of ``case`` may close it (what ``close_case`` holds them to): an
    open case, read on grounds other than break-glass, which opens a case to read only."""
    return case.status == CaseStatus.OPEN and case.grounds is not Grounds.BREAK_GLASS


async def close_case(case_id: UUID, staff: StaffView, data: CloseCase) -> CaseView:
    """Close with an outcome: an assigned caseworker or a manager, not break-glass."""
    data.validate()
    access = await check_access(case_id, staff, allow_break_glass=False)
    if access.status != CaseStatus.OPEN:
        raise Invalid({"case": "This case is already closed"})
    await queries.close_case(current_tenant_id(), case_id, data.outcome.strip(), service_today())
    await record_act(access, staff, Action.CASE_CLOSED)
    return await _load(case_id, access.grounds)


async def _load(case_id: UUID, grounds: Grounds, *, for_parent: bool = False) -> CaseView:
    """The case file (one round trip); only ever after the need-to-know check."""
    case = await queries.case_file(current_tenant_id(), case_id, grounds, for_parent=for_parent)
    if case is None:
        raise CaseNotFound()
    return case
