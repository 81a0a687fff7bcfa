"""Consent's SQL: every statement the consent services run, as named functions.

The services (``consents``, ``capacity``, ``disclosures``, ``tasks``, ``first_contact``)
hold the rules, the transaction boundaries and the audit entries; these functions only
read and write rows and return views.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from confide.platform.consent.schemas import (
    Authorisation,
    AwaitingConsent,
    Basis,
    CapacityDecisionView,
    ConsentMethod,
    ConsentReviewView,
    ConsentView,
    Decision,
    DelayTelling,
    DisclosureStatus,
    DisclosureSummary,
    GivenBy,
    LegalBasis,
    NewCapacityDecision,
    NewConsent,
    NotAskedView,
    ReviewConsent,
    ReviewDue,
    ReviewOutcome,
    SendMethod,
    SentDisclosure,
    TaskDelayView,
    TaskStatus,
    TellMethod,
    TellTaskView,
    ToldClient,
)
from confide.platform.consent.tables import (
    CapacityDecision,
    Consent,
    ConsentNotAsked,
    ConsentReview,
    Disclosure,
    TaskDelay,
    TellClientTask,
)
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import connection, paged, raw
from confide.platform.core.tables import json_list

# Consents.


def _consent_view(row: dict[str, Any], reviews: list[ConsentReviewView], on: date) -> ConsentView:
    due = reviews[0].next_review_due if reviews else row["review_due"]
    return ConsentView(
        id=row["id"],
        case_id=row["case_id"],
        version=row["version"],
        decision=Decision(row["decision"]),
        roles=json_list(row["roles"]),
        given_by=GivenBy(row["given_by"]),
        method=ConsentMethod(row["method"]),
        given_on=row["given_on"],
        advised_of_limits=row["advised_of_limits"],
        parties_told=json_list(row["parties_told"]),
        young_person_view=row["young_person_view"],
        note=row["note"],
        review_due=due,
        lapsed=due < on,
        recorded_by=row["recorded_by"],
        recorded_by_name=row.get("recorded_by_name") or "",
        recorded_at=row["recorded_at"],
        reviews=reviews,
    )


async def consent_versions(
    tenant_id: UUID, case_id: UUID, on: date, *, latest_only: bool = False
) -> list[ConsentView]:
    """Every version of the case's consent (or only the current one), newest first, with
    its reviews, lapsed or not ``on`` that day: two queries."""
    rows = await raw(
        "SELECT c.*, s.display_name AS recorded_by_name FROM consents c"
        " LEFT JOIN staff_users s ON s.tenant_id = c.tenant_id AND s.id = c.recorded_by"
        " WHERE c.tenant_id = {} AND c.case_id = {} ORDER BY c.version DESC LIMIT {}",
        tenant_id,
        case_id,
        1 if latest_only else None,  # LIMIT NULL: every version
    )
    if not rows:
        return []
    review_rows = await raw(
        "SELECT r.*, s.display_name AS reviewed_by_name FROM consent_reviews r"
        " LEFT JOIN staff_users s ON s.tenant_id = r.tenant_id AND s.id = r.reviewed_by"
        " WHERE r.tenant_id = {} AND r.case_id = {}"
        " AND (NOT {} OR r.consent_id = {}) ORDER BY r.reviewed_at DESC, r.id",
        tenant_id,
        case_id,
        latest_only,
        rows[0]["id"],
    )
    by_consent: dict[UUID, list[ConsentReviewView]] = {}
    for r in review_rows:
        by_consent.setdefault(r["consent_id"], []).append(
            ConsentReviewView(
                id=r["id"],
                consent_id=r["consent_id"],
                outcome=ReviewOutcome(r["outcome"]),
                note=r["note"],
                next_review_due=r["next_review_due"],
                reviewed_by=r["reviewed_by"],
                reviewed_by_name=r["reviewed_by_name"] or "",
                reviewed_at=r["reviewed_at"],
            )
        )
    return [_consent_view(row, by_consent.get(row["id"], []), on) for row in rows]


_REVIEW_COLUMNS = (
    "id",
    "consent_id",
    "outcome",
    "note",
    "next_review_due",
    "reviewed_by",
    "reviewed_by_name",
    "reviewed_at",
)

# The case's consent now, with its reviews, and why consent was not asked at first
# contact, in one round trip (the case page). $1 tenant, $2 case.
_CONSENT_NOW = """
SELECT c.*, cs.display_name AS recorded_by_name,
       ARRAY(SELECT ROW(r.id, r.consent_id, r.outcome, r.note, r.next_review_due,
                        r.reviewed_by, coalesce(rs.display_name, ''), r.reviewed_at)
               FROM consent_reviews r LEFT JOIN staff_users rs ON rs.tenant_id = r.tenant_id
                AND rs.id = r.reviewed_by
              WHERE r.tenant_id = $1 AND r.case_id = $2 AND r.consent_id = c.id
              ORDER BY r.reviewed_at DESC, r.id) AS reviews__,
       n.reason AS not_asked_reason__, n.recorded_at AS not_asked_at__,
       ns.display_name AS not_asked_by__
  FROM (VALUES (1)) AS one
  LEFT JOIN LATERAL (SELECT * FROM consents k WHERE k.tenant_id = $1 AND k.case_id = $2
                      ORDER BY k.version DESC LIMIT 1) AS c ON true
  LEFT JOIN staff_users cs ON cs.tenant_id = c.tenant_id AND cs.id = c.recorded_by
  LEFT JOIN consent_not_asked n ON n.tenant_id = $1 AND n.case_id = $2
  LEFT JOIN staff_users ns ON ns.tenant_id = n.tenant_id AND ns.id = n.recorded_by
