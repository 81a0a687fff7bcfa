"""Consent and disclosure API: thin handlers over ``consent.consents``, ``consent.capacity``,
``consent.disclosures`` and ``consent.tasks``.

Errors as in the case work API (400 field-named, 404 the same for missing and another
tenant's, 403 restricted or not permitted), plus 409 ``{"refused": true, "code", "reason"}``
when the consent check refuses a share (or refuses sending one allowed earlier): nothing
was shared, and the reason says why.
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.consent import capacity, consents, disclosures, tasks
from confide.platform.consent.schemas import (
    Authorisation,
    AwaitingConsent,
    CancelShare,
    CapacityView,
    ConsentHistory,
    ConsentView,
    Decline,
    DelayTelling,
    DisclosureCheck,
    DisclosureSummary,
    DisclosureView,
    NewCapacityDecision,
    NewConsent,
    NewDisclosure,
    ReviewConsent,
    ReviewDue,
    SentDisclosure,
    TellTaskView,
    ToldClient,
)
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker, manager


class ConsentController(Controller):
    """Open to caseworkers and managers; each case further behind need-to-know."""

    path = "/"
    tags = ["consent"]
    guards = [case_worker]

    # Consent

    @get("/cases/{case_id:uuid}/consents", name="api-consent-history")
    async def consent_history(
        self, case_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> ConsentHistory:
        """The current consent and every version, newest first (an audited read)."""
        return await consents.consent_history(case_id, staff)

    @post(
        "/cases/{case_id:uuid}/consents",
        status_code=HTTP_201_CREATED,
        middleware=[idempotent("api-consent-history")],
        name="api-record-consent",
    )
    async def record_consent(
        self, case_id: FromPath[UUID], data: JSONBody[NewConsent], staff: NamedDependency[StaffView]
    ) -> ConsentView:
        """Record consent, or a change to it: always a new version."""
        return await consents.record_consent(case_id, staff, data)

    @post(
        "/cases/{case_id:uuid}/consents/reviews",
        status_code=HTTP_201_CREATED,
        name="api-review-consent",
    )
    async def review_consent(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[ReviewConsent],
        staff: NamedDependency[StaffView],
    ) -> ConsentView:
        """The current consent confirmed with the service user: a new review date."""
        return await consents.review_consent(case_id, staff, data)

    @get("/consent-reviews", name="api-reviews-due")
    async def reviews_due(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[ReviewDue]:
        """Consents on your cases (a manager's: and on cases with no caseworker) due for
        review within four weeks, or overdue."""
        return PageOut.of(await consents.reviews_due(staff, PageRequest(limit, offset)))

    @get("/cases-awaiting-consent", name="api-awaiting-consent")
    async def awaiting_consent(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[AwaitingConsent]:
        """Your open cases (a manager's: and those with no caseworker) where consent was not
        asked at first contact and is still not recorded, oldest first."""
        return PageOut.of(await consents.awaiting_consent(staff, PageRequest(limit, offset)))

    # Capacity

    @get("/cases/{case_id:uuid}/capacity", name="api-capacity-of")
    async def capacity_of(
        self, case_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> CapacityView | None:
        """Whether the young person can decide for themselves, and every decision recorded
        (null for an anonymous enquiry)."""
        return await capacity.capacity(case_id, staff)

    @post(
        "/cases/{case_id:uuid}/capacity",
        status_code=HTTP_201_CREATED,
        middleware=[idempotent("api-capacity-of")],
        name="api-record-capacity",
    )
    async def record_capacity(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[NewCapacityDecision],
        staff: NamedDependency[StaffView],
    ) -> CapacityView:
        """Record a judgement that the young person can, or cannot, decide for themselves."""
        return await capacity.record_capacity(case_id, staff, data)

    # Disclosure

    @post("/cases/{case_id:uuid}/disclosure-checks", status_code=200, name="api-check")
    async def check(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[NewDisclosure],
        staff: NamedDependency[StaffView],
    ) -> DisclosureCheck:
        """Would this share be allowed now, and why (nothing is recorded but the read)."""
        return await disclosures.check(case_id, staff, data.recipient_role, data.items)

    @post(
        "/cases/{case_id:uuid}/disclosures",
        status_code=HTTP_201_CREATED,
        middleware=[idempotent("api-disclosure", disclosure_id="id")],
        name="api-share",
    )
    async def share(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[NewDisclosure],
        staff: NamedDependency[StaffView],
    ) -> DisclosureView:
        """Record a share the consent allows, or a manager's on a legal basis (open or closed
        case), to be sent; or a request for a manager to authorise (``ask_manager``). 409
        when the consent refuses it. Nothing has gone until it is recorded as sent."""
        return await disclosures.share(case_id, staff, data)

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/sent",
        status_code=200,
        name="api-sent",
    )
    async def sent(
        self,
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        data: JSONBody[SentDisclosure],
        staff: NamedDependency[StaffView],
    ) -> DisclosureView:
        """Record that an allowed or authorised share went: when, how, to whom exactly. A
        share allowed by consent is checked again (409 if the consent no longer covers it)."""
        return await disclosures.send(case_id, disclosure_id, staff, data)

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/cancel",
        status_code=200,
        name="api-cancel",
    )
    async def cancel(
        self,
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        data: JSONBody[CancelShare],
        staff: NamedDependency[StaffView],
    ) -> DisclosureView:
        """An allowed or authorised share that will not be sent, and why."""
        return await disclosures.cancel(case_id, disclosure_id, staff, data)

    @get("/cases/{case_id:uuid}/disclosures", name="api-disclosure-log")
    async def disclosure_log(
        self,
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[DisclosureSummary]:
        """What went to whom, when, on what basis; newest first."""
        return PageOut.of(
            await disclosures.disclosure_log(case_id, staff, PageRequest(limit, offset))
        )

    @get("/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}", name="api-disclosure")
    async def disclosure(
        self,
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> DisclosureView:
        """One disclosure with exactly what was shared."""
        return await disclosures.get_disclosure(case_id, disclosure_id, staff, purpose="api")

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/authorisation",
        guards=[manager],
        status_code=200,
        name="api-authorise",
    )
    async def authorise(
        self,
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        data: JSONBody[Authorisation],
        staff: NamedDependency[StaffView],
    ) -> DisclosureView:
        """Authorise a request on a legal basis (open or closed case): it may then be sent,
        which opens the tell-the-client task."""
        return await disclosures.authorise(case_id, disclosure_id, staff, data)

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/decline",
        guards=[manager],
        status_code=200,
        name="api-decline",
    )
    async def decline(
        self,
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        data: JSONBody[Decline],
        staff: NamedDependency[StaffView],
    ) -> DisclosureView:
        """Decline to authorise: nothing is shared; the reason is kept."""
        return await disclosures.decline(case_id, disclosure_id, staff, data)

    @get("/disclosures/awaiting-authorisation", guards=[manager], name="api-awaiting")
    async def awaiting(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[DisclosureSummary]:
        """Requests for a manager to authorise, oldest first."""
        return PageOut.of(
            await disclosures.awaiting_authorisation(staff, PageRequest(limit, offset))
        )

    @get("/disclosures/unsent", name="api-unsent")
    async def unsent(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[DisclosureSummary]:
        """Shares allowed or authorised but not sent within the service's number of days:
        on your cases (every case, for a manager), oldest first."""
        return PageOut.of(await disclosures.unsent(staff, PageRequest(limit, offset)))

    # Tell the service user

    @get("/tell-client-tasks", name="api-open-tasks")
    async def open_tasks(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[TellTaskView]:
        """Open tasks (all of the service's for managers; your cases' otherwise)."""
        return PageOut.of(await tasks.open_tasks(staff, PageRequest(limit, offset)))

    @get("/tell-client-tasks/{task_id:uuid}", name="api-task")
    async def task(
        self, task_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> TellTaskView:
        """One task, with its delays (an audited read of its case)."""
        return await tasks.get_task(task_id, staff)

    @post("/tell-client-tasks/{task_id:uuid}/told", status_code=200, name="api-told")
    async def told(
        self, task_id: FromPath[UUID], data: JSONBody[ToldClient], staff: NamedDependency[StaffView]
    ) -> TellTaskView:
        """When and how the service user was told: the task is done."""
        return await tasks.record_told(task_id, staff, data)

    @post(
        "/tell-client-tasks/{task_id:uuid}/delay",
        guards=[manager],
        status_code=200,
        name="api-delay",
    )
    async def delay(
        self,
        task_id: FromPath[UUID],
        data: JSONBody[DelayTelling],
        staff: NamedDependency[StaffView],
    ) -> TellTaskView:
        """Put telling off, with a reason and a later date; the task stays open."""
        return await tasks.delay(task_id, staff, data)
