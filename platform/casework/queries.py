"""Case work's SQL: every statement the case work services run, as named functions.

The services (``access``, ``records``, ``search``) hold the rules, the transaction
boundaries and the audit entries; these functions only read and write rows and return
views. Each query names the tenant as well as relying on row-level security, so the
planner can use the ``(tenant_id, ...)`` indexes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from confide.platform.casework.matching import (
    EXACT,
    MAX_KEYS,
    START,
    MatchReason,
    Probes,
    person_keys,
    reference_forms,
)
from confide.platform.casework.schemas import (
    CASE_FIELDS,
    PERSON_FIELDS,
    AccessEntry,
    AssignmentView,
    BreakGlassView,
    CaseLink,
    CasePersonView,
    CaseRef,
    CaseStatus,
    CaseSummary,
    CaseView,
    ChangeView,
    ContactTarget,
    ContactVersionView,
    ContactView,
    FieldChange,
    Grounds,
    NewContact,
    NewEnquiry,
    NewPerson,
    NoteVersionView,
    NoteView,
    PersonKind,
    PersonView,
    RecordKind,
    ReturningFamily,
    SafeContact,
    SearchHit,
    SearchKind,
    Side,
)
from confide.platform.casework.tables import (
    Assignment,
    Case,
    CasePerson,
    Contact,
    Note,
    Person,
)
from confide.platform.core.db import advisory_key
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import connection, paged, raw
from confide.platform.core.tables import json_list
from confide.platform.identity.schemas import StaffView
from confide.tenants.roles import StaffRole
from confide.tenants.tables import Tenant

# Opening a case: the case and the person's grounds for it. $1 tenant, $2 case, $3 staff.
_FIND = (
    "SELECT c.id, c.reference, c.status,"
    " EXISTS (SELECT 1 FROM case_assignments a WHERE a.tenant_id = c.tenant_id"
    " AND a.case_id = c.id AND a.staff_id = $3 AND a.ended_at IS NULL) AS assigned,"
    " EXISTS (SELECT 1 FROM break_glass_grants g WHERE g.tenant_id = c.tenant_id"
    " AND g.case_id = c.id AND g.staff_id = $3 AND g.expires_at > now()) AS glass"
    " FROM cases c WHERE c.tenant_id = $1 AND c.id = $2"
)


@dataclass(frozen=True, slots=True)
class CaseFound:
    """A case as the need-to-know check sees it: its status and the person's links."""

    id: UUID
    reference: str
    status: str
    assigned: bool  # a current assignment
    glass: bool  # an unexpired break-glass grant


async def find_case(tenant_id: UUID, case_id: UUID, staff_id: UUID) -> CaseFound | None:
    """The case and the member of staff's links to it, in one round trip (None: no case)."""
    row = await connection().fetchrow(_FIND, tenant_id, case_id, staff_id)
    if row is None:
        return None
    return CaseFound(row["id"], row["reference"], row["status"], row["assigned"], row["glass"])


async def case_id_by_reference(tenant_id: UUID, reference: str) -> UUID | None:
    row = (
        await Case.select(Case.id)
        .where(Case.reference == reference, Case.tenant_id == tenant_id)
        .first()
    )
    return None if row is None else UUID(str(row["id"]))


async def insert_break_glass(
    grant_id: UUID, tenant_id: UUID, case_id: UUID, staff_id: UUID, reason: str, hours: int
) -> tuple[datetime, datetime]:
    """A grant from now for ``hours`` (the database's clock); its start and end."""
    [grant] = await raw(
        "INSERT INTO break_glass_grants (id, tenant_id, case_id, staff_id, reason, granted_at,"
        " expires_at) VALUES ({}, {}, {}, {}, {}, now(), now() + make_interval(hours => {}))"
        " RETURNING granted_at, expires_at",
        grant_id,
        tenant_id,
        case_id,
        staff_id,
        reason,
        hours,
    )
    return grant["granted_at"], grant["expires_at"]


async def break_glass_grants(
    tenant_id: UUID, page: PageRequest, *, unreviewed: bool = False, grant_id: UUID | None = None
) -> Page[BreakGlassView]:
    """Break-glass grants, newest first (only those no manager has reviewed, or one), with
    their reviews, and how many there are: one round trip."""
    result = await paged(
        "SELECT g.id, g.case_id, c.reference, g.staff_id, s.display_name, g.reason,"
        " g.granted_at, g.expires_at, r.reviewed_at, m.display_name AS reviewer, r.note"
        " FROM break_glass_grants g"
        " JOIN cases c ON c.tenant_id = g.tenant_id AND c.id = g.case_id"
        " JOIN staff_users s ON s.tenant_id = g.tenant_id AND s.id = g.staff_id"
        " LEFT JOIN break_glass_reviews r ON r.tenant_id = g.tenant_id AND r.grant_id = g.id"
        " LEFT JOIN staff_users m ON m.tenant_id = r.tenant_id AND m.id = r.reviewed_by"
        " WHERE g.tenant_id = {} AND ({}::uuid IS NULL OR g.id = {})"
        " AND (NOT {}::boolean OR r.id IS NULL) ORDER BY g.granted_at DESC, g.id",
        tenant_id,
        grant_id,
        grant_id,
        unreviewed,
        page=page,
    )
    items = [
        BreakGlassView(
            id=r["id"],
            case_id=r["case_id"],
            case_reference=r["reference"],
            staff_id=r["staff_id"],
            staff_name=r["display_name"],
            reason=r["reason"],
            granted_at=r["granted_at"],
            expires_at=r["expires_at"],
            reviewed_at=r["reviewed_at"],
            reviewed_by_name=r["reviewer"],
            review_note=r["note"],
        )
        for r in result.items
    ]
    return Page(items, total=result.total, limit=page.limit, offset=page.offset)


async def insert_break_glass_review(
    tenant_id: UUID, grant_id: UUID, reviewed_by: UUID, note: str
) -> bool:
    """A manager's review of a grant, unless it has one: whether this one was recorded."""
    rows = await raw(
        "INSERT INTO break_glass_reviews (id, tenant_id, grant_id, reviewed_by, note)"
        " VALUES (gen_random_uuid(), {}, {}, {}, {})"
        " ON CONFLICT (tenant_id, grant_id) DO NOTHING RETURNING id",
        tenant_id,
        grant_id,
        reviewed_by,
        note,
    )
    return bool(rows)


async def access_entries(tenant_id: UUID, case_id: UUID, page: PageRequest) -> Page[AccessEntry]:
    """A case's audit entries, newest first, with who made each."""
    rows = await raw(
        "SELECT a.seq, a.occurred_at, a.action, a.actor_id, s.display_name, a.grounds,"
        " a.reason_code FROM audit_entries a"
        " LEFT JOIN staff_users s ON s.tenant_id = a.tenant_id AND s.id = a.actor_id"
        " WHERE a.tenant_id = {} AND a.subject_kind = 'case' AND a.subject_id = {}"
        " ORDER BY a.seq DESC LIMIT {} OFFSET {}",
        tenant_id,
        case_id,
        page.limit,
        page.offset,
    )
    [count] = await raw(
        "SELECT count(*) AS n FROM audit_entries WHERE tenant_id = {} AND subject_kind = 'case'"
        " AND subject_id = {}",
        tenant_id,
        case_id,
    )
    items = [
        AccessEntry(
            seq=r["seq"],
            occurred_at=r["occurred_at"],
            action=r["action"],
            actor_id=r["actor_id"],
            actor_name=r["display_name"],
            grounds=r["grounds"],
            reason_code=r["reason_code"],
        )
        for r in rows
    ]
    return Page(items, total=int(count["n"]), limit=page.limit, offset=page.offset)