"""


async def consent_now(
    tenant_id: UUID, case_id: UUID, on: date
) -> tuple[ConsentView | None, NotAskedView | None]:
    """The case's current consent (as ``consent_versions(latest_only=True)`` gives it) and
    why consent was not asked at first contact, if it was not: one query."""
    return _consent_now(await connection().fetchrow(_CONSENT_NOW, tenant_id, case_id), on)


def _consent_now(
    row: Mapping[str, Any], on: date
) -> tuple[ConsentView | None, NotAskedView | None]:
    consent = None
    if row["id"] is not None:
        reviews = [
            ConsentReviewView(
                **{
                    **dict(zip(_REVIEW_COLUMNS, r, strict=True)),
                    "outcome": ReviewOutcome(r[2]),
                }
            )
            for r in row["reviews__"]
        ]
        consent = _consent_view(dict(row), reviews, on)
    not_asked = None
    if row["not_asked_reason__"] is not None:
        not_asked = NotAskedView(
            row["not_asked_reason__"], row["not_asked_by__"] or "", row["not_asked_at__"]
        )
    return consent, not_asked


async def not_asked(tenant_id: UUID, case_id: UUID) -> NotAskedView | None:
    """Why consent was not asked at first contact, if it was not."""
    rows = await raw(
        "SELECT n.reason, n.recorded_at, s.display_name FROM consent_not_asked n"
        " LEFT JOIN staff_users s ON s.tenant_id = n.tenant_id AND s.id = n.recorded_by"
        " WHERE n.tenant_id = {} AND n.case_id = {}",
        tenant_id,
        case_id,
    )
    if not rows:
        return None
    return NotAskedView(rows[0]["reason"], rows[0]["display_name"] or "", rows[0]["recorded_at"])


async def lock_case_anonymous(tenant_id: UUID, case_id: UUID) -> bool:
    """Lock the case row until commit (consent versions are numbered under it); whether
    the case is an anonymous enquiry."""
    [case] = await raw(
        "SELECT c.anonymous FROM cases c WHERE c.tenant_id = {} AND c.id = {} FOR UPDATE",
        tenant_id,
        case_id,
    )
    return bool(case["anonymous"])


async def latest_consent_version(tenant_id: UUID, case_id: UUID) -> int:
    """The case's highest consent version (0: none yet)."""
    [latest] = await raw(
        "SELECT coalesce(max(version), 0) AS v FROM consents WHERE tenant_id = {} AND case_id = {}",
        tenant_id,
        case_id,
    )
    return int(latest["v"])


async def insert_consent(
    tenant_id: UUID,
    consent_id: UUID,
    case_id: UUID,
    version: int,
    data: NewConsent,
    review_due: date,
    recorded_by: UUID,
) -> None:
    await Consent.insert(
        Consent(
            id=consent_id,
            tenant_id=tenant_id,
            case_id=case_id,
            version=version,
            decision=data.decision,
            roles=json.dumps(list(data.roles)),
            given_by=data.given_by,
            method=data.method,
            given_on=data.given_on,
            advised_of_limits=data.advised_of_limits,
            parties_told=json.dumps(list(data.parties_told)),
            young_person_view=data.young_person_view.strip(),
            note=data.note.strip(),
            review_due=review_due,
            recorded_by=recorded_by,
        )
    )


async def insert_not_asked(tenant_id: UUID, case_id: UUID, reason: str, recorded_by: UUID) -> None:
    await ConsentNotAsked.insert(
        ConsentNotAsked(
            id=uuid4(),
            tenant_id=tenant_id,
            case_id=case_id,
            reason=reason,
            recorded_by=recorded_by,
        )
    )


async def insert_review(
    tenant_id: UUID,
    case_id: UUID,
    consent_id: UUID,
    data: ReviewConsent,
    next_review_due: date,
    reviewed_by: UUID,
) -> None:
    await ConsentReview.insert(
        ConsentReview(
            id=uuid4(),
            tenant_id=tenant_id,
            case_id=case_id,
            consent_id=consent_id,
            outcome=data.outcome,
            note=data.note.strip(),
            next_review_due=next_review_due,
            reviewed_by=reviewed_by,
        )
    )


# The cases a list of consent work shows: those the member of staff is assigned to, and for
# a manager every open case nobody is assigned to as well. The set a list starts from, not
# a condition tested on every case of the tenant, so a caseworker's list costs what their
# own cases cost; and two fixed statements rather than a flag bound into one, so that
# PostgreSQL plans each once per connection (a bound flag kept it planning every time).
_MINE = (
    "SELECT a.case_id FROM case_assignments a WHERE a.tenant_id = {} AND a.staff_id = {}"
    " AND a.ended_at IS NULL"
)
_UNASSIGNED = (
    " UNION ALL SELECT c.id FROM cases c WHERE c.tenant_id = {} AND c.status = 'open'"
    " AND NOT EXISTS (SELECT 1 FROM case_assignments u WHERE u.tenant_id = c.tenant_id"
    " AND u.case_id = c.id AND u.ended_at IS NULL)"
)


