"""Consent: recorded at first contact and any time after, versioned, reviewed (rules 4, 5).

A consent is never changed: a new decision is a new version, and a review that
confirms it adds a review row with the next review date. The current consent of a
case is its highest version; its review date is the latest review's, else its own.
Who may answer depends on the young person's capacity (``capacity``): they answer for
themselves only with it, and a parent or carer answering for a child without it records
the child's view. Every function that touches a case goes through ``access.open_case``
first.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from confide.platform.audit.actions import Action
from confide.platform.casework.access import (
    CaseAccess,
    NotPermitted,
    check_access,
    is_manager,
    open_case,
    record_act,
    works_cases,
)
from confide.platform.consent.capacity import current_capacity
from confide.platform.consent.schemas import (
    AwaitingConsent,
    ConsentHistory,
    ConsentMethod,
    ConsentReviewView,
    ConsentView,
    Decision,
    GivenBy,
    NewConsent,
    NotAskedView,
    ReviewConsent,
    ReviewDue,
    ReviewOutcome,
)
from confide.platform.consent.tables import Consent, ConsentNotAsked, ConsentReview
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id, raw
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.tables import json_list
from confide.platform.identity.schemas import StaffView
from confide.tenants.policy.services import get_policy

REVIEW_WINDOW_DAYS = 28  # reviews due this soon show on the dashboard


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, on the last day of a shorter month (31 Jan + 1 = 28 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError("unreachable")  # pragma: no cover - day 28 exists in every month


def _view(row: dict[str, Any], reviews: list[ConsentReviewView], on: date) -> ConsentView:
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


async def _versions(case_id: UUID, *, latest_only: bool = False) -> list[ConsentView]:
    """Every version of the case's consent (or only the current one), newest first, with
    its reviews: two queries."""
    tenant_id = current_tenant_id()
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
    on = service_today()
    return [_view(row, by_consent.get(row["id"], []), on) for row in rows]


async def current_consent(case_id: UUID) -> ConsentView | None:
    """The case's consent now, for a caller that has already opened the case."""
    versions = await _versions(case_id, latest_only=True)
    return versions[0] if versions else None


async def consent_history(case_id: UUID, staff: StaffView) -> ConsentHistory:
    """The consent panel: current consent, every version, the young person's capacity and
    why consent was not asked at first contact, if it was not (an audited case read)."""
    await open_case(case_id, staff, purpose="consent")
    versions = await _versions(case_id)
    return ConsentHistory(
        case_id,
        versions[0] if versions else None,
        versions,
        await current_capacity(case_id),
        await not_asked(case_id),
    )


async def not_asked(case_id: UUID) -> NotAskedView | None:
    """Why consent was not asked at first contact (for a caller that opened the case)."""
    rows = await raw(
        "SELECT n.reason, n.recorded_at, s.display_name FROM consent_not_asked n"
        " LEFT JOIN staff_users s ON s.tenant_id = n.tenant_id AND s.id = n.recorded_by"
        " WHERE n.tenant_id = {} AND n.case_id = {}",
        current_tenant_id(),
        case_id,
    )
    if not rows:
        return None
    return NotAskedView(rows[0]["reason"], rows[0]["display_name"] or "", rows[0]["recorded_at"])


async def _open_for_change(case_id: UUID, staff: StaffView) -> CaseAccess:
    """Need-to-know; the act itself is audited (``record_act``) once it has happened.

    Break-glass opens a case to read, not to speak for the family: recording or
    confirming their consent is for the assigned caseworkers and the managers.
    """
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    return await check_access(
        case_id, staff, purpose="consent", require_open=True, allow_break_glass=False
    )


async def record_consent(case_id: UUID, staff: StaffView, data: NewConsent) -> ConsentView:
    """A new version of the case's consent; the review date follows the tenant's interval.

    The young person answers for themselves only if they can decide for themselves; a
    parent or carer answering for a child who cannot records the child's view.
    """
    policy = await get_policy()
    access = await _open_for_change(case_id, staff)
    tenant_id = current_tenant_id()
    # Versions are numbered under a per-case lock, so two writers never share a number.
    [case] = await raw(
        "SELECT c.anonymous FROM cases c WHERE c.tenant_id = {} AND c.id = {} FOR UPDATE",
        tenant_id,
        case_id,
    )
    if case["anonymous"]:
        raise Invalid({"case": "An anonymous enquiry has no-one to give consent"})
    data.validate(policy.professional_roles, await current_capacity(case_id))
    [latest] = await raw(
        "SELECT coalesce(max(version), 0) AS v FROM consents WHERE tenant_id = {} AND case_id = {}",
        tenant_id,
        case_id,
    )
    consent_id = uuid4()
    version = int(latest["v"]) + 1
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
            review_due=add_months(data.given_on, policy.consent_review_months),
            recorded_by=staff.id,
        )
    )
    await record_act(
        access,
        staff,
        Action.CONSENT_RECORDED,
        reason_code=data.decision.value,
        consent_id=consent_id,
        version=version,
    )
    view = await current_consent(case_id)  # the newest version is this one: the case is locked
    assert view is not None
    assert view.id == consent_id
    return view


async def record_not_asked(case_id: UUID, staff: StaffView, reason: str) -> None:
    """At first contact: consent was not asked yet, and why. Listed until it is recorded."""
    access = await _open_for_change(case_id, staff)
    await ConsentNotAsked.insert(
        ConsentNotAsked(
            id=uuid4(),
            tenant_id=current_tenant_id(),
            case_id=case_id,
            reason=reason.strip(),
            recorded_by=staff.id,
        )
    )
    await record_act(access, staff, Action.CONSENT_NOT_ASKED)