# Records: enquiries, contacts, notes, assignments, closing.


async def tenant_slug(tenant_id: UUID) -> str | None:
    row = await Tenant.select(Tenant.slug).where(Tenant.id == tenant_id).first()
    return None if row is None else str(row["slug"])


async def lock_references(tenant_id: UUID, year: int) -> None:
    """Queue writers of this tenant's case references for ``year`` until commit."""
    key = advisory_key(b"confide-case-reference:", tenant_id.bytes, str(year).encode())
    await raw("SELECT pg_advisory_xact_lock({})", key)


async def highest_reference(tenant_id: UUID, prefix: str) -> int:
    """The highest number after ``prefix`` among the tenant's case references (0: none).
    The prefix's references are one range of ``cases_reference_c`` (the C collation), so
    only the prefix's own are read, not every case of the tenant."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # the first string past the prefix's
    [row] = await raw(
        "SELECT coalesce(max(substring(reference from length({}) + 1)::int), 0) AS n FROM cases"
        ' WHERE tenant_id = {} AND reference COLLATE "C" >= {}'
        ' AND reference COLLATE "C" < {} AND starts_with(reference, {})',
        prefix,
        tenant_id,
        prefix,
        after,
        prefix,
    )
    return int(row["n"])


def _person_row(tenant_id: UUID, person: NewPerson, kind: PersonKind) -> Person:
    return Person(
        id=uuid4(),
        tenant_id=tenant_id,
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


async def insert_people(
    tenant_id: UUID, subject: NewPerson | None, parents: Sequence[NewPerson]
) -> tuple[UUID | None, list[UUID]]:
    """The young person and the parents of an enquiry in one statement (none: no statement);
    their new ids."""
    young = (
        None
        if subject is None
        else _person_row(tenant_id, subject, PersonKind.CHILD_OR_YOUNG_PERSON)
    )
    adults = [_person_row(tenant_id, p, PersonKind.PARENT_OR_CARER) for p in parents]
    if young is not None or adults:
        new = [*([young] if young else []), *adults]
        await Person.insert(*new)
        await write_search_keys(
            tenant_id,
            [
                (
                    p.id,
                    person_keys(
                        p.first_name, p.last_name, p.date_of_birth, p.phone, p.email, p.postcode
                    ),
                )
                for p in new
            ],
        )
    return (None if young is None else young.id), [p.id for p in adults]


async def write_search_keys(tenant_id: UUID, people: Sequence[tuple[UUID, Sequence[str]]]) -> None:
    """Each person's search keys in slots 0.., and their other slots emptied: one round
    trip for any number of people (slots are reused, never deleted)."""
    ids: list[UUID] = []
    slots: list[int] = []
    keys: list[str] = []
    for person_id, person_keys_ in people:
        for slot, key in enumerate(person_keys_[:MAX_KEYS]):
            ids.append(person_id)
            slots.append(slot)
            keys.append(key)
    await connection().execute(
        "WITH written AS (INSERT INTO person_search_keys (id, tenant_id, person_id, slot, key)"
        " SELECT gen_random_uuid(), $1, k.person_id, k.slot, k.key"
        " FROM unnest($2::uuid[], $3::int[], $4::text[]) AS k(person_id, slot, key)"
        " ON CONFLICT (tenant_id, person_id, slot) DO UPDATE SET key = EXCLUDED.key"
        " RETURNING person_id, slot)"
        " UPDATE person_search_keys s SET key = NULL WHERE s.tenant_id = $1"
        " AND s.person_id = ANY($5::uuid[]) AND s.key IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM written w WHERE w.person_id = s.person_id"
        " AND w.slot = s.slot)",
        tenant_id,
        ids,
        slots,
        keys,
        [person_id for person_id, _ in people],
    )


async def person_for_search_keys(tenant_id: UUID, person_id: UUID) -> Mapping[str, Any] | None:
    """What a person's search keys are made from."""
    row = await connection().fetchrow(
        "SELECT first_name, last_name, date_of_birth, phone, email, postcode FROM people"
        " WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        person_id,
    )
    return None if row is None else dict(row)


async def insert_case(
    tenant_id: UUID,
    case_id: UUID,
    reference: str,
    subject_id: UUID | None,
    data: NewEnquiry | ReturningFamily,
    *,
    anonymous: bool,
    follows: UUID | None,
    opened_on: date,
    created_by: UUID,
) -> None:
    await Case.insert(
        Case(
            id=case_id,
            tenant_id=tenant_id,
            reference=reference,
            subject_id=subject_id,
            anonymous=anonymous,
            contacted_by=data.contacted_by,
            referral_route=data.referral_route,
            referrer_consent_confirmed=data.referrer_consent_confirmed,
            referrer_name=data.referrer_name.strip() if data.referrer_name else None,
            referrer_consent_on=data.referrer_consent_on,
            topics=json.dumps(list(data.topics)),
            support_level=data.support_level,
            opened_on=opened_on,
            created_by=created_by,
            follows_case_id=follows,
        )
    )


async def link_parents(tenant_id: UUID, case_id: UUID, person_ids: Sequence[UUID]) -> None:
    await CasePerson.insert(
        *(
            CasePerson(
                id=uuid4(),
                tenant_id=tenant_id,
                case_id=case_id,
                person_id=person_id,
                relationship=PersonKind.PARENT_OR_CARER,
            )
            for person_id in person_ids
        )
    )


async def insert_assignment(
    tenant_id: UUID, case_id: UUID, staff_id: UUID, assigned_by: UUID
) -> UUID:
    """The new assignment's id."""
    assignment_id = uuid4()
    await Assignment.insert(
        Assignment(
            id=assignment_id,
            tenant_id=tenant_id,
            case_id=case_id,
            staff_id=staff_id,
            assigned_by=assigned_by,
        )
    )
    return assignment_id


async def is_assigned(case_id: UUID, staff_id: UUID) -> bool:
    """Whether the member of staff is currently assigned to the case."""
    return bool(
        await Assignment.exists().where(
            Assignment.case_id == case_id,
            Assignment.staff_id == staff_id,
            Assignment.ended_at.is_null(),
        )
    )


async def end_assignment(tenant_id: UUID, case_id: UUID, staff_id: UUID) -> None:
    await raw(
        "UPDATE case_assignments SET ended_at = now() WHERE tenant_id = {} AND case_id = {}"
        " AND staff_id = {} AND ended_at IS NULL",
        tenant_id,
        case_id,
        staff_id,
    )


# A member of staff's open cases (bound: tenant, staff).
_MY_OPEN = (
    " FROM case_assignments a JOIN cases c ON c.tenant_id = a.tenant_id AND c.id = a.case_id"
    " WHERE a.tenant_id = {} AND a.staff_id = {} AND a.ended_at IS NULL AND c.status = 'open'"
)