def _in_scope(tenant_id: UUID, staff_id: UUID, manager: bool) -> tuple[str, list[Any]]:
    """The SQL selecting ``case_id`` of the cases in scope, and its arguments. Callers put
    it in a ``MATERIALIZED`` CTE: as a subquery, a planner that thought the tenant had one
    case (statistics not yet gathered on a growing table) ran the whole scope again for
    every case, 5 s for a manager's dashboard of 350 cases."""
    if manager:
        return _MINE + _UNASSIGNED, [tenant_id, staff_id, tenant_id]
    return _MINE, [tenant_id, staff_id]


async def reviews_due(
    tenant_id: UUID, until: date, on: date, staff_id: UUID, manager: bool, page: PageRequest
) -> Page[ReviewDue]:
    """Current consents of open cases in scope due for review by ``until``, soonest first
    (overdue: due before ``on``), and how many: one round trip."""
    scope, args = _in_scope(tenant_id, staff_id, manager)
    # Fixed strings and ``_in_scope``'s; every value is bound.
    result = await paged(
        "WITH s AS MATERIALIZED (" + scope + ")"  # noqa: S608
        " SELECT c.id, c.reference, p.first_name, p.last_name, cur.version, cur.decision,"
        " cur.due FROM s"
        # The case's current consent and when it is due, looked up from the scope's case id
        # so that only the consents due are joined to their cases.
        " JOIN LATERAL (SELECT k.id, k.version, k.decision, coalesce((SELECT r.next_review_due"
        " FROM consent_reviews r WHERE r.tenant_id = k.tenant_id AND r.consent_id = k.id"
        " ORDER BY r.reviewed_at DESC, r.id LIMIT 1), k.review_due) AS due FROM consents k"
        " WHERE k.tenant_id = {} AND k.case_id = s.case_id ORDER BY k.version DESC LIMIT 1)"
        " cur ON true"
        # The open case looked up from it the same way: joined, a planner expecting the
        # scope to hold every open case (it cannot tell how many have nobody assigned)
        # read them all into a hash, 565 ms at 90,000 open cases (47 ms looked up).
        " JOIN LATERAL (SELECT c.tenant_id, c.id, c.reference, c.subject_id FROM cases c"
        " WHERE c.tenant_id = {} AND c.id = s.case_id AND c.status = 'open' LIMIT 1) c ON true"
        " LEFT JOIN people p ON p.tenant_id = c.tenant_id AND p.id = c.subject_id"
        " WHERE cur.due <= {} ORDER BY cur.due, c.reference",
        *args,
        tenant_id,
        tenant_id,
        until,
        page=page,
    )
    items = [
        ReviewDue(
            case_id=r["id"],
            case_reference=r["reference"],
            subject_name=_name(r),
            consent_version=r["version"],
            decision=Decision(r["decision"]),
            review_due=r["due"],
            overdue=r["due"] < on,
        )
        for r in result.items
    ]
    return Page(items, result.total, page.limit, page.offset)


def _name(r: dict[str, Any]) -> str | None:
    return None if r["first_name"] is None else f"{r['first_name']} {r['last_name']}"


async def awaiting_consent(
    tenant_id: UUID, staff_id: UUID, manager: bool, page: PageRequest
) -> Page[AwaitingConsent]:
    """Open cases in scope where consent was not asked and is still not recorded, oldest
    first, and how many: one round trip."""
    scope, args = _in_scope(tenant_id, staff_id, manager)
    # Fixed strings and ``_in_scope``'s; every value is bound.
    result = await paged(
        "WITH s AS MATERIALIZED (" + scope + ")"  # noqa: S608
        " SELECT c.id, c.reference, p.first_name, p.last_name, n.reason, n.recorded_at"
        " FROM s"
        " JOIN consent_not_asked n ON n.tenant_id = {} AND n.case_id = s.case_id"
        " JOIN cases c ON c.tenant_id = n.tenant_id AND c.id = n.case_id"
        " LEFT JOIN people p ON p.tenant_id = c.tenant_id AND p.id = c.subject_id"
        " WHERE c.status = 'open' AND NOT EXISTS (SELECT 1 FROM consents k"
        " WHERE k.tenant_id = c.tenant_id AND k.case_id = c.id)"
        " ORDER BY n.recorded_at, c.reference",
        *args,
        tenant_id,
        page=page,
    )
    items = [
        AwaitingConsent(r["id"], r["reference"], _name(r), r["reason"], r["recorded_at"])
        for r in result.items
    ]
    return Page(items, result.total, page.limit, page.offset)


# Capacity.


