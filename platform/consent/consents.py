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

from datetime import timedelta
from uuid import UUID, uuid4

from confide.platform.audit.actions import Action
from confide.platform.casework.access import (
    CaseAccess,
    check_access,
    is_manager,
    open_case,
    record_act,
    works_cases,
)
from confide.platform.consent import queries
from confide.platform.consent.capacity import current_capacity
from confide.platform.consent.errors import NotPermitted
from confide.platform.consent.schemas import (
    AwaitingConsent,
    ConsentHistory,
    ConsentView,
    NewConsent,
    NotAskedView,
    ReviewConsent,
    ReviewDue,
)
from confide.platform.core.clock import add_months, service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.tasks import services as task_model
from confide.tenants.policy.services import get_policy

REVIEW_WINDOW_DAYS = 28  # reviews due this soon show on the dashboard


async def _versions(case_id: UUID, *, latest_only: bool = False) -> list[ConsentView]:
    """Every version of the case's consent (or only the current one), newest first, with
    its reviews: two queries."""
    return await queries.consent_versions(
        current_tenant_id(), case_id, service_today(), latest_only=latest_only
    )


async def current_consent(case_id: UUID) -> ConsentView | None:
    """The case's consent now, for a caller that has already opened the case."""
    versions = await _versions(case_id, latest_only=True)
    return versions[0] if versions else None


async def consent_now(case_id: UUID) -> tuple[ConsentView | None, NotAskedView | None]:
    """The case's consent now and, where there is none, why it was not asked at first
    contact, in one round trip (for a caller that has already opened the case)."""
    consent, not_asked = await queries.consent_now(current_tenant_id(), case_id, service_today())
    return consent, None if consent else not_asked


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
    return await queries.not_asked(current_tenant_id(), case_id)


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
    anonymous = await queries.lock_case_anonymous(tenant_id, case_id)
    if anonymous:
        raise Invalid({"case": "An anonymous enquiry has no-one to give consent"})
    data.validate(policy.professional_roles, await current_capacity(case_id))
    consent_id = uuid4()
    version = await queries.latest_consent_version(tenant_id, case_id) + 1
    await queries.insert_consent(
        tenant_id,
        consent_id,
        case_id,
        version,
        data,
        add_months(data.given_on, policy.consent_review_months),
        staff.id,
    )
    await task_model.close_consent_reviews(case_id, staff.id)  # the new version replaces it
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
    await queries.insert_not_asked(current_tenant_id(), case_id, reason.strip(), staff.id)
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
    await queries.insert_review(current_tenant_id(), case_id, current.id, data, next_due, staff.id)
    await task_model.close_consent_reviews(case_id, staff.id)  # rule 24: the review is done
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
    on = service_today()
    return await queries.reviews_due(
        current_tenant_id(),
        on + timedelta(days=within_days),
        on,
        staff.id,
        is_manager(staff),
        page,
    )


async def awaiting_consent(staff: StaffView, page: PageRequest) -> Page[AwaitingConsent]:
    """Open cases where consent was not asked at first contact and is still not recorded,
    oldest first: the person's own, and for a manager those with no caseworker too."""
    if not works_cases(staff):
        return Page([], total=0, limit=page.limit, offset=page.offset)
    return await queries.awaiting_consent(current_tenant_id(), staff.id, is_manager(staff), page)
