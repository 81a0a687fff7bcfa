"""Case records: enquiries, contacts, notes, assignments, closing, and reading them back.

Every function that touches an existing case goes through ``access.open_case``,
so need-to-know and the audit trail are the same for the API, the pages and
the tasks. Contacts and notes are append-only (the database refuses the app
role UPDATE and DELETE); a note is corrected by a new version.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework.access import (
    CaseAccess,
    CaseNotFound,
    NotPermitted,
    check_access,
    connection,
    is_manager,
    open_case,
    record_act,
    works_cases,
)
from confide.platform.casework.schemas import (
    AssignmentView,
    CasePersonView,
    CaseStatus,
    CaseSummary,
    CaseView,
    CloseCase,
    ContactView,
    Grounds,
    NewContact,
    NewEnquiry,
    NewNote,
    NewPerson,
    NoteCorrection,
    NoteVersionView,
    NoteView,
    PersonKind,
    PersonView,
    SafeContact,
    Side,
)
from confide.platform.casework.tables import Assignment, Case, CasePerson, Contact, Note, Person
from confide.platform.core.clock import service_today
from confide.platform.core.db import advisory_key, current_tenant_id, raw
from confide.platform.core.errors import Invalid, NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.tables import json_list
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.staff import get_staff
from confide.tenants.policy.services import get_policy
from confide.tenants.roles import StaffRole
from confide.tenants.tables import Tenant


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
    slug = (await Tenant.select(Tenant.slug).where(Tenant.id == tenant_id).first() or {}).get(
        "slug", "case"
    )
    prefix = f"{reference_prefix(str(slug))}-{year}-"
    key = advisory_key(b"confide-case-reference:", tenant_id.bytes, str(year).encode())
    await raw("SELECT pg_advisory_xact_lock({})", key)
    [row] = await raw(
        "SELECT coalesce(max(substring(reference from length({}) + 1)::int), 0) AS n FROM cases"
        " WHERE tenant_id = {} AND starts_with(reference, {})",
        prefix,
        tenant_id,
        prefix,
    )
    return f"{prefix}{int(row['n']) + 1:05d}"


def _person_row(person: NewPerson, kind: PersonKind) -> Person:
    return Person(
        id=uuid4(),
        tenant_id=current_tenant_id(),
        kind=kind,
        first_name=person.first_name.strip(),
        last_name=person.last_name.strip(),
        date_of_birth=person.date_of_birth,
        school_or_setting=person.school_or_setting,
        primary_need=person.primary_need,
        address=person.address,
        postcode=person.postcode.strip().upper() if person.postcode else None,
        phone=person.phone,
        email=person.email.strip() if person.email else None,
        may_phone=person.may_phone,
        may_leave_voicemail=person.may_leave_voicemail,
        may_text=person.may_text,
        may_email=person.may_email,
        may_post=person.may_post,
        preferred_times=person.preferred_times.strip(),
        safe_contact_note=person.safe_contact_note.strip(),
    )


async def create_enquiry(data: NewEnquiry, staff: StaffView) -> CaseView:
    """Open a case for a first contact; the caseworker who records it is assigned to it."""
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    data.validate(topics=(await get_policy()).topics)
    tenant_id = current_tenant_id()
    today = service_today()
    subject = (
        None
        if data.young_person is None
        else _person_row(data.young_person, PersonKind.CHILD_OR_YOUNG_PERSON)
    )
    parents = [_person_row(p, PersonKind.PARENT_OR_CARER) for p in data.parents]
    if subject is not None or parents:
        await Person.insert(*([subject] if subject else []), *parents)
    case_id = uuid4()
    await Case.insert(
        Case(
            id=case_id,
            tenant_id=tenant_id,
            reference=await _next_reference(today.year),
            subject_id=subject.id if subject else None,
            anonymous=data.anonymous,
            contacted_by=data.contacted_by,
            referral_route=data.referral_route,
            referrer_consent_confirmed=data.referrer_consent_confirmed,
            referrer_name=data.referrer_name.strip() if data.referrer_name else None,
            referrer_consent_on=data.referrer_consent_on,
            topics=json.dumps(list(data.topics)),
            support_level=data.support_level,
            opened_on=today,
            created_by=staff.id,
        )
    )
    if parents:
        await CasePerson.insert(
            *(
                CasePerson(
                    id=uuid4(),
                    tenant_id=tenant_id,
                    case_id=case_id,
                    person_id=p.id,
                    relationship=PersonKind.PARENT_OR_CARER,
                )
                for p in parents
            )
        )
    await Assignment.insert(
        Assignment(
            id=uuid4(),
            tenant_id=tenant_id,
            case_id=case_id,
            staff_id=staff.id,
            assigned_by=staff.id,
        )
    )
    await audit.record(
        Action.CASE_CREATED,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="case",
        subject_id=case_id,
        grounds=Grounds.ASSIGNED.value,
        detail={
            "referral_route": data.referral_route.value,
            "anonymous": data.anonymous,
            "parents": len(parents),
        },
    )
    return await _load(
        case_id, Grounds.MANAGER if staff.has(StaffRole.MANAGER) else Grounds.ASSIGNED
    )


async def get_case(case_id: UUID, staff: StaffView, *, purpose: str = "view") -> CaseView:
    """The whole case file for staff, after the need-to-know check (audited as a read)."""
    access = await open_case(case_id, staff, purpose=purpose)
    return await _load(case_id, access.grounds)


async def parent_view(case_id: UUID, staff: StaffView, *, purpose: str = "parent_view") -> CaseView:
    """The case as anything made for a parent must see it: without the young person's
    confidential side (rule 15). Still a need-to-know, audited read."""
    access = await open_case(case_id, staff, purpose=purpose)
    return await _load(case_id, access.grounds, for_parent=True)


async def list_my_cases(staff: StaffView, page: PageRequest) -> Page[CaseSummary]:
    """Open cases the person is currently assigned to, newest first."""
    tenant_id = current_tenant_id()
    where = (
        " FROM cases c JOIN case_assignments a ON a.tenant_id = c.tenant_id AND a.case_id = c.id"
        " AND a.staff_id = {} AND a.ended_at IS NULL"
        " LEFT JOIN people p ON p.tenant_id = c.tenant_id AND p.id = c.subject_id"
        " WHERE c.tenant_id = {} AND c.status = 'open'"
    )
    rows = await raw(
        "SELECT c.id, c.reference, c.status, c.anonymous, c.support_level, c.topics, c.opened_on,"
        " p.first_name, p.last_name" + where + " ORDER BY c.opened_on DESC, c.reference DESC"
        " LIMIT {} OFFSET {}",
        staff.id,
        tenant_id,
        page.limit,
        page.offset,
    )
    [count] = await raw("SELECT count(*) AS n" + where, staff.id, tenant_id)
    items = [
        CaseSummary(
            id=r["id"],
            reference=r["reference"],
            status=r["status"],
            anonymous=r["anonymous"],
            subject_name=None if r["first_name"] is None else f"{r['first_name']} {r['last_name']}",
            support_level=r["support_level"],
            topics=json_list(r["topics"]),
            opened_on=r["opened_on"],
        )
        for r in rows
    ]
    return Page(items, total=int(count["n"]), limit=page.limit, offset=page.offset)


async def _open_for_change(case_id: UUID, staff: StaffView) -> CaseAccess:
    """Need-to-know for adding to an open case; the caller audits its act once done."""
    return await check_access(case_id, staff, purpose="record", require_open=True)


async def add_contact(case_id: UUID, staff: StaffView, data: NewContact) -> ContactView:
    data.validate()
    access = await _open_for_change(case_id, staff)
    if data.with_person_id is not None and not await _on_case(case_id, data.with_person_id):
        raise Invalid({"with_person_id": "Choose someone on this case"})
    row = Contact(
        id=uuid4(),
        tenant_id=current_tenant_id(),
        case_id=case_id,
        kind=data.kind,
        direction=data.direction,
        occurred_at=data.occurred_at,
        duration_minutes=data.duration_minutes,
        with_person_id=data.with_person_id,
        summary=data.summary.strip(),
        side=data.side,
        recorded_by=staff.id,
    )
    await Contact.insert(row)
    await record_act(access, staff, Action.CONTACT_ADDED, contact_id=row.id)
    [saved] = await Contact.select().where(Contact.id == row.id)
    return _contact(saved)


async def _on_case(case_id: UUID, person_id: UUID) -> bool:
    [row] = await raw(
        "SELECT EXISTS (SELECT 1 FROM cases WHERE tenant_id = {} AND id = {} AND subject_id = {})"
        " OR EXISTS (SELECT 1 FROM case_people WHERE tenant_id = {} AND case_id = {}"
        " AND person_id = {}) AS yes",
        current_tenant_id(),
        case_id,
        person_id,
        current_tenant_id(),
        case_id,
        person_id,
    )
    return bool(row["yes"])


async def add_note(case_id: UUID, staff: StaffView, data: NewNote) -> NoteView:
    data.validate()
    access = await _open_for_change(case_id, staff)
    note_id = uuid4()
    await Note.insert(
        Note(
            id=uuid4(),
            tenant_id=current_tenant_id(),
            case_id=case_id,
            note_id=note_id,
            version=1,
            body=data.body.strip(),
            side=data.side,
            recorded_by=staff.id,
        )
    )
    await record_act(access, staff, Action.NOTE_ADDED, note_id=note_id)
    return await _note(case_id, note_id)


async def correct_note(
    case_id: UUID, note_id: UUID, staff: StaffView, data: NoteCorrection
) -> NoteView:
    """A new version with its reason; the old one stays, flagged as corrected."""
    data.validate()
    access = await _open_for_change(case_id, staff)
    latest = (
        await Note.select(Note.version, Note.side)
        .where(Note.case_id == case_id, Note.note_id == note_id)
        .order_by(Note.version, ascending=False)
        .first()
    )
    if latest is None:
        raise RecordNotFound()
    await Note.insert(
        Note(
            id=uuid4(),
            tenant_id=current_tenant_id(),
            case_id=case_id,
            note_id=note_id,
            version=latest["version"] + 1,
            body=data.body.strip(),
            side=latest["side"],
            correction_reason=data.reason.strip(),
            recorded_by=staff.id,
        )
    )
    await record_act(
        access, staff, Action.NOTE_CORRECTED, note_id=note_id, version=latest["version"] + 1
    )
    return await _note(case_id, note_id)


async def change_assignment(
    case_id: UUID, staff: StaffView, staff_id: UUID, *, assigned: bool = True
) -> list[AssignmentView]:
    """Assign a caseworker or end their assignment (managers only); history is kept."""
    if not is_manager(staff):
        raise NotPermitted("managers only")
    access = await check_access(case_id, staff)
    current = await Assignment.exists().where(
        Assignment.case_id == case_id,
        Assignment.staff_id == staff_id,
        Assignment.ended_at.is_null(),
    )
    if assigned:
        if current:
            raise Invalid({"staff_id": "They are already assigned to this case"})
        person = await get_staff(staff_id)
        if person is None or not works_cases(person):
            raise Invalid({"staff_id": "Choose an active caseworker of this service"})
        await Assignment.insert(
            Assignment(
                id=uuid4(),
                tenant_id=current_tenant_id(),
                case_id=case_id,
                staff_id=staff_id,
                assigned_by=staff.id,
            )
        )
    else:
        if not current:
            raise Invalid({"staff_id": "They are not assigned to this case"})
        await raw(
            "UPDATE case_assignments SET ended_at = now() WHERE tenant_id = {} AND case_id = {}"
            " AND staff_id = {} AND ended_at IS NULL",
            current_tenant_id(),
            case_id,
            staff_id,
        )
    action = Action.CASE_ASSIGNED if assigned else Action.CASE_UNASSIGNED
    await record_act(access, staff, action, staff_id=staff_id)
    return await _assignments(case_id)


async def close_case(case_id: UUID, staff: StaffView, data: CloseCase) -> CaseView:
    """Close with an outcome: an assigned caseworker or a manager, not break-glass."""
    data.validate()
    access = await check_access(case_id, staff, allow_break_glass=False)
    if access.status != CaseStatus.OPEN:
        raise Invalid({"case": "This case is already closed"})
    await Case.update(
        {
            Case.status: CaseStatus.CLOSED,
            Case.outcome: data.outcome.strip(),
            Case.closed_on: service_today(),
        }
    ).where(Case.id == case_id, Case.tenant_id == current_tenant_id())
    await record_act(access, staff, Action.CASE_CLOSED)
    return await _load(case_id, access.grounds)


# Reading a case back: only ever after open_case, so these stay private.


def _person(row: dict[str, Any]) -> PersonView:
    return PersonView(
        id=row["id"],
        kind=PersonKind(row["kind"]),
        first_name=row["first_name"],
        last_name=row["last_name"],
        date_of_birth=row["date_of_birth"],
        school_or_setting=row["school_or_setting"],
        primary_need=row["primary_need"],
        address=row["address"],
        postcode=row["postcode"],
        phone=row["phone"],
        email=row["email"],
        safe_contact=SafeContact(
            may_phone=row["may_phone"],
            may_leave_voicemail=row["may_leave_voicemail"],
            may_text=row["may_text"],
            may_email=row["may_email"],
            may_post=row["may_post"],
            preferred_times=row["preferred_times"],
            note=row["safe_contact_note"],
        ),
    )


def _contact(row: dict[str, Any], names: Mapping[UUID, str] | None = None) -> ContactView:
    return ContactView(
        id=row["id"],
        kind=row["kind"],
        direction=row["direction"],
        occurred_at=row["occurred_at"],
        duration_minutes=row["duration_minutes"],
        with_person_id=row["with_person_id"],
        summary=row["summary"],
        side=Side(row["side"]),
        recorded_by=row["recorded_by"],
        recorded_at=row["recorded_at"],
        recorded_by_name=(names or {}).get(row["recorded_by"], ""),
    )


def _notes(rows: list[dict[str, Any]], names: Mapping[UUID, str] | None = None) -> list[NoteView]:
    versions: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        versions[row["note_id"]].append(row)
    notes = []
    for note_id, group in versions.items():
        group.sort(key=lambda r: r["version"], reverse=True)
        views = [
            NoteVersionView(
                id=r["id"],
                version=r["version"],
                body=r["body"],
                correction_reason=r["correction_reason"],
                recorded_by=r["recorded_by"],
                recorded_at=r["recorded_at"],
                corrected=i > 0,
                recorded_by_name=(names or {}).get(r["recorded_by"], ""),
            )
            for i, r in enumerate(group)
        ]
        notes.append(NoteView(note_id, Side(group[0]["side"]), views[0], views[1:]))
    notes.sort(key=lambda n: n.history[-1].recorded_at if n.history else n.current.recorded_at)
    return notes


async def _note(case_id: UUID, note_id: UUID) -> NoteView:
    rows = await Note.select().where(Note.case_id == case_id, Note.note_id == note_id)
    [note] = _notes(rows)
    return note


async def _assignments(case_id: UUID) -> list[AssignmentView]:
    rows = await raw(
        "SELECT a.id, a.staff_id, s.display_name, a.assigned_by, a.assigned_at, a.ended_at"
        " FROM case_assignments a JOIN staff_users s ON s.tenant_id = a.tenant_id"
        " AND s.id = a.staff_id WHERE a.tenant_id = {} AND a.case_id = {} ORDER BY a.assigned_at",
        current_tenant_id(),
        case_id,
    )
    return [
        AssignmentView(
            id=r["id"],
            staff_id=r["staff_id"],
            staff_name=r["display_name"],
            assigned_by=r["assigned_by"],
            assigned_at=r["assigned_at"],
            ended_at=r["ended_at"],
        )
        for r in rows
    ]


_PERSON_COLUMNS = (
    "id",
    "kind",
    "first_name",
    "last_name",
    "date_of_birth",
    "school_or_setting",
    "primary_need",
    "address",
    "postcode",
    "phone",
    "email",
    "may_phone",
    "may_leave_voicemail",
    "may_text",
    "may_email",
    "may_post",
    "preferred_times",
    "safe_contact_note",
)
_CONTACT_COLUMNS = (
    "id",
    "kind",
    "direction",
    "occurred_at",
    "duration_minutes",
    "with_person_id",
    "summary",
    "side",
    "recorded_by",
    "recorded_at",
)
_NOTE_COLUMNS = (
    "id",
    "note_id",
    "version",
    "body",
    "side",
    "correction_reason",
    "recorded_by",
    "recorded_at",
)


def _cols(alias: str, columns: tuple[str, ...]) -> str:
    return ", ".join(f"{alias}.{c}" for c in columns)


# The whole case file in one round trip: the case, with its subject, the people linked
# to it, contacts and note versions (with who recorded each) and assignments as arrays
# of rows. $1 tenant, $2 case, $3 true for a parent's view (shared side only). Each
# subquery names the tenant so the planner uses the (tenant_id, case_id, ...) indexes;
# row-level security applies as to any query.
_CASE_FILE = f"""
SELECT c.id, c.reference, c.status, c.anonymous, c.contacted_by, c.referral_route,
       c.referrer_consent_confirmed, c.referrer_name, c.referrer_consent_on, c.topics,
       c.support_level, c.opened_on, c.closed_on, c.outcome,
       (SELECT ROW({_cols("p", _PERSON_COLUMNS)}) FROM people p
         WHERE p.tenant_id = c.tenant_id AND p.id = c.subject_id) AS subject,
       ARRAY(SELECT ROW(cp.relationship, {_cols("p", _PERSON_COLUMNS)})
               FROM case_people cp JOIN people p ON p.tenant_id = cp.tenant_id
                AND p.id = cp.person_id
              WHERE cp.tenant_id = c.tenant_id AND cp.case_id = c.id) AS people,
       ARRAY(SELECT ROW({_cols("x", _CONTACT_COLUMNS)},
                        coalesce(s.display_name, ''))
               FROM case_contacts x LEFT JOIN staff_users s ON s.tenant_id = x.tenant_id
                AND s.id = x.recorded_by
              WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
                AND (NOT $3 OR x.side = 'shared')
              ORDER BY x.occurred_at) AS contacts,
       ARRAY(SELECT ROW({_cols("n", _NOTE_COLUMNS)},
                        coalesce(s.display_name, ''))
               FROM case_notes n LEFT JOIN staff_users s ON s.tenant_id = n.tenant_id
                AND s.id = n.recorded_by
              WHERE n.tenant_id = c.tenant_id AND n.case_id = c.id
                AND (NOT $3 OR n.side = 'shared')
              ORDER BY n.recorded_at) AS notes,
       ARRAY(SELECT ROW(a.id, a.staff_id, s.display_name, a.assigned_by, a.assigned_at,
                        a.ended_at)
               FROM case_assignments a JOIN staff_users s ON s.tenant_id = a.tenant_id
                AND s.id = a.staff_id
              WHERE a.tenant_id = c.tenant_id AND a.case_id = c.id
              ORDER BY a.assigned_at) AS assignments
  FROM cases c
 WHERE c.tenant_id = $1 AND c.id = $2