async def capacity_decisions(tenant_id: UUID, case_id: UUID) -> list[CapacityDecisionView]:
    """The case's capacity decisions, newest first."""
    rows = await raw(
        "SELECT d.*, s.display_name FROM capacity_decisions d"
        " LEFT JOIN staff_users s ON s.tenant_id = d.tenant_id AND s.id = d.judged_by"
        " WHERE d.tenant_id = {} AND d.case_id = {} ORDER BY d.recorded_at DESC, d.id",
        tenant_id,
        case_id,
    )
    return [_decision(r) for r in rows]


def _decision(r: dict[str, Any]) -> CapacityDecisionView:
    return CapacityDecisionView(
        id=r["id"],
        has_capacity=r["has_capacity"],
        judged_on=r["judged_on"],
        judged_by=r["judged_by"],
        judged_by_name=r["display_name"] or "",
        note=r["note"],
        recorded_at=r["recorded_at"],
    )


async def case_subject(tenant_id: UUID, case_id: UUID) -> tuple[UUID, date | None] | None:
    """The case's young person (id, date of birth); None for an anonymous enquiry."""
    rows = await raw(
        "SELECT p.id, p.date_of_birth FROM cases c JOIN people p"
        " ON p.tenant_id = c.tenant_id AND p.id = c.subject_id"
        " WHERE c.tenant_id = {} AND c.id = {}",
        tenant_id,
        case_id,
    )
    return (rows[0]["id"], rows[0]["date_of_birth"]) if rows else None


async def insert_capacity_decision(
    tenant_id: UUID,
    decision_id: UUID,
    case_id: UUID,
    person_id: UUID,
    data: NewCapacityDecision,
    judged_by: UUID,
) -> None:
    await CapacityDecision.insert(
        CapacityDecision(
            id=decision_id,
            tenant_id=tenant_id,
            case_id=case_id,
            person_id=person_id,
            has_capacity=data.has_capacity,
            judged_by=judged_by,
            judged_on=data.judged_on,
            note=data.note.strip(),
        )
    )


# Tell-the-client tasks.


async def insert_task(
    tenant_id: UUID, task_id: UUID, case_id: UUID, disclosure_id: UUID, due_on: date
) -> None:
    await TellClientTask.insert(
        TellClientTask(
            id=task_id,
            tenant_id=tenant_id,
            case_id=case_id,
            disclosure_id=disclosure_id,
            due_on=due_on,
        )
    )


_SELECT = (
    "SELECT t.*, c.reference, d.recipient_org, d.recipient_role, d.legal_basis,"
    " s.display_name AS told_by_name, EXISTS (SELECT 1 FROM jsonb_array_elements(d.items) i"
    " WHERE (i->>'young_person_only')::boolean) AS young_person_items"
    " FROM tell_client_tasks t"
    " JOIN cases c ON c.tenant_id = t.tenant_id AND c.id = t.case_id"
    " JOIN disclosures d ON d.tenant_id = t.tenant_id AND d.id = t.disclosure_id"
    " LEFT JOIN staff_users s ON s.tenant_id = t.tenant_id AND s.id = t.told_by"
)


async def _delays(tenant_id: UUID, task_ids: list[UUID]) -> dict[UUID, list[TaskDelayView]]:
    if not task_ids:
        return {}
    rows = await raw(
        "SELECT x.*, s.display_name FROM tell_client_delays x"
        " LEFT JOIN staff_users s ON s.tenant_id = x.tenant_id AND s.id = x.delayed_by"
        " WHERE x.tenant_id = {} AND x.task_id = ANY({}::uuid[]) ORDER BY x.delayed_at, x.id",
        tenant_id,
        [str(t) for t in task_ids],
    )
    delays: dict[UUID, list[TaskDelayView]] = {}
    for r in rows:
        delays.setdefault(r["task_id"], []).append(
            TaskDelayView(
                id=r["id"],
                reason=r["reason"],
                previous_due_on=r["previous_due_on"],
                new_due_on=r["new_due_on"],
                delayed_by=r["delayed_by"],
                delayed_by_name=r["display_name"] or "",
                delayed_at=r["delayed_at"],
            )
        )
    return delays


async def _views(tenant_id: UUID, rows: list[dict[str, Any]], on: date) -> list[TellTaskView]:
    delays = await _delays(tenant_id, [r["id"] for r in rows])
    return [
        TellTaskView(
            id=r["id"],
            case_id=r["case_id"],
            case_reference=r["reference"],
            disclosure_id=r["disclosure_id"],
            recipient_org=r["recipient_org"],
            recipient_role=r["recipient_role"],
            legal_basis=LegalBasis(r["legal_basis"]) if r["legal_basis"] else None,
            due_on=r["due_on"],
            status=TaskStatus(r["status"]),
            overdue=r["status"] == TaskStatus.OPEN and r["due_on"] < on,
            told_on=r["told_on"],
            told_how=TellMethod(r["told_how"]) if r["told_how"] else None,
            told_note=r["told_note"],
            told_by_name=r["told_by_name"],
            created_at=r["created_at"],
            done_at=r["done_at"],
            delays=delays.get(r["id"], []),
            young_person_items=r["young_person_items"],
        )
        for r in rows
    ]


async def task_for_disclosure(
    tenant_id: UUID, disclosure_id: UUID, on: date
) -> TellTaskView | None:
    rows = await raw(
        _SELECT + " WHERE t.tenant_id = {} AND t.disclosure_id = {}", tenant_id, disclosure_id
    )
    views = await _views(tenant_id, rows, on)
    return views[0] if views else None