async def my_open_cases(tenant_id: UUID, staff_id: UUID, page: PageRequest) -> Page[CaseSummary]:
    """Open cases the member of staff is assigned to, newest first, and how many: one round
    trip (the count rides on each row; only a page past the end counts on its own), the
    young person's name looked up for the page's rows alone."""
    # A fixed string and ``_MY_OPEN``; every value is bound.
    rows = await raw(
        "SELECT q.*, p.first_name, p.last_name FROM (SELECT c.id, c.reference, c.status,"  # noqa: S608
        " c.anonymous, c.support_level, c.topics, c.opened_on, c.tenant_id, c.subject_id,"
        " count(*) OVER () AS total" + _MY_OPEN + " ORDER BY c.opened_on DESC, c.reference DESC"
        " LIMIT {} OFFSET {}) q"
        " LEFT JOIN people p ON p.tenant_id = q.tenant_id AND p.id = q.subject_id"
        " ORDER BY q.opened_on DESC, q.reference DESC",
        tenant_id,
        staff_id,
        page.limit,
        page.offset,
    )
    if rows:
        total = int(rows[0]["total"])
    elif page.offset:
        [count] = await raw("SELECT count(*) AS n" + _MY_OPEN, tenant_id, staff_id)
        total = int(count["n"])
    else:
        total = 0
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
    return Page(items, total=total, limit=page.limit, offset=page.offset)


async def on_case(tenant_id: UUID, case_id: UUID, person_id: UUID) -> bool:
    """Whether the person is the case's subject or linked to it."""
    [row] = await raw(
        "SELECT EXISTS (SELECT 1 FROM cases WHERE tenant_id = {} AND id = {} AND subject_id = {})"
        " OR EXISTS (SELECT 1 FROM case_people WHERE tenant_id = {} AND case_id = {}"
        " AND person_id = {}) AS yes",
        tenant_id,
        case_id,
        person_id,
        tenant_id,
        case_id,
        person_id,
    )
    return bool(row["yes"])


async def contact_targets(tenant_id: UUID, case_id: UUID) -> list[ContactTarget]:
    """Everyone on the case (its subject and the people linked to it) with their
    safe-contact preferences: one round trip. The case's people are found first, then
    looked up (two ``IN`` lists joined by ``OR`` read every person of the tenant: 200 ms
    a contact recorded at 2,000,000 people)."""
    rows = await raw(
        "SELECT p.id, p.first_name, p.last_name, p.may_phone, p.may_leave_voicemail,"
        " p.may_text, p.may_email, p.may_post, p.preferred_times, p.safe_contact_note,"
        " coalesce((SELECT bool_or(cp.must_not_be_told) FROM case_people cp"
        " WHERE cp.tenant_id = p.tenant_id AND cp.case_id = {} AND cp.person_id = p.id),"
        " false) AS must_not_be_told"
        " FROM (SELECT subject_id AS person_id FROM cases WHERE tenant_id = {} AND id = {}"
        " UNION SELECT person_id FROM case_people WHERE tenant_id = {} AND case_id = {}) w"
        " JOIN people p ON p.tenant_id = {} AND p.id = w.person_id"
        " ORDER BY p.last_name, p.first_name, p.id",
        case_id,
        tenant_id,
        case_id,
        tenant_id,
        case_id,
        tenant_id,
    )
    return [
        ContactTarget(
            person_id=r["id"],
            name=f"{r['first_name']} {r['last_name']}",
            safe_contact=SafeContact(
                may_phone=r["may_phone"],
                may_leave_voicemail=r["may_leave_voicemail"],
                may_text=r["may_text"],
                may_email=r["may_email"],
                may_post=r["may_post"],
                preferred_times=r["preferred_times"],
                note=r["safe_contact_note"],
            ),
            must_not_be_told=r["must_not_be_told"],
        )
        for r in rows
    ]


async def insert_contact(
    tenant_id: UUID, case_id: UUID, data: NewContact, recorded_by: UUID
) -> UUID:
    exception = data.safe_contact_exception
    return await _insert_contact_row(
        tenant_id, case_id, data, recorded_by,
        side=data.side, safe_contact_exception=exception.strip() if exception else None,
    )  # fmt: skip


async def _insert_contact_row(
    tenant_id: UUID, case_id: UUID, data: NewContact, recorded_by: UUID, **columns: Any
) -> UUID:
    """A contact's row from what was recorded; ``columns``: what a first record and a
    correction set differently (side, version, the safe-contact exception...)."""
    row = Contact(
        id=uuid4(),
        tenant_id=tenant_id,
        case_id=case_id,
        kind=data.kind,
        direction=data.direction,
        occurred_at=data.occurred_at,
        duration_minutes=data.duration_minutes,
        with_person_id=data.with_person_id,
        summary=data.summary.strip(),
        recorded_by=recorded_by,
        **columns,
    )
    await Contact.insert(row)
    return UUID(str(row.id))


async def contact(tenant_id: UUID, contact_id: UUID) -> ContactView:
    """The contact with every version of it (``contact_id``: any of its versions' ids).
    Its versions are found among its case's contacts (a correction is made on the contact's
    own case): matched on the first version's id alone, this read every contact of every
    case, a second and more at 5,000,000 contacts."""
    rows = await raw(
        "SELECT x.* FROM case_contacts y JOIN case_contacts x ON x.tenant_id = y.tenant_id"
        " AND x.case_id = y.case_id"
        " AND coalesce(x.original_id, x.id) = coalesce(y.original_id, y.id)"
        " WHERE y.tenant_id = {} AND y.id = {}",
        tenant_id,
        contact_id,
    )
    [view] = contact_views(rows)
    return view


@dataclass(frozen=True, slots=True)
class ContactVersion:
    """A contact's latest version: what a correction starts from."""

    first_id: UUID
    version: int
    side: str


async def lock_contact(tenant_id: UUID, contact_id: UUID) -> None:
    """Queue corrections of one contact until commit (its rows are append-only, so there is
    no row to lock): the next version is counted after the lock."""
    key = advisory_key(b"confide-contact-version:", tenant_id.bytes, contact_id.bytes)
    await raw("SELECT pg_advisory_xact_lock({})", key)


async def latest_contact_version(
    tenant_id: UUID, case_id: UUID, contact_id: UUID
) -> ContactVersion | None:
    """The latest version of the contact whose first version is ``contact_id`` on the case
    (None: no such contact there, or ``contact_id`` a later version's: a correction of it
    would start a second chain of versions, the contact shown twice)."""
    rows = await raw(
        "SELECT version, side FROM case_contacts WHERE tenant_id = {} AND case_id = {}"
        " AND ((id = {} AND original_id IS NULL) OR original_id = {})"
        " ORDER BY version DESC LIMIT 1",
        tenant_id,
        case_id,
        contact_id,
        contact_id,
    )
    if not rows:
        return None
    return ContactVersion(contact_id, int(rows[0]["version"]), str(rows[0]["side"]))


async def insert_contact_version(
    tenant_id: UUID,
    case_id: UUID,
    latest: ContactVersion,
    data: NewContact,
    reason: str,
    recorded_by: UUID,
) -> UUID:
    """The contact's next version (append-only: the earlier ones are kept)."""
    return await _insert_contact_row(
        tenant_id, case_id, data, recorded_by,
        side=latest.side, original_id=latest.first_id, version=latest.version + 1,
        correction_reason=reason,
    )  # fmt: skip


# Versioned changes of details (people and cases).

_PERSON_EDITABLE = ", ".join(PERSON_FIELDS)
_CASE_EDITABLE = ", ".join(CASE_FIELDS)


