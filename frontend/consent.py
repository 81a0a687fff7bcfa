"""Staff pages for consent: the consent panel's history, recording a new version, reviews,
and decisions about the young person's capacity.

The pages call the consent services (``platform.consent.consents``, ``.capacity``), which
open the case first: need-to-know and the audit trail are theirs. A consent is never
edited: a change is a new version, and a review either confirms the current one or leads
to a new version.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from confide.frontend.casework import restricted_page, review_soon
from confide.frontend.casework_forms import (
    Submitted,
    anchor,
    consent_defaults,
    consent_errors,
    consent_from_form,
    form_date,
    read_form,
)
from confide.frontend.labels import LABELS
from confide.frontend.templating import page_context
from confide.platform.casework import records
from confide.platform.casework.access import CaseRestricted
from confide.platform.casework.schemas import CaseView
from confide.platform.consent import capacity, consents
from confide.platform.consent.schemas import NewCapacityDecision, ReviewConsent
from confide.platform.core.clock import service_today
from confide.platform.core.errors import Invalid
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.tenants.policy.services import get_policy
from confide.tenants.resolution import tenant_base_path
from confide.tenants.schemas import TenantView

CONFIRMED = "confirmed"
CHANGED = "changed"
CAPACITY_ANSWERS = (("yes", "They can decide for themselves"), ("no", "They cannot decide yet"))


def _to_case(
    request: Request[Any, Any, Any], tenant: TenantView, case_id: UUID, suffix: str = ""
) -> Redirect:
    base = tenant_base_path(request, tenant)
    return Redirect(f"{base}/cases/{case_id}{suffix}", status_code=HTTP_303_SEE_OTHER)


class ConsentPages(Controller):
    """Consent pages: caseworkers and managers, each case behind need-to-know."""

    path = "/"
    include_in_schema = False
    guards = [case_worker]

    @get("/cases/{case_id:uuid}/consent", name="case-consent")
    async def history(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """Every version of the case's consent, newest first, with its reviews (audited)."""
        try:
            history = await consents.consent_history(case_id, staff)
        except CaseRestricted:
            return await restricted_page(request, case_id)
        return Template(
            "consent/history.html",
            context=page_context(
                request,
                case_id=case_id,
                current=history.current,
                versions=history.versions,
                review_soon=review_soon(history.current),
                capacity=history.capacity,
                not_asked=history.not_asked,
                labels=LABELS,
            ),
        )

    # Recording a new version

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        staff: StaffView,
        form: Submitted | None,
        errors: dict[str, str],
    ) -> Template:
        try:
            case = await records.get_case(case_id, staff, purpose="record")
        except CaseRestricted:
            return await restricted_page(request, case_id)
        current = None if case.anonymous else await consents.current_consent(case_id)
        return Template(
            "consent/new.html",
            context=page_context(
                request,
                case=case,
                current=current,
                capacity=await capacity.current_capacity(case_id),
                form=form or Submitted(consent_defaults(service_today())),
                errors=errors,
                anchors={k: anchor(k) for k in errors},
                roles=(await get_policy()).professional_roles,
                labels=LABELS,
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else 200,
        )

    @get("/cases/{case_id:uuid}/consent/new", name="case-consent-new")
    async def new_consent(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """The consent questions again: the answer becomes the next version."""
        return await self._form_page(request, case_id, staff, None, {})

    @post("/cases/{case_id:uuid}/consent/new", name="case-consent-add", middleware=[idempotent()])
    async def add_consent(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        submitted = read_form(await request.form())
        errors: dict[str, str] = {}
        consent = consent_from_form(submitted, errors)
        try:
            consent.validate((await get_policy()).professional_roles)
        except Invalid as invalid:
            consent_errors(invalid.errors, errors)
        if not errors:
            try:
                await consents.record_consent(case_id, staff, consent)
            except CaseRestricted:
                return await restricted_page(request, case_id)
            except Invalid as invalid:
                # "case": closed, or anonymous; shown on the first question. The service
                # also checks who may answer for the young person (their capacity).
                remapped = {
                    ("decision" if k == "case" else k): v for k, v in invalid.errors.items()
                }
                consent_errors(remapped, errors)
            else:
                return _to_case(request, tenant, case_id, "?done=consent")
        return await self._form_page(request, case_id, staff, submitted, errors)

    # Capacity

    async def _capacity_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        staff: StaffView,
        form: Submitted,
        errors: dict[str, str],
    ) -> Template:
        try:
            case = await records.get_case(case_id, staff, purpose="capacity")
        except CaseRestricted:
            return await restricted_page(request, case_id)
        return Template(
            "consent/capacity.html",
            context=page_context(
                request,
                case=case,
                capacity=await capacity.current_capacity(case_id),
                form=form,
                errors=errors,
                anchors={k: f"{k}-day" if k == "judged_on" else k for k in errors},
                answers=CAPACITY_ANSWERS,
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else 200,
        )

    @get("/cases/{case_id:uuid}/capacity", name="case-capacity")
    async def capacity_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """Whether the young person can decide for themselves, and a decision to record."""
        today = service_today()
        blank = {"judged_on-day": str(today.day), "judged_on-month": str(today.month)}
        blank["judged_on-year"] = str(today.year)
        return await self._capacity_page(request, case_id, staff, Submitted(blank), {})

    @post("/cases/{case_id:uuid}/capacity", name="case-capacity-save")
    async def record_capacity(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        submitted = read_form(await request.form())
        errors: dict[str, str] = {}
        answer = submitted.get("has_capacity")
        if answer not in ("yes", "no"):
            errors["has_capacity"] = "Select whether they can decide for themselves"
        judged_on = form_date(
            submitted.values,
            "judged_on",
            "The date it was judged",
            errors,
            required="Enter the date it was judged",
        )
        decision = NewCapacityDecision(
            has_capacity=answer == "yes",
            judged_on=judged_on or service_today(),
            note=submitted.get("note"),
        )
        try:
            decision.validate()
        except Invalid as invalid:
            for key, message in invalid.errors.items():
                errors.setdefault(key, message)
        if not errors:
            try:
                await capacity.record_capacity(case_id, staff, decision)
            except CaseRestricted:
                return await restricted_page(request, case_id)
            except Invalid as invalid:  # "case": an anonymous enquiry
                for key, message in invalid.errors.items():
                    errors["has_capacity" if key == "case" else key] = message
            else:
                return _to_case(request, tenant, case_id, "/consent")
        return await self._capacity_page(request, case_id, staff, submitted, errors)

    # Reviews

    async def _review_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        staff: StaffView,
        form: dict[str, str],
        errors: dict[str, str],
    ) -> Template:
        try:
            case: CaseView = await records.get_case(case_id, staff, purpose="record")
        except CaseRestricted:
            return await restricted_page(request, case_id)
        current = None if case.anonymous else await consents.current_consent(case_id)
        return Template(
            "consent/review.html",
            context=page_context(
                request,
                case=case,
                current=current,
                review_soon=review_soon(current),
                form=form,
                errors=errors,
                labels=LABELS,
                confirmed=CONFIRMED,
                changed=CHANGED,
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else 200,
        )

    @get("/cases/{case_id:uuid}/consent/review", name="case-consent-review")
    async def review_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """The current consent, and whether anything has changed."""
        return await self._review_page(request, case_id, staff, {}, {})

    @post("/cases/{case_id:uuid}/consent/review", name="case-consent-review-post")
    async def review(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Confirmed: a review with the next date. Changed: the consent questions again."""
        form = read_form(await request.form()).values
        answer = form.get("changed", "")
        if answer == CHANGED:
            return _to_case(request, tenant, case_id, "/consent/new")
        if answer != CONFIRMED:
            errors = {"changed": "Select whether anything has changed"}
            return await self._review_page(request, case_id, staff, form, errors)
        try:
            await consents.review_consent(case_id, staff, ReviewConsent(note=form.get("note", "")))
        except CaseRestricted:
            return await restricted_page(request, case_id)
        except Invalid as invalid:
            errors = {
                ("changed" if k in ("case", "consent") else k): v for k, v in invalid.errors.items()
            }
            return await self._review_page(request, case_id, staff, form, errors)
        return _to_case(request, tenant, case_id, "?done=consent-reviewed")