async def task_case(tenant_id: UUID, task_id: UUID) -> UUID | None:
    """The case a task is on (None: no such task here)."""
    rows = await raw(
        "SELECT case_id FROM tell_client_tasks WHERE tenant_id = {} AND id = {}",
        tenant_id,
        task_id,
    )
    return UUID(str(rows[0]["case_id"])) if rows else None


async def task(tenant_id: UUID, task_id: UUID, on: date) -> TellTaskView:
    rows = await raw(_SELECT + " WHERE t.tenant_id = {} AND t.id = {}", tenant_id, task_id)
    [view] = await _views(tenant_id, rows, on)
    return view


async def open_tasks(
    tenant_id: UUID, assigned_to: UUID | None, on: date, page: PageRequest
) -> Page[TellTaskView]:
    """Open tasks by due date: every one, or those on cases ``assigned_to`` is on."""
    args: list[Any]
    if assigned_to is None:
        where, args = " WHERE t.tenant_id = {} AND t.status = 'open'", [tenant_id]
    else:
        where = (
            " WHERE t.tenant_id = {} AND t.status = 'open' AND EXISTS (SELECT 1 FROM"
            " case_assignments a WHERE a.tenant_id = t.tenant_id AND a.case_id = t.case_id"
            " AND a.staff_id = {} AND a.ended_at IS NULL)"
        )
        args = [tenant_id, assigned_to]
    # ``where`` is one of two fixed strings above; every value is a bound argument.
    result = await paged(
        _SELECT + where + " ORDER BY t.due_on, t.created_at, t.id", *args, page=page
    )
    return Page(await _views(tenant_id, result.items, on), result.total, page.limit, page.offset)


@dataclass(frozen=True, slots=True)
class LockedTask:
    """A task locked for a change, with the day its disclosure was sent."""

    id: UUID
    case_id: UUID
    status: str
    due_on: date
    sent_on: date  # a task is opened only once its disclosure is sent


async def lock_task(tenant_id: UUID, task_id: UUID) -> LockedTask:
    """The task, locked until commit."""
    [row] = await raw(
        "SELECT t.id, t.case_id, t.status, t.due_on, d.sent_on FROM tell_client_tasks t"
        " JOIN disclosures d ON d.tenant_id = t.tenant_id AND d.id = t.disclosure_id"
        " WHERE t.tenant_id = {} AND t.id = {} FOR UPDATE OF t",
        tenant_id,
        task_id,
    )
    return LockedTask(row["id"], row["case_id"], row["status"], row["due_on"], row["sent_on"])


async def mark_told(tenant_id: UUID, task_id: UUID, data: ToldClient, told_by: UUID) -> None:
    await raw(
        "UPDATE tell_client_tasks SET status = 'done', told_on = {}, told_how = {},"
        " told_note = {}, told_by = {}, told_exception = {}, done_at = now()"
        " WHERE tenant_id = {} AND id = {}",
        data.told_on,
        data.told_how.value,
        data.note.strip(),
        told_by,
        data.safe_contact_exception.strip() if data.safe_contact_exception else None,
        tenant_id,
        task_id,
    )


async def insert_delay(
    tenant_id: UUID, task: LockedTask, data: DelayTelling, delayed_by: UUID
) -> None:
    await TaskDelay.insert(
        TaskDelay(
            id=uuid4(),
            tenant_id=tenant_id,
            task_id=task.id,
            case_id=task.case_id,
            reason=data.reason.strip(),
            previous_due_on=task.due_on,
            new_due_on=data.new_due_on,
            delayed_by=delayed_by,
        )
    )


async def set_task_due(tenant_id: UUID, task_id: UUID, due_on: date) -> None:
    await raw(
        "UPDATE tell_client_tasks SET due_on = {} WHERE tenant_id = {} AND id = {}",
        due_on,
        tenant_id,
        task_id,
    )


# Disclosures.


async def hold_case(tenant_id: UUID, case_id: UUID) -> None:
    """A share lock on the case row until commit: waits for a consent being changed."""
    await raw("SELECT 1 FROM cases WHERE tenant_id = {} AND id = {} FOR SHARE", tenant_id, case_id)


async def insert_disclosure(values: Mapping[str, Any]) -> None:
    """A decided disclosure (allowed, authorised or awaiting authorisation), as ``share``
    made it: its columns by name."""
    await Disclosure.insert(Disclosure(**values))


async def lock_disclosure(
    tenant_id: UUID, case_id: UUID, disclosure_id: UUID
) -> dict[str, Any] | None:
    """The disclosure's row (with its case's ``anonymous``), locked until commit."""
    rows = await raw(
        "SELECT d.*, c.anonymous FROM disclosures d JOIN cases c ON c.tenant_id = d.tenant_id"
        " AND c.id = d.case_id WHERE d.tenant_id = {} AND d.case_id = {} AND d.id = {}"
        " FOR UPDATE OF d",
        tenant_id,
        case_id,
        disclosure_id,
    )
    return rows[0] if rows else None