async def person_for_change(
    tenant_id: UUID, case_id: UUID, person_id: UUID
) -> dict[str, Any] | None:
    """The person's details, locked until commit so changes queue up one version at a
    time; None unless they are the case's subject or linked to it."""
    rows = await raw(
        f"SELECT id, kind, {_PERSON_EDITABLE} FROM people p"  # noqa: S608
        " WHERE p.tenant_id = {} AND p.id = {} AND (EXISTS (SELECT 1 FROM cases c"
        " WHERE c.tenant_id = p.tenant_id AND c.id = {} AND c.subject_id = p.id)"
        " OR EXISTS (SELECT 1 FROM case_people cp WHERE cp.tenant_id = p.tenant_id"
        " AND cp.case_id = {} AND cp.person_id = p.id)) FOR UPDATE",
        tenant_id,
        person_id,
        case_id,
        case_id,
    )
    return rows[0] if rows else None


async def case_for_change(tenant_id: UUID, case_id: UUID) -> dict[str, Any]:
    """The case's details and state, locked until commit (one change at a time)."""
    [row] = await raw(
        f"SELECT reference, status, outcome, closed_on, {_CASE_EDITABLE} FROM cases"  # noqa: S608
        " WHERE tenant_id = {} AND id = {} FOR UPDATE",
        tenant_id,
        case_id,
    )
    return row


async def update_person(tenant_id: UUID, person_id: UUID, values: Mapping[str, Any]) -> None:
    columns = {getattr(Person, name): value for name, value in values.items()}
    await Person.update({**columns, Person.updated_at: datetime.now(UTC)}).where(
        Person.id == person_id, Person.tenant_id == tenant_id
    )


async def update_case(tenant_id: UUID, case_id: UUID, values: Mapping[str, Any]) -> None:
    columns = {
        getattr(Case, name): json.dumps(value) if name == "topics" else value
        for name, value in values.items()
    }
    await Case.update(columns).where(Case.id == case_id, Case.tenant_id == tenant_id)


async def insert_change(
    tenant_id: UUID,
    case_id: UUID,
    kind: RecordKind,
    record_id: UUID,
    changes: Sequence[FieldChange],
    reason: str,
    changed_by: UUID,
) -> UUID:
    """The record's next version of its details (its versions counted here, under the
    record's row lock the caller holds); its id."""
    change_id = uuid4()
    await raw(
        "INSERT INTO record_changes (id, tenant_id, case_id, record_kind, record_id, version,"
        " changes, reason, changed_by) SELECT {}, {}, {}, {}, {},"
        " coalesce(max(version), 0) + 1, {}::jsonb, {}, {} FROM record_changes"
        " WHERE tenant_id = {} AND record_id = {}",
        change_id,
        tenant_id,
        case_id,
        kind.value,
        record_id,
        json.dumps([{"field": c.field, "old": c.old, "new": c.new} for c in changes]),
        reason,
        changed_by,
        tenant_id,
        record_id,
    )
    return change_id


_CHANGES = (
    "SELECT r.id, r.record_kind, r.record_id, r.version, r.changes, r.reason, r.changed_by,"
    " r.changed_at, coalesce(s.display_name, '') AS changed_by_name,"
    " CASE WHEN r.record_kind = 'case' THEN c.reference::text"
    " ELSE p.first_name || ' ' || p.last_name END AS record_name"
    " FROM record_changes r"
    " LEFT JOIN staff_users s ON s.tenant_id = r.tenant_id AND s.id = r.changed_by"
    " LEFT JOIN cases c ON c.tenant_id = r.tenant_id AND c.id = r.record_id"
    " LEFT JOIN people p ON p.tenant_id = r.tenant_id AND p.id = r.record_id"
)


async def change(tenant_id: UUID, change_id: UUID) -> ChangeView | None:
    rows = await raw(_CHANGES + " WHERE r.tenant_id = {} AND r.id = {}", tenant_id, change_id)
    return change_view(rows[0]) if rows else None


async def case_changes(tenant_id: UUID, case_id: UUID, page: PageRequest) -> Page[ChangeView]:
    """The versions of the case's details and of its people's, newest first, with who made
    each; one round trip."""
    result = await paged(
        _CHANGES  # noqa: S608 - a constant
        + " WHERE r.tenant_id = {} AND (r.case_id = {} OR r.record_id IN"
        " (SELECT subject_id FROM cases WHERE tenant_id = {} AND id = {}"
        " UNION SELECT person_id FROM case_people WHERE tenant_id = {} AND case_id = {}))"
        " ORDER BY r.changed_at DESC, r.id",
        tenant_id,
        case_id,
        tenant_id,
        case_id,
        tenant_id,
        case_id,
        page=page,
    )
    return Page(
        [change_view(r) for r in result.items],
        total=result.total,
        limit=page.limit,
        offset=page.offset,
    )


def change_view(r: Mapping[str, Any]) -> ChangeView:
    changes = r["changes"]
    if isinstance(changes, str):
        changes = json.loads(changes)
    return ChangeView(
        id=r["id"],
        record_kind=RecordKind(r["record_kind"]),
        record_id=r["record_id"],
        record_name=r["record_name"] or "",
        version=r["version"],
        changes=[FieldChange(c["field"], c["old"], c["new"]) for c in changes],
        reason=r["reason"],
        changed_by=r["changed_by"],
        changed_by_name=r["changed_by_name"],
        changed_at=r["changed_at"],
    )


async def reopen_case(tenant_id: UUID, case_id: UUID) -> None:
    await Case.update(
        {Case.status: CaseStatus.OPEN, Case.outcome: None, Case.closed_on: None}
    ).where(Case.id == case_id, Case.tenant_id == tenant_id)


async def case_people_of(
    tenant_id: UUID, case_id: UUID
) -> tuple[UUID | None, list[tuple[UUID, str]]]:
    """The case's subject and the people linked to it with their part (a returning family's
    new case links the same people)."""
    [case] = await raw(
        "SELECT subject_id, ARRAY(SELECT ROW(person_id, relationship) FROM case_people"
        " WHERE tenant_id = c.tenant_id AND case_id = c.id ORDER BY id) AS people"
        " FROM cases c WHERE c.tenant_id = {} AND c.id = {}",
        tenant_id,
        case_id,
    )
    return case["subject_id"], [(r[0], str(r[1])) for r in case["people"]]


async def link_people(tenant_id: UUID, case_id: UUID, people: Sequence[tuple[UUID, str]]) -> None:
    if people:
        await CasePerson.insert(
            *(
                CasePerson(
                    id=uuid4(),
                    tenant_id=tenant_id,
                    case_id=case_id,
                    person_id=person_id,
                    relationship=relationship,
                )
                for person_id, relationship in people
            )
        )


async def insert_note_version(
    tenant_id: UUID,
    case_id: UUID,
    note_id: UUID,
    version: int,
    body: str,
    side: Side | str,
    recorded_by: UUID,
    correction_reason: str | None = None,
) -> None:
    """One version of a note (append-only: a correction is a new version)."""
    await Note.insert(
        Note(
            id=uuid4(),
            tenant_id=tenant_id,
            case_id=case_id,
            note_id=note_id,
            version=version,
            body=body,
            side=side,
            correction_reason=correction_reason,
            recorded_by=recorded_by,
        )
    )


