"""Can the young person decide for themselves? (rules 9 and 15, policy 3.2.)

Capacity is presumed from the tenant's age (``capacity_age``, default 12). A member of
staff may record a judgement either way, with the day and how it was judged; the latest
stands, except that a "no" judged while the young person was under the age lapses when they
reach it. Consent reads this record (who may answer for the young person, what a parent's
consent covers), and so will subject access: one record, never overwritten.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from confide.platform.audit.actions import Action
from confide.platform.casework.access import (
    check_access,
    open_case,
    record_act,
    works_cases,
)
from confide.platform.consent import queries
from confide.platform.consent.errors import NotPermitted
from confide.platform.consent.schemas import (
    CapacityDecisionView,
    CapacityView,
    NewCapacityDecision,
)
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.identity.schemas import StaffView
from confide.tenants.policy.services import get_policy


def age_on(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def assess(
    born: date | None, on: date, capacity_age: int, decisions: list[CapacityDecisionView]
) -> CapacityView:
    """The rule itself, without the database. ``decisions``: newest first."""
    age = age_on(born, on) if born is not None else None
    latest = decisions[0] if decisions else None
    if (
        latest is not None
        and not latest.has_capacity
        and born is not None
        and age is not None
        and age >= capacity_age > age_on(born, latest.judged_on)
    ):
        latest = None  # a "no" judged when younger than the age: now the presumption applies
    if latest is not None:
        has: bool | None = latest.has_capacity
    elif age is None:
        has = None
    else:
        has = age >= capacity_age
    return CapacityView(age, capacity_age, has, latest, decisions)


async def _decisions(case_id: UUID) -> list[CapacityDecisionView]:
    return await queries.capacity_decisions(current_tenant_id(), case_id)


async def current_capacity(case_id: UUID) -> CapacityView | None:
    """For a caller that has already opened the case; None when it has no young person."""
    subject = await queries.case_subject(current_tenant_id(), case_id)
    if subject is None:
        return None
    policy = await get_policy()
    decisions = await _decisions(case_id)
    return assess(subject[1], service_today(), policy.capacity_age, decisions)


async def presumed_capacity(born: date | None) -> CapacityView:
    """Before a case exists (first contact): the presumption from the age alone."""
    return assess(born, service_today(), (await get_policy()).capacity_age, [])


async def capacity(case_id: UUID, staff: StaffView) -> CapacityView | None:
    """The young person's capacity and every decision about it (an audited case read)."""
    await open_case(case_id, staff, purpose="capacity")
    return await current_capacity(case_id)


async def record_capacity(
    case_id: UUID, staff: StaffView, data: NewCapacityDecision
) -> CapacityView:
    """A judgement that the young person can, or cannot, decide for themselves. Open or
    closed cases alike (a request for a closed file may need one); not by break-glass."""
    data.validate()
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    access = await check_access(case_id, staff, purpose="capacity", allow_break_glass=False)
    subject = await queries.case_subject(current_tenant_id(), case_id)
    if subject is None:
        raise Invalid({"case": "An anonymous enquiry has no young person to judge"})
    decision_id = uuid4()
    await queries.insert_capacity_decision(
        current_tenant_id(), decision_id, case_id, subject[0], data, staff.id
    )
    await record_act(
        access,
        staff,
        Action.CAPACITY_RECORDED,
        reason_code="has_capacity" if data.has_capacity else "no_capacity",
        decision_id=decision_id,
    )
    view = await current_capacity(case_id)
    assert view is not None
    return view