async def mark_authorised(
    tenant_id: UUID,
    disclosure_id: UUID,
    data: Authorisation,
    tell_not_possible: str | None,
    authorised_by: UUID,
) -> None:
    await raw(
        "UPDATE disclosures SET status = 'authorised', basis = 'legal', legal_basis = {},"
        " justification = {}, tell_not_possible = {}, authorised_by = {}, decided_at = now()"
        " WHERE tenant_id = {} AND id = {}",
        data.legal_basis.value,
        data.justification.strip(),
        tell_not_possible,
        authorised_by,
        tenant_id,
        disclosure_id,
    )


async def mark_declined(
    tenant_id: UUID, disclosure_id: UUID, reason: str, declined_by: UUID
) -> None:
    await raw(
        "UPDATE disclosures SET status = 'declined', decline_reason = {}, authorised_by = {},"
        " decided_at = now() WHERE tenant_id = {} AND id = {}",
        reason,
        declined_by,
        tenant_id,
        disclosure_id,
    )


async def case_state(tenant_id: UUID, case_id: UUID) -> tuple[str, bool]:
    """The case's status and whether it is an anonymous enquiry."""
    [case] = await raw(
        "SELECT status, anonymous FROM cases WHERE tenant_id = {} AND id = {}",
        tenant_id,
        case_id,
    )
    return str(case["status"]), bool(case["anonymous"])


async def mark_sent(
    tenant_id: UUID, disclosure_id: UUID, data: SentDisclosure, sent_by: UUID
) -> None:
    await raw(
        "UPDATE disclosures SET status = 'shared', sent_on = {}, sent_method = {}, sent_to = {},"
        " sent_by = {}, shared_at = now() WHERE tenant_id = {} AND id = {}",
        data.sent_on,
        data.method.value,
        data.sent_to.strip(),
        sent_by,
        tenant_id,
        disclosure_id,
    )


async def mark_cancelled(
    tenant_id: UUID, disclosure_id: UUID, reason: str, cancelled_by: UUID
) -> None:
    await raw(
        "UPDATE disclosures SET status = 'cancelled', cancel_reason = {}, cancelled_by = {},"
        " cancelled_at = now() WHERE tenant_id = {} AND id = {}",
        reason,
        cancelled_by,
        tenant_id,
        disclosure_id,
    )


_SUMMARY = (
    "SELECT d.id, d.case_id, c.reference, d.recipient_org, d.recipient_role, d.status, d.basis,"
    " d.legal_basis, jsonb_array_length(d.items) AS item_count, s.display_name AS requester,"
    " d.requested_at, d.decided_at, d.sent_on, d.sent_method FROM disclosures d"
    " JOIN cases c ON c.tenant_id = d.tenant_id AND c.id = d.case_id"
    " LEFT JOIN staff_users s ON s.tenant_id = d.tenant_id AND s.id = d.requested_by"
)


def _summary(r: dict[str, Any]) -> DisclosureSummary:
    return DisclosureSummary(
        id=r["id"],
        case_id=r["case_id"],
        case_reference=r["reference"],
        recipient_org=r["recipient_org"],
        recipient_role=r["recipient_role"],
        status=DisclosureStatus(r["status"]),
        basis=Basis(r["basis"]) if r["basis"] else None,
        legal_basis=LegalBasis(r["legal_basis"]) if r["legal_basis"] else None,
        item_count=r["item_count"],
        requested_by_name=r["requester"] or "",
        requested_at=r["requested_at"],
        decided_at=r["decided_at"],
        sent_on=r["sent_on"],
        sent_method=SendMethod(r["sent_method"]) if r["sent_method"] else None,
    )


async def case_disclosures(
    tenant_id: UUID, case_id: UUID, page: PageRequest
) -> Page[DisclosureSummary]:
    """The case's disclosures, newest first."""
    rows = await raw(
        _SUMMARY + " WHERE d.tenant_id = {} AND d.case_id = {}"
        " ORDER BY d.requested_at DESC, d.id LIMIT {} OFFSET {}",
        tenant_id,
        case_id,
        page.limit,
        page.offset,
    )
    [count] = await raw(
        "SELECT count(*) AS n FROM disclosures WHERE tenant_id = {} AND case_id = {}",
        tenant_id,
        case_id,
    )
    return Page([_summary(r) for r in rows], int(count["n"]), page.limit, page.offset)


async def awaiting_authorisation(tenant_id: UUID, page: PageRequest) -> Page[DisclosureSummary]:
    """Requests awaiting a manager's decision, oldest first."""
    result = await paged(
        _SUMMARY + " WHERE d.tenant_id = {} AND d.status = 'awaiting_authorisation'"
        " ORDER BY d.requested_at, d.id",
        tenant_id,
        page=page,
    )
    return Page([_summary(r) for r in result.items], result.total, page.limit, page.offset)


