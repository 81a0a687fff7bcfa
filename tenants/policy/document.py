"""The service's confidentiality policy as a document (rule 13, policy 5.3): rendered
from the tenant's settings and its own text, versioned (every change of either is kept
in ``policy_changes``), reviewed every ``policy_review_months`` by a manager or an
admin, and published to families without sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from confide.platform.audit.actions import Action
from confide.platform.audit.services import record as audit
from confide.platform.core.clock import add_months, service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.tenants.policy import queries
from confide.tenants.policy.schemas import (
    TEXT_LENGTH,
    TEXT_SECTIONS,
    NewPolicyReview,
    PolicyReviewView,
    PolicyTextView,
    PolicyView,
    ReviewStatus,
)
from confide.tenants.policy.services import get_policy, read_again
from confide.tenants.schemas import ControllerKind, TenantView

NOTE_LENGTH = 2000
# What a service that has written nothing yet publishes under each heading.
DEFAULT_TEXT: dict[str, str] = {
    "introduction": (
        "We offer impartial information, advice and support to children and young people"
        " with special educational needs and disabilities, and to their parents and carers."
    ),
    "storage": (
        "Your case records are kept on the service's own secure system. Only the staff"
        " working on your case and the service's managers can open them, and every time"
        " someone does, it is recorded."
    ),
    "complaints": "If you are unhappy with how we have handled your information, tell us.",
}


def review_status(policy: PolicyView, since: date, today: date) -> ReviewStatus:
    """The next review is due the tenant's interval after the last one (or after ``since``,
    the day the service started on Confide, when none is recorded); past that day it is
    overdue (rule 13)."""
    last = policy.policy_reviewed_on
    due = add_months(last or since, policy.policy_review_months)
    return ReviewStatus(last_reviewed_on=last, due_on=due, overdue=today > due)


async def current_review_status(tenant: TenantView) -> ReviewStatus:
    return review_status(await get_policy(), tenant.created_at.date(), service_today())


async def get_policy_text() -> PolicyTextView:
    """The current version of the service's own text (version 0: the default text)."""
    text = await queries.latest_text()
    if text is None:
        return PolicyTextView(version=0, sections=dict(DEFAULT_TEXT), written_by=None,
                              written_at=None)  # fmt: skip
    return PolicyTextView(
        version=text.version,
        sections={key: text.sections.get(key, "") for key in TEXT_SECTIONS},
        written_by=text.written_by,
        written_at=text.written_at,
    )


def validate_text(sections: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, heading in TEXT_SECTIONS.items():
        check_text(errors, key, sections.get(key, ""), label=f"the text for {heading.lower()!r}",
                   high=TEXT_LENGTH)  # fmt: skip
    if unknown := set(sections) - set(TEXT_SECTIONS):
        errors[sorted(unknown)[0]] = "There is no such section"
    if errors:
        raise Invalid(errors)
    return {key: sections[key].strip().replace("\r\n", "\n") for key in TEXT_SECTIONS}


async def set_policy_text(sections: dict[str, str], *, changed_by: UUID | None) -> PolicyTextView:
    """A new version of the service's own text, when it differs; the change is kept with
    the settings' versions (group ``document``: each section, old and new) and audited."""
    clean = validate_text(sections)
    current = await get_policy_text()
    changed = [
        {"setting": key, "old": current.sections.get(key, ""), "new": clean[key]}
        for key in TEXT_SECTIONS
        if current.sections.get(key, "") != clean[key]
    ]
    if not changed:
        return current
    tenant_id = current_tenant_id()
    version = current.version + 1
    await queries.add_text(tenant_id, version, clean, changed_by)
    await queries.add_change(tenant_id, "document", changed, changed_by)
    await audit(
        Action.POLICY_TEXT_CHANGED,
        actor_kind="staff" if changed_by else "system",
        actor_id=changed_by,
        detail={"version": version, **{c["setting"]: True for c in changed}},
    )
    return await get_policy_text()


async def record_policy_review(data: NewPolicyReview, *, reviewed_by: UUID) -> ReviewStatus:
    """A manager or an admin records that the policy was reviewed (policy 5.3): the next
    review falls due the tenant's interval later."""
    errors: dict[str, str] = {}
    today = service_today()
    if data.reviewed_on > today:
        errors["reviewed_on"] = "The date of the review must be today or in the past"
    elif data.reviewed_on < date(today.year - 5, today.month, 1):
        errors["reviewed_on"] = "The date of the review must be within the last five years"
    check_text(errors, "note", data.note, label="the note", high=NOTE_LENGTH, required=False)
    if errors:
        raise Invalid(errors)
    await queries.add_review(current_tenant_id(), data.reviewed_on, data.note.strip(), reviewed_by)
    read_again()
    await audit(
        Action.POLICY_REVIEWED,
        actor_kind="staff",
        actor_id=reviewed_by,
        detail={"reviewed_on": data.reviewed_on.isoformat()},
    )
    policy = await get_policy()
    last = policy.policy_reviewed_on or data.reviewed_on
    due = add_months(last, policy.policy_review_months)
    return ReviewStatus(last_reviewed_on=last, due_on=due, overdue=today > due)


async def policy_reviews(page: PageRequest) -> Page[PolicyReviewView]:
    return await queries.reviews(page)


@dataclass(frozen=True, slots=True)
class PublishedPolicy:
    """Everything the published policy says: the service, who controls its data, its
    settings, its own text, its version and its review date. Nothing else of the tenant."""

    service_name: str
    controller_kind: ControllerKind
    settings: PolicyView
    text: dict[str, str]
    version: int
    review: ReviewStatus


async def published_policy(tenant: TenantView) -> PublishedPolicy:
    """The policy as families read it (no sign-in): the version is one more than the
    changes the settings and the text have had."""
    policy = await get_policy()
    text = await get_policy_text()
    changes = await queries.change_count()
    return PublishedPolicy(
        service_name=tenant.display_name,
        controller_kind=policy.controller(tenant.controller_kind),
        settings=policy,
        text=text.sections,
        version=changes + 1,
        review=review_status(policy, tenant.created_at.date(), service_today()),
    )