async def review_consent(case_id: UUID, staff: StaffView, data: ReviewConsent) -> ConsentView:
    """The current consent reviewed with the service user and confirmed: next review date."""
    data.validate()
    access = await _open_for_change(case_id, staff)
    current = await current_consent(case_id)
    if current is None:
        raise Invalid({"consent": "There is no consent to review: record one"})
    months = (await get_policy()).consent_review_months
    next_due = add_months(service_today(), months)
    await ConsentReview.insert(
        ConsentReview(
            id=uuid4(),
            tenant_id=current_tenant_id(),
            case_id=case_id,
            consent_id=current.id,
            outcome=data.outcome,
            note=data.note.strip(),
            next_review_due=next_due,
            reviewed_by=staff.id,
        )
    )
    await record_act(
        access,
        staff,
        Action.CONSENT_REVIEWED,
        reason_code=data.outcome.value,
        consent_id=current.id,
        version=current.version,
    )
    refreshed = await current_consent(case_id)
    assert refreshed is not None
    return refreshed


# Which cases a list of consent work shows (bound: the member of staff's id, whether they
# are a manager): their own, and for a manager every case nobody is assigned to as well.
_SCOPE = (
    " AND (EXISTS (SELECT 1 FROM case_assignments a WHERE a.tenant_id = c.tenant_id"
    " AND a.case_id = c.id AND a.staff_id = {} AND a.ended_at IS NULL)"
    " OR ({} AND NOT EXISTS (SELECT 1 FROM case_assignments u WHERE u.tenant_id = c.tenant_id"
    " AND u.case_id = c.id AND u.ended_at IS NULL)))"
)


async def reviews_due(
    staff: StaffView, page: PageRequest, *, within_days: int = REVIEW_WINDOW_DAYS
) -> Page[ReviewDue]:
    """Consents on the person's open cases due for review soon or overdue, soonest first;
    a manager also sees those of cases with no caseworker.

    Only those cases: a list of other cases' reviews would tell staff which families use
    the service without a need to know.
    """
    if not works_cases(staff):
        return Page([], total=0, limit=page.limit, offset=page.offset)
    tenant_id = current_tenant_id()
    on = service_today()
    # A fixed string and ``_SCOPE``; every value is bound.
    body = (
        " FROM cases c"  # noqa: S608
        " JOIN LATERAL (SELECT k.id, k.version, k.decision, coalesce((SELECT r.next_review_due"
        " FROM consent_reviews r WHERE r.tenant_id = k.tenant_id AND r.consent_id = k.id"
        " ORDER BY r.reviewed_at DESC, r.id LIMIT 1), k.review_due) AS due FROM consents k"
        " WHERE k.tenant_id = c.tenant_id AND k.case_id = c.id ORDER BY k.version DESC LIMIT 1)"
        " cur ON true"
        " LEFT JOIN people p ON p.tenant_id = c.tenant_id AND p.id = c.subject_id"
        " WHERE c.tenant_id = {} AND c.status = 'open' AND cur.due <= {}" + _SCOPE
    )
    args = (tenant_id, on + timedelta(days=within_days), staff.id, is_manager(staff))
    rows = await raw(
        "SELECT c.id, c.reference, p.first_name, p.last_name, cur.version, cur.decision,"
        " cur.due" + body + " ORDER BY cur.due, c.reference LIMIT {} OFFSET {}",
        *args,
        page.limit,
        page.offset,
    )
    [count] = await raw("SELECT count(*) AS n" + body, *args)
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
        for r in rows
    ]
    return Page(items, total=int(count["n"]), limit=page.limit, offset=page.offset)


def _name(r: dict[str, Any]) -> str | None:
    return None if r["first_name"] is None else f"{r['first_name']} {r['last_name']}"


async def awaiting_consent(staff: StaffView, page: PageRequest) -> Page[AwaitingConsent]:
    """Open cases where consent was not asked at first contact and is still not recorded,
    oldest first: the person's own, and for a manager those with no caseworker too."""
    if not works_cases(staff):
        return Page([], total=0, limit=page.limit, offset=page.offset)
    # A fixed string and ``_SCOPE``; every value is bound.
    body = (
        " FROM consent_not_asked n"  # noqa: S608
        " JOIN cases c ON c.tenant_id = n.tenant_id AND c.id = n.case_id"
        " LEFT JOIN people p ON p.tenant_id = c.tenant_id AND p.id = c.subject_id"
        " WHERE n.tenant_id = {} AND c.status = 'open' AND NOT EXISTS (SELECT 1 FROM consents k"
        " WHERE k.tenant_id = c.tenant_id AND k.case_id = c.id)" + _SCOPE
    )
    args = (current_tenant_id(), staff.id, is_manager(staff))
    rows = await raw(
        "SELECT c.id, c.reference, p.first_name, p.last_name, n.reason, n.recorded_at"
        + body
        + " ORDER BY n.recorded_at, c.reference LIMIT {} OFFSET {}",
        *args,
        page.limit,
        page.offset,
    )
    [count] = await raw("SELECT count(*) AS n" + body, *args)
    items = [
        AwaitingConsent(r["id"], r["reference"], _name(r), r["reason"], r["recorded_at"])
        for r in rows
    ]
    return Page(items, total=int(count["n"]), limit=page.limit, offset=page.offset)