async def unsent(
    tenant_id: UUID, days: int, assigned_to: UUID | None, page: PageRequest
) -> Page[DisclosureSummary]:
    """Shares allowed or authorised at least ``days`` ago and not sent, oldest first: all,
    or those on cases ``assigned_to`` is on."""
    where = (
        " WHERE d.tenant_id = {} AND d.status IN ('allowed', 'authorised')"
        " AND coalesce(d.decided_at, d.requested_at) <= now() - make_interval(days => {})"
    )
    args: list[Any] = [tenant_id, days]
    if assigned_to is not None:
        where += (
            " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.tenant_id = d.tenant_id"
            " AND a.case_id = d.case_id AND a.staff_id = {} AND a.ended_at IS NULL)"
        )
        args.append(assigned_to)
    # ``where`` is put together from the fixed strings above; every value is bound.
    result = await paged(
        _SUMMARY + where + " ORDER BY coalesce(d.decided_at, d.requested_at), d.id",
        *args,
        page=page,
    )
    return Page([_summary(r) for r in result.items], result.total, page.limit, page.offset)


async def disclosure_row(
    tenant_id: UUID, case_id: UUID, disclosure_id: UUID
) -> dict[str, Any] | None:
    """One disclosure with the names of who requested, authorised, sent and cancelled it
    and its consent's version (None: not on this case)."""
    rows = await raw(
        "SELECT d.*, c.reference, r.display_name AS requester, a.display_name AS authoriser,"
        " x.display_name AS sender, z.display_name AS canceller,"
        " k.version AS consent_version FROM disclosures d"
        " JOIN cases c ON c.tenant_id = d.tenant_id AND c.id = d.case_id"
        " LEFT JOIN staff_users r ON r.tenant_id = d.tenant_id AND r.id = d.requested_by"
        " LEFT JOIN staff_users a ON a.tenant_id = d.tenant_id AND a.id = d.authorised_by"
        " LEFT JOIN staff_users x ON x.tenant_id = d.tenant_id AND x.id = d.sent_by"
        " LEFT JOIN staff_users z ON z.tenant_id = d.tenant_id AND z.id = d.cancelled_by"
        " LEFT JOIN consents k ON k.tenant_id = d.tenant_id AND k.id = d.consent_id"
        " WHERE d.tenant_id = {} AND d.case_id = {} AND d.id = {}",
        tenant_id,
        case_id,
        disclosure_id,
    )
    return rows[0] if rows else None


# A case's timeline (issue 14): every kind of event on the case in one statement, a page of
# it newest first, how many there are, and the case's open tasks (every kind). It reads
# case work's tables beside consent's, so it lives with the later domain. Each branch is
# skipped unless its kind is asked for ($3). $1 tenant, $2 case, $3 kinds, $4 limit,
# $5 offset, $6 a parent's view (shared side only). A contact's later versions are looked
# for among its own case's contacts (a correction is made on the contact's case): matched
# on the first version's id alone, the planner hashed every contact of the tenant, a second
# a case page at 5,000,000 contacts.
_TIMELINE_COLUMNS = """(SELECT count(*) FROM t) AS total__,
       ARRAY(SELECT ROW(t.kind, t.at, t.item_id, t.by_name, t.detail::text) FROM t
              ORDER BY t.at DESC, t.item_id LIMIT $4 OFFSET $5) AS items__,
       ARRAY(SELECT ROW(k.id, k.due_on, k.kind, k.title) FROM tasks k
              WHERE k.tenant_id = $1 AND k.case_id = $2 AND k.status = 'open'
              ORDER BY k.due_on, k.id) AS tasks__"""