async def latest_note_version(case_id: UUID, note_id: UUID) -> tuple[int, str] | None:
    """The note's highest version and its side (None: no such note on the case)."""
    latest = (
        await Note.select(Note.version, Note.side)
        .where(Note.case_id == case_id, Note.note_id == note_id)
        .order_by(Note.version, ascending=False)
        .first()
    )
    return None if latest is None else (int(latest["version"]), str(latest["side"]))


async def note(case_id: UUID, note_id: UUID) -> NoteView:
    rows = await Note.select().where(Note.case_id == case_id, Note.note_id == note_id)
    [view] = note_views(rows)
    return view


async def close_case(tenant_id: UUID, case_id: UUID, outcome: str, closed_on: date) -> None:
    await Case.update(
        {Case.status: CaseStatus.CLOSED, Case.outcome: outcome, Case.closed_on: closed_on}
    ).where(Case.id == case_id, Case.tenant_id == tenant_id)


async def assignments(tenant_id: UUID, case_id: UUID) -> list[AssignmentView]:
    rows = await raw(
        "SELECT a.id, a.staff_id, s.display_name, a.assigned_by, a.assigned_at, a.ended_at"
        " FROM case_assignments a JOIN staff_users s ON s.tenant_id = a.tenant_id"
        " AND s.id = a.staff_id WHERE a.tenant_id = {} AND a.case_id = {} ORDER BY a.assigned_at",
        tenant_id,
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


# Reading a case file back: the services call these only after the need-to-know check.


def person_view(row: dict[str, Any]) -> PersonView:
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


def contact_views(
    rows: Sequence[Mapping[str, Any]], names: Mapping[UUID, str] | None = None
) -> list[ContactView]:
    """Each contact as it stands now (its latest version) with its earlier versions, in the
    order of their first versions."""
    versions: dict[UUID, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        versions[row.get("original_id") or row["id"]].append(row)
    contacts = []
    for group in versions.values():
        group = sorted(group, key=lambda r: r.get("version") or 1, reverse=True)
        history = [
            ContactVersionView(
                id=r["id"],
                version=r.get("version") or 1,
                kind=r["kind"],
                direction=r["direction"],
                occurred_at=r["occurred_at"],
                duration_minutes=r["duration_minutes"],
                summary=r["summary"],
                correction_reason=r.get("correction_reason"),
                recorded_by=r["recorded_by"],
                recorded_at=r["recorded_at"],
                recorded_by_name=(names or {}).get(r["recorded_by"], ""),
            )
            for r in group[1:]
        ]
        contacts.append(contact_view(group[0], names, history))
    return contacts


def contact_view(
    row: Mapping[str, Any],
    names: Mapping[UUID, str] | None = None,
    history: list[ContactVersionView] | None = None,
) -> ContactView:
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
        contact_id=row.get("original_id") or row["id"],
        version=row.get("version") or 1,
        correction_reason=row.get("correction_reason"),
        history=history or [],
        safe_contact_exception=row.get("safe_contact_exception"),
    )


def note_views(
    rows: list[dict[str, Any]], names: Mapping[UUID, str] | None = None
) -> list[NoteView]:
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


# A person as every read gives it: the id, the kind and the details an edit may change.
_PERSON_COLUMNS = ("id", "kind", *PERSON_FIELDS)
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
    "original_id",
    "version",
    "correction_reason",
    "safe_contact_exception",
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


# The people a member of staff may know about (rule 1): those on a case they have grounds
# for (an assignment, an unexpired break-glass grant), and every person for a manager;
# never a record merged into another. $1 tenant, $2 staff, $3 a manager, $4 the ids.
# A person's cases are found from the person (the cases they are the subject of, and those
# they are linked to), each through its index: asked as "a case whose subject is the
# person OR that links them", the planner read every case of the tenant (470 ms to
# 1 s at 1,000,000 cases; 0.2 ms now). A link's case is always a case of the tenant
# (``case_people``'s foreign key).
_KNOWN_PEOPLE = f"""
SELECT {_cols("p", _PERSON_COLUMNS)} FROM people p
 WHERE p.tenant_id = $1 AND p.id = ANY($4::uuid[]) AND p.merged_into IS NULL
   AND ($3 OR EXISTS (
        SELECT 1 FROM (SELECT c.id FROM cases c
                        WHERE c.tenant_id = p.tenant_id AND c.subject_id = p.id
                       UNION ALL
                       SELECT cp.case_id FROM case_people cp
                        WHERE cp.tenant_id = p.tenant_id AND cp.person_id = p.id) o
         WHERE EXISTS (SELECT 1 FROM case_assignments a WHERE a.tenant_id = p.tenant_id
                         AND a.case_id = o.id AND a.staff_id = $2 AND a.ended_at IS NULL)
            OR (NOT $5 AND EXISTS (SELECT 1 FROM break_glass_grants b
                         WHERE b.tenant_id = p.tenant_id AND b.case_id = o.id
                           AND b.staff_id = $2 AND b.expires_at > now()))))
"""  # noqa: S608 - put together from the constant column names only


async def known_people(
    tenant_id: UUID,
    staff_id: UUID,
    manager: bool,
    person_ids: Sequence[UUID],
    *,
    changing: bool = False,
) -> dict[UUID, PersonView]:
    """Of ``person_ids``, the people the member of staff may know about, by id;
    ``changing``: a break-glass grant (to read) does not count."""
    rows = await connection().fetch(
        _KNOWN_PEOPLE, tenant_id, staff_id, manager, list(person_ids), changing
    )
    return {r["id"]: person_view(dict(r)) for r in rows}


# The whole case file in one round trip: the case, with its subject, the people linked
# to it, contacts and note versions (with who recorded each) and assignments as arrays
# of rows. $1 tenant, $2 case, $3 true for a parent's view (shared side only). Each
# subquery names the tenant so the planner uses the (tenant_id, case_id, ...) indexes;
# row-level security applies as to any query.
def _file_columns(parent: str) -> str:
    """The case file's columns beyond id, reference and status, for a case ``c``;
    ``parent`` is the parameter that is true for a parent's view (shared side only)."""
    return f"""c.anonymous, c.contacted_by, c.referral_route,
       c.referrer_consent_confirmed, c.referrer_name, c.referrer_consent_on, c.topics,
       c.support_level, c.opened_on, c.closed_on, c.outcome,
       (SELECT ROW({_cols("p", _PERSON_COLUMNS)}) FROM people p
         WHERE p.tenant_id = c.tenant_id AND p.id = c.subject_id) AS subject,
       ARRAY(SELECT ROW(cp.relationship, cp.must_not_be_told, {_cols("p", _PERSON_COLUMNS)})
               FROM case_people cp JOIN people p ON p.tenant_id = cp.tenant_id
                AND p.id = cp.person_id
              WHERE cp.tenant_id = c.tenant_id AND cp.case_id = c.id) AS people,
       ARRAY(SELECT ROW({_cols("x", _CONTACT_COLUMNS)},
                        coalesce(s.display_name, ''))
               FROM case_contacts x LEFT JOIN staff_users s ON s.tenant_id = x.tenant_id
                AND s.id = x.recorded_by
              WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
                AND (NOT {parent} OR x.side = 'shared')
              ORDER BY x.occurred_at) AS contacts,
       ARRAY(SELECT ROW({_cols("n", _NOTE_COLUMNS)},
                        coalesce(s.display_name, ''))
               FROM case_notes n LEFT JOIN staff_users s ON s.tenant_id = n.tenant_id
                AND s.id = n.recorded_by
              WHERE n.tenant_id = c.tenant_id AND n.case_id = c.id
                AND (NOT {parent} OR n.side = 'shared')
              ORDER BY n.recorded_at) AS notes,
       ARRAY(SELECT ROW(a.id, a.staff_id, s.display_name, a.assigned_by, a.assigned_at,
                        a.ended_at)
               FROM case_assignments a JOIN staff_users s ON s.tenant_id = a.tenant_id
                AND s.id = a.staff_id
              WHERE a.tenant_id = c.tenant_id AND a.case_id = c.id
              ORDER BY a.assigned_at) AS assignments,
       (SELECT ROW(b.id, b.reference, b.status, b.opened_on) FROM cases b
         WHERE b.tenant_id = c.tenant_id AND b.id = c.follows_case_id) AS follows,
       ARRAY(SELECT ROW(b.id, b.reference, b.status, b.opened_on) FROM cases b
              WHERE b.tenant_id = c.tenant_id AND b.follows_case_id = c.id
              ORDER BY b.opened_on, b.reference) AS followed_by,
       EXISTS (SELECT 1 FROM case_legal_holds h WHERE h.tenant_id = c.tenant_id
                  AND h.case_id = c.id AND h.lifted_at IS NULL) AS on_legal_hold"""  # noqa: S608 - constants


_CASE_FILE = f"""
SELECT c.id, c.reference, c.status, {_file_columns("$3")}
  FROM cases c
 WHERE c.tenant_id = $1 AND c.id = $2
"""  # noqa: S608 - put together from the constant column names above only


# The need-to-know check's row (``_FIND``) and, only where the person has grounds, the
# case file, in one round trip. $1 tenant, $2 case, $3 staff, $4 the person does case
# work, $5 the person reads every case (a manager), $6 a parent's view. Without grounds
# the file's columns are NULL: none of its content leaves the database.
_FIND_FILE = f"""
SELECT c.id, c.reference, c.status, g.assigned, g.glass, f.*
  FROM cases c
 CROSS JOIN LATERAL (
       SELECT EXISTS (SELECT 1 FROM case_assignments a WHERE a.tenant_id = c.tenant_id
                         AND a.case_id = c.id AND a.staff_id = $3 AND a.ended_at IS NULL)
                  AS assigned,
              EXISTS (SELECT 1 FROM break_glass_grants b WHERE b.tenant_id = c.tenant_id
                         AND b.case_id = c.id AND b.staff_id = $3 AND b.expires_at > now())
                  AS glass) AS g
  LEFT JOIN LATERAL (
       SELECT true AS loaded, {_file_columns("$6")}
        WHERE $4 AND ($5 OR g.assigned OR g.glass)) AS f ON true
 WHERE c.tenant_id = $1 AND c.id = $2
"""  # noqa: S608 - put together from the constant column names above only


async def find_case_file(
    tenant_id: UUID,
    case_id: UUID,
    staff_id: UUID,
    *,
    works_cases: bool,
    reads_every_case: bool,
    for_parent: bool,
) -> tuple[CaseFound, Mapping[str, Any] | None] | None:
    """``find_case`` and, where it gives the person grounds (case work, and a manager, a
    current assignment or an unexpired break-glass grant), the case file's row for
    ``case_view``, in one round trip. None: no such case."""
    row = await connection().fetchrow(
        _FIND_FILE, tenant_id, case_id, staff_id, works_cases, reads_every_case, for_parent
    )
    if row is None:
        return None
    found = CaseFound(row["id"], row["reference"], row["status"], row["assigned"], row["glass"])
    return found, row if row["loaded"] else None


async def case_file(
    tenant_id: UUID, case_id: UUID, grounds: Grounds, *, for_parent: bool = False
) -> CaseView | None:
    """The whole case file in one round trip (``_CASE_FILE``); None: no such case."""
    case = await connection().fetchrow(_CASE_FILE, tenant_id, case_id, for_parent)
    if case is None:
        return None
    return case_view(case, grounds, for_parent=for_parent)


def case_view(case: Mapping[str, Any], grounds: Grounds, *, for_parent: bool) -> CaseView:
    """The case file from its row (``_CASE_FILE`` or ``_FIND_FILE``)."""
    subject = case["subject"]
    people = [
        CasePersonView(
            PersonKind(r[0]),
            person_view(dict(zip(_PERSON_COLUMNS, r[2:], strict=True))),
            must_not_be_told=bool(r[1]),
        )
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
        else person_view(dict(zip(_PERSON_COLUMNS, subject, strict=True))),
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
        contacts=contact_views(contacts, contact_names),
        notes=note_views(notes, note_names),
        grounds=grounds,
        parent_view=for_parent,
        follows=None if case["follows"] is None else _link(case["follows"]),
        followed_by=[_link(r) for r in case["followed_by"]],
        on_legal_hold=bool(case["on_legal_hold"]),
    )


def _link(row: Sequence[Any]) -> CaseLink:
    return CaseLink(id=row[0], reference=row[1], status=row[2], opened_on=row[3])


# Search (``search.py`` holds what may be searched for and need-to-know's meaning there).
# SQL here is put together from constants and ``$n`` placeholders only; every value the
# caller gives is a bound argument (hence the ``noqa: S608``).

# A generated column, lower(first || ' ' || last): under row-level security only a plain
# column lets the trigram index serve the query (see the search indexes migration).
SEARCH_NAME = "p.search_name"
# People looked at for a query at most: the best by their keys' score, then paged.
CANDIDATES = 500
# A person must score this much (words found / words asked, weighted) to be a hit, and
# this share of the best hit's score.
MIN_SCORE = 0.45
BEHIND_BEST = 0.6


@dataclass(frozen=True, slots=True)
class KeyLookup:
    """What to look up in ``person_search_keys`` (``search.py`` makes it from the query):
    ``probes`` in ``groups`` words, the last word as a name's start (``prefix``: its
    group and the word), and the name for ``pg_trgm`` where it is used."""

    probes: Probes
    groups: int
    prefix: tuple[int, str] | None = None
    trigram_name: str | None = None


async def pg_trgm_installed() -> bool:
    """Whether the ``pg_trgm`` extension is installed in this database."""
    found = await connection().fetchval("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    return found is not None


# Every value ``plan_cache_mode`` can take (PostgreSQL 12 on).
_PLAN_CACHE_MODES = frozenset({"auto", "force_generic_plan", "force_custom_plan"})


class _Args:
    """Bound arguments: each distinct value becomes one ``$n``, in order of first use."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[tuple[type, Any], int] = {}

    def __call__(self, value: Any) -> str:
        key = (type(value), value)
        if key not in self._index:
            self.values.append(value)
            self._index[key] = len(self.values)
        return f"${self._index[key]}"


def _keys_matched(lookup: KeyLookup, tenant: UUID, a: _Args) -> str:
    """People found by their search keys (and by trigram similarity where asked): per
    person the best probe per query word, summed; weighted words found / words asked."""
    keys, groups, weights, reasons = lookup.probes
    t = a(tenant)
    found = [
        "SELECT k.person_id AS id, q.grp, q.w, q.reason FROM person_search_keys k"  # noqa: S608
        f" JOIN unnest({a(keys)}::text[], {a(groups)}::int[], {a(weights)}::float4[],"
        f" {a(reasons)}::text[]) AS q(key, grp, w, reason) ON q.key = k.key"
        f" WHERE k.tenant_id = {t} AND k.key = ANY({a(keys)}::text[])"
    ]
    if lookup.prefix is not None:
        group, word = lookup.prefix
        low = f"n:{word}"
        high = f"n:{word[:-1]}{chr(ord(word[-1]) + 1)}"
        found.append(
            f"SELECT k.person_id, {a(group)}::int, {a(START)}::float4,"  # noqa: S608
            f" {a(str(MatchReason.NAME_START))}::text FROM person_search_keys k"
            f" WHERE k.tenant_id = {t} AND k.key >= {a(low)} AND k.key < {a(high)}"
        )
    if lookup.trigram_name is not None:
        name = a(lookup.trigram_name)
        found.append(
            f"SELECT p.id, -1, word_similarity({name}, {SEARCH_NAME}),"  # noqa: S608
            f" {a(str(MatchReason.NAME_SPELLING))}::text FROM people p"
            f" WHERE p.tenant_id = {t} AND {SEARCH_NAME} %> {name}"
        )
    return (
        "SELECT r.id, r.score, r.score2, r.reasons FROM ("  # noqa: S608
        "SELECT g.*, max(g.score) OVER () AS best FROM ("
        "SELECT s.id, greatest(coalesce(sum(s.w) FILTER (WHERE s.grp >= 0), 0)"
        f" / {a(float(lookup.groups))}::float4,"
        " coalesce(max(s.w) FILTER (WHERE s.grp < 0), 0))::float4 AS score,"
        f" (count(*) FILTER (WHERE s.w >= {a(EXACT)}::float4))::float4 AS score2,"
        " array_agg(DISTINCT s.reason) AS reasons"
        " FROM (SELECT DISTINCT ON (f.id, f.grp) f.id, f.grp, f.w, f.reason"
        f" FROM ({' UNION ALL '.join(found)}) f ORDER BY f.id, f.grp, f.w DESC) s"
        " GROUP BY s.id) g) r"
        # Far behind the best (one word of two found, when others have both): left out.
        f" WHERE r.score >= greatest({a(MIN_SCORE)}::float4, r.best * {a(BEHIND_BEST)}::float4)"
        f" ORDER BY r.score DESC, r.score2 DESC, r.id LIMIT {a(CANDIDATES)}"
    )


def _reference_matched(value: str, tenant: UUID, a: _Args) -> str:
    """People on the case with this reference (``value`` in upper case), or on the cases
    whose reference matches a partial one (``value`` a pattern starting ``^``)."""
    t = a(tenant)
    match = _reference_condition(value, a)
    reasons = f"ARRAY[{a(str(MatchReason.REFERENCE))}::text]"
    return (
        f"SELECT DISTINCT x.id, 1::float4 AS score, 1::float4 AS score2, {reasons} AS reasons"  # noqa: S608
        f" FROM (SELECT c.subject_id AS id FROM cases c WHERE c.tenant_id = {t}"
        f" AND {match} AND c.subject_id IS NOT NULL"
        f" UNION SELECT cp.person_id FROM cases c JOIN case_people cp"
        f" ON cp.tenant_id = c.tenant_id AND cp.case_id = c.id"
        f" WHERE c.tenant_id = {t} AND {match}) x"
    )


def _reference_condition(value: str, a: _Args) -> str:
    """A whole reference is compared as stored: references are written in upper case
    (``records._next_reference``), and ``reference_forms`` are upper case, so this finds
    what ``upper(reference)`` did, through ``cases_reference_key``. Under row-level
    security ``upper()`` (not LEAKPROOF) could not be an index condition: the statement
    read every case of the tenant, 300 ms and more a search at 1,000,000 cases."""
    if value.startswith("^"):
        return f"c.reference::text ~* {a(value)}"
    return f"c.reference::text = ANY({a(reference_forms(value))}::text[])"


def _open(tenant: UUID, staff: StaffView, a: _Args) -> str:
    """SQL true when the searcher has grounds for case ``c``."""
    return (
        f"({a(staff.has(StaffRole.MANAGER))}"  # noqa: S608
        " OR EXISTS (SELECT 1 FROM case_assignments ca"
        f" WHERE ca.tenant_id = {a(tenant)} AND ca.case_id = c.id"
        f" AND ca.staff_id = {a(staff.id)} AND ca.ended_at IS NULL)"
        " OR EXISTS (SELECT 1 FROM break_glass_grants bg"
        f" WHERE bg.tenant_id = {a(tenant)} AND bg.case_id = c.id"
        f" AND bg.staff_id = {a(staff.id)} AND bg.expires_at > now()))"
    )


def _sql(
    kind: SearchKind,
    value: str | date,
    lookup: KeyLookup | None,
    staff: StaffView,
    page: PageRequest,
    tenant: UUID,
    a: _Args,
) -> str:
    manager = staff.has(StaffRole.MANAGER)
    if lookup is not None:
        matched = _keys_matched(lookup, tenant, a)
    else:
        assert isinstance(value, str)
        matched = _reference_matched(value, tenant, a)
    t1, t2, t3 = a(tenant), a(tenant), a(tenant)
    grounds = _open(tenant, staff, a)
    # A case nobody is on (anonymous) is still found by its reference.
    lone_case = ""
    if kind is SearchKind.REFERENCE:
        lone_grounds = _open(tenant, staff, a)
        lone_case = (
            " UNION ALL SELECT NULL::uuid, NOT o.open, 1::float4, 1::float4, NULL::text[],"  # noqa: S608
            " NULL, NULL, NULL, NULL::date, NULL,"
            " ARRAY[o.reference::text], ARRAY[o.open],"
            " ARRAY[CASE WHEN o.open THEN o.id END], ARRAY[CASE WHEN o.open THEN o.status END],"
            " ARRAY[CASE WHEN o.open THEN o.opened_on END]"
            f" FROM (SELECT c.id, c.reference, c.status::text AS status, c.opened_on,"
            f" {lone_grounds} AS open FROM cases c WHERE c.tenant_id = {a(tenant)}"
            f" AND {_reference_condition(str(value), a)} AND c.subject_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM case_people cp"
            " WHERE cp.tenant_id = c.tenant_id AND cp.case_id = c.id)) o"
        )
    return f"""
WITH matched AS ({matched}),
links AS (
    SELECT m.id AS person_id, c.id AS case_id FROM matched m
      JOIN cases c ON c.tenant_id = {t1} AND c.subject_id = m.id
    UNION
    SELECT m.id, cp.case_id FROM matched m
      JOIN case_people cp ON cp.tenant_id = {t2} AND cp.person_id = m.id
),
grounds AS (
    SELECT l.person_id, c.id, c.reference::text AS reference, c.status::text AS status,
           c.opened_on, {grounds} AS open
      FROM links l JOIN cases c ON c.tenant_id = {t3} AND c.id = l.case_id
),
per_person AS (
    SELECT m.id, m.score, m.score2, m.reasons,
           coalesce(bool_or(g.open), {a(manager)}) AS visible,
           array_agg(g.reference ORDER BY g.reference) FILTER (WHERE g.id IS NOT NULL) AS refs,
           array_agg(g.open ORDER BY g.reference) FILTER (WHERE g.id IS NOT NULL) AS opens,
           array_agg(CASE WHEN g.open THEN g.id END ORDER BY g.reference)
             FILTER (WHERE g.id IS NOT NULL) AS ids,
           array_agg(CASE WHEN g.open THEN g.status END ORDER BY g.reference)
             FILTER (WHERE g.id IS NOT NULL) AS statuses,
           array_agg(CASE WHEN g.open THEN g.opened_on END ORDER BY g.reference)
             FILTER (WHERE g.id IS NOT NULL) AS opened
      FROM matched m LEFT JOIN grounds g ON g.person_id = m.id
     GROUP BY m.id, m.score, m.score2, m.reasons
),
hits AS (
    SELECT h.id AS person_id, false AS restricted, h.score, h.score2, h.reasons,
           p.kind::text AS kind, p.first_name::text AS first_name,
           p.last_name::text AS last_name, p.date_of_birth, p.postcode::text AS postcode,
           h.refs, h.opens, h.ids, h.statuses, h.opened
      FROM per_person h JOIN people p ON p.tenant_id = {a(tenant)} AND p.id = h.id
     WHERE h.visible
    UNION ALL
    SELECT NULL::uuid, true, max(h.score), max(h.score2), NULL::text[],
           NULL, NULL, NULL, NULL::date, NULL,
           h.refs, h.opens, h.ids, h.statuses, h.opened
      FROM per_person h
     WHERE NOT h.visible AND h.refs IS NOT NULL
     GROUP BY h.refs, h.opens, h.ids, h.statuses, h.opened
    {lone_case}
)
SELECT hits.*, count(*) OVER () AS total FROM hits
 ORDER BY score DESC, score2 DESC, last_name, first_name, refs, person_id
 LIMIT {a(page.limit)} OFFSET {a(page.offset)}
"""  # noqa: S608


def _hit(row: Mapping[str, Any]) -> SearchHit:
    refs = row["refs"] or []
    cases = tuple(
        CaseRef(reference=ref, restricted=True)
        if not opened
        else CaseRef(
            reference=ref, restricted=False, case_id=case_id, status=status, opened_on=opened_on
        )
        for ref, opened, case_id, status, opened_on in zip(
            refs,
            row["opens"] or [],
            row["ids"] or [],
            row["statuses"] or [],
            row["opened"] or [],
            strict=True,
        )
    )
    if row["restricted"]:
        return SearchHit(restricted=True, cases=cases)
    order = list(MatchReason)
    reasons = sorted((MatchReason(r) for r in row["reasons"] or []), key=order.index)
    return SearchHit(
        restricted=False,
        cases=cases,
        reasons=tuple(reasons),
        person_id=row["person_id"],
        kind=row["kind"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        date_of_birth=row["date_of_birth"],
        postcode=row["postcode"],
    )


async def search_page(
    kind: SearchKind,
    value: str | date,
    lookup: KeyLookup | None,
    staff: StaffView,
    page: PageRequest,
    tenant: UUID,
) -> tuple[list[SearchHit], int]:
    """One page of hits, best first, and the number of hits in all."""
    args = _Args()
    sql = _sql(kind, value, lookup, staff, page, tenant, args)
    db = connection()
    # Planned for its own values every time: a generic plan cannot know how many people
    # a name's keys reach, and at 50,000 people a tenant it cost 70 ms of PostgreSQL's
    # CPU a search against 9 ms planned each time (bench/search.py, 1,000,000 people).
    before = await db.fetchval(
        "SELECT current_setting('plan_cache_mode') AS before,"
        " set_config('plan_cache_mode', 'force_custom_plan', true)"
    )
    rows = await db.fetch(sql, *args.values)
    # (After a failure the transaction is aborted, and rolling back restores it anyway.)
    if before in _PLAN_CACHE_MODES:
        # A known constant goes as plain text: one short message, no statement to bind.
        await db.execute(f"SELECT set_config('plan_cache_mode', '{before}', true)")
    else:  # pragma: no cover - PostgreSQL has no other values
        await db.execute("SELECT set_config('plan_cache_mode', $1, true)", before)
    if rows:
        total = int(rows[0]["total"])
    elif page.offset == 0:
        total = 0
    else:  # past the end: count on its own
        count_args = _Args()
        count_sql = _sql(kind, value, lookup, staff, PageRequest(limit=1), tenant, count_args)
        counted = await db.fetch(count_sql, *count_args.values)
        total = int(counted[0]["total"]) if counted else 0
    return [_hit(r) for r in rows], total


# A person's school from the directory (issue 14, team)


async def set_person_school(tenant_id: UUID, person_id: UUID, school_id: UUID | None) -> None:
    await raw(
        "UPDATE people SET school_id = {}, updated_at = now() WHERE tenant_id = {} AND id = {}",
        school_id,
        tenant_id,
        person_id,
    )


async def person_school_id(tenant_id: UUID, person_id: UUID) -> UUID | None:
    rows = await raw(
        "SELECT school_id FROM people WHERE tenant_id = {} AND id = {}", tenant_id, person_id
    )
    return rows[0]["school_id"] if rows else None


# Reassigning cases (issue 14, team)


async def lock_cases(tenant_id: UUID, case_ids: Sequence[UUID]) -> dict[UUID, str]:
    """The cases among ``case_ids`` (each's status), their rows held until commit."""
    rows = await raw(
        "SELECT id, status FROM cases WHERE tenant_id = {} AND id = ANY({}::uuid[])"
        " ORDER BY id FOR UPDATE",
        tenant_id,
        list(case_ids),
    )
    return {r["id"]: r["status"] for r in rows}


async def end_assignments(
    tenant_id: UUID, case_ids: Sequence[UUID], keep: UUID, only: UUID | None
) -> list[tuple[UUID, UUID]]:
    """End the current assignments of ``case_ids`` (only ``only``'s when given), except
    ``keep``'s: the (case, member of staff) pairs ended."""
    rows = await raw(
        "UPDATE case_assignments SET ended_at = now() WHERE tenant_id = {}"
        " AND case_id = ANY({}::uuid[]) AND ended_at IS NULL AND staff_id <> {}"
        " AND ({}::uuid IS NULL OR staff_id = {}) RETURNING case_id, staff_id",
        tenant_id,
        list(case_ids),
        keep,
        only,
        only,
    )
    return [(r["case_id"], r["staff_id"]) for r in rows]


async def assign_where_missing(
    tenant_id: UUID, case_ids: Sequence[UUID], staff_id: UUID, assigned_by: UUID
) -> dict[UUID, UUID]:
    """Assign ``staff_id`` to each of ``case_ids`` they are not currently assigned to: the
    cases newly assigned, each to its new assignment's id."""
    rows = await raw(
        "INSERT INTO case_assignments (id, tenant_id, case_id, staff_id, assigned_by)"
        " SELECT gen_random_uuid(), {}, c, {}, {} FROM unnest({}::uuid[]) AS c"
        " WHERE NOT EXISTS (SELECT 1 FROM case_assignments a WHERE a.tenant_id = {}"
        " AND a.case_id = c AND a.staff_id = {} AND a.ended_at IS NULL) RETURNING id, case_id",
        tenant_id,
        staff_id,
        assigned_by,
        list(case_ids),
        tenant_id,
        staff_id,
    )
    return {r["case_id"]: r["id"] for r in rows}