"""  # noqa: S608 - put together from the constant column names above only


async def _load(case_id: UUID, grounds: Grounds, *, for_parent: bool = False) -> CaseView:
    """The case file, read in one round trip (``_CASE_FILE``)."""
    case = await connection().fetchrow(_CASE_FILE, current_tenant_id(), case_id, for_parent)
    if case is None:
        raise CaseNotFound()
    subject = case["subject"]
    people = [
        CasePersonView(PersonKind(r[0]), _person(dict(zip(_PERSON_COLUMNS, r[1:], strict=True))))
        for r in case["people"]
    ]
    contact_names = {}
    contacts = []
    for r in case["contacts"]:
        row = dict(zip(_CONTACT_COLUMNS, r, strict=False))
        contact_names[row["recorded_by"]] = r[-1]
        contacts.append(row)
    notes = []
    note_names = {}
    for r in case["notes"]:
        row = dict(zip(_NOTE_COLUMNS, r, strict=False))
        note_names[row["recorded_by"]] = r[-1]
        notes.append(row)
    return CaseView(
        id=case["id"],
        reference=case["reference"],
        status=case["status"],
        anonymous=case["anonymous"],
        contacted_by=case["contacted_by"],
        referral_route=case["referral_route"],
        referrer_consent_confirmed=case["referrer_consent_confirmed"],
        referrer_name=case["referrer_name"],
        referrer_consent_on=case["referrer_consent_on"],
        topics=json_list(case["topics"]),
        support_level=case["support_level"],
        opened_on=case["opened_on"],
        closed_on=case["closed_on"],
        outcome=case["outcome"],
        subject=None
        if subject is None
        else _person(dict(zip(_PERSON_COLUMNS, subject, strict=True))),
        people=people,
        assignments=[
            AssignmentView(
                id=r[0],
                staff_id=r[1],
                staff_name=r[2],
                assigned_by=r[3],
                assigned_at=r[4],
                ended_at=r[5],
            )
            for r in case["assignments"]
        ],
        contacts=[_contact(r, contact_names) for r in contacts],
        notes=_notes(notes, note_names),
        grounds=grounds,
        parent_view=for_parent,
    )