_TIMELINE_CTE = """
WITH t AS (
    SELECT 'contact' AS kind, x.occurred_at AS at, coalesce(x.original_id, x.id) AS item_id,
           coalesce(s.display_name, '') AS by_name,
           jsonb_build_object('kind', x.kind, 'direction', x.direction, 'summary', x.summary,
                              'duration_minutes', x.duration_minutes, 'side', x.side,
                              'version', x.version,
                              'correction_reason', x.correction_reason) AS detail
      FROM case_contacts x LEFT JOIN staff_users s ON s.tenant_id = x.tenant_id
       AND s.id = x.recorded_by
     WHERE 'contact' = ANY($3) AND x.tenant_id = $1 AND x.case_id = $2
       AND (NOT $6 OR x.side = 'shared')
       AND NOT EXISTS (SELECT 1 FROM case_contacts y WHERE y.tenant_id = x.tenant_id
                          AND y.case_id = x.case_id
                          AND y.original_id = coalesce(x.original_id, x.id)
                          AND y.version > x.version)
    UNION ALL
    SELECT 'note', f.recorded_at, n.note_id, coalesce(s.display_name, ''),
           jsonb_build_object('body', n.body, 'side', n.side, 'version', n.version,
                              'correction_reason', n.correction_reason)
      FROM case_notes n
      JOIN case_notes f ON f.tenant_id = n.tenant_id AND f.note_id = n.note_id
       AND f.version = 1
      LEFT JOIN staff_users s ON s.tenant_id = n.tenant_id AND s.id = n.recorded_by
     WHERE 'note' = ANY($3) AND n.tenant_id = $1 AND n.case_id = $2
       AND (NOT $6 OR n.side = 'shared')
       AND NOT EXISTS (SELECT 1 FROM case_notes m WHERE m.tenant_id = n.tenant_id
                          AND m.note_id = n.note_id AND m.version > n.version)
    UNION ALL
    SELECT 'share', d.requested_at, d.id, coalesce(s.display_name, ''),
           jsonb_build_object('recipient_org', d.recipient_org,
                              'recipient_role', d.recipient_role, 'status', d.status,
                              'basis', d.basis)
      FROM disclosures d LEFT JOIN staff_users s ON s.tenant_id = d.tenant_id
       AND s.id = d.requested_by
     WHERE 'share' = ANY($3) AND d.tenant_id = $1 AND d.case_id = $2
    UNION ALL
    SELECT 'consent', k.recorded_at, k.id, coalesce(s.display_name, ''),
           jsonb_build_object('event', 'recorded', 'decision', k.decision,
                              'version', k.version, 'given_by', k.given_by)
      FROM consents k LEFT JOIN staff_users s ON s.tenant_id = k.tenant_id
       AND s.id = k.recorded_by
     WHERE 'consent' = ANY($3) AND k.tenant_id = $1 AND k.case_id = $2
    UNION ALL
    SELECT 'consent', r.reviewed_at, r.id, coalesce(s.display_name, ''),
           jsonb_build_object('event', 'reviewed', 'outcome', r.outcome)
      FROM consent_reviews r LEFT JOIN staff_users s ON s.tenant_id = r.tenant_id
       AND s.id = r.reviewed_by
     WHERE 'consent' = ANY($3) AND r.tenant_id = $1 AND r.case_id = $2
    UNION ALL
    SELECT 'consent', q.recorded_at, q.id, coalesce(s.display_name, ''),
           jsonb_build_object('event', 'not_asked', 'reason', q.reason)
      FROM consent_not_asked q LEFT JOIN staff_users s ON s.tenant_id = q.tenant_id
       AND s.id = q.recorded_by
     WHERE 'consent' = ANY($3) AND q.tenant_id = $1 AND q.case_id = $2
    UNION ALL
    SELECT 'break_glass', g.granted_at, g.id, coalesce(s.display_name, ''),
           jsonb_build_object('reason', g.reason, 'expires_at', g.expires_at)
      FROM break_glass_grants g LEFT JOIN staff_users s ON s.tenant_id = g.tenant_id
       AND s.id = g.staff_id
     WHERE 'break_glass' = ANY($3) AND g.tenant_id = $1 AND g.case_id = $2
    UNION ALL
    SELECT 'change', c.changed_at, c.id, coalesce(s.display_name, ''),
           jsonb_build_object('record_kind', c.record_kind, 'version', c.version,
                              'reason', c.reason,
                              'fields', (SELECT string_agg(e->>'field', ',')
                                           FROM jsonb_array_elements(c.changes) e))
      FROM record_changes c LEFT JOIN staff_users s ON s.tenant_id = c.tenant_id
       AND s.id = c.changed_by
     WHERE 'change' = ANY($3) AND c.tenant_id = $1
       AND (c.case_id = $2 OR c.record_id IN (
            SELECT subject_id FROM cases WHERE tenant_id = $1 AND id = $2
            UNION SELECT person_id FROM case_people WHERE tenant_id = $1 AND case_id = $2))
)
"""
_TIMELINE = _TIMELINE_CTE + f"SELECT {_TIMELINE_COLUMNS}"
assert _CONSENT_NOW.lstrip().startswith("SELECT c.*,")
# The case page's consent panel and its timeline in one round trip: ``_CONSENT_NOW``'s one
# row with the timeline's columns beside it (the same $1 and $2).
_CONSENT_AND_TIMELINE = _TIMELINE_CTE + _CONSENT_NOW.replace(
    "SELECT c.*,", f"SELECT {_TIMELINE_COLUMNS}, c.*,", 1
)


@dataclass(frozen=True, slots=True)
class TimelineRows:
    total: int
    items: list[tuple[str, Any, UUID, str, dict[str, Any]]]
    tasks: list[tuple[UUID, date | None, str, str]]  # id, due (None: none for now), kind, title


async def case_timeline(
    tenant_id: UUID,
    case_id: UUID,
    kinds: list[str],
    page: PageRequest,
    *,
    for_parent: bool = False,
) -> TimelineRows:
    """A page of the case's timeline, its size and the open tasks: one
    round trip."""
    row = await connection().fetchrow(
        _TIMELINE, tenant_id, case_id, kinds, page.limit, page.offset, for_parent
    )
    return _timeline_rows(row)


def _timeline_rows(row: Mapping[str, Any]) -> TimelineRows:
    return TimelineRows(
        total=int(row["total__"]),
        items=[(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in row["items__"]],
        tasks=[(r[0], r[1], r[2], r[3]) for r in row["tasks__"]],
    )


async def consent_and_timeline(
    tenant_id: UUID,
    case_id: UUID,
    on: date,
    kinds: list[str],
    page: PageRequest,
    *,
    for_parent: bool = False,
) -> tuple[ConsentView | None, NotAskedView | None, TimelineRows]:
    """``consent_now`` and ``case_timeline`` in one round trip (the case page)."""
    row = await connection().fetchrow(
        _CONSENT_AND_TIMELINE, tenant_id, case_id, kinds, page.limit, page.offset, for_parent
    )
    consent, not_asked = _consent_now(row, on)
    return consent, not_asked, _timeline_rows(row)
