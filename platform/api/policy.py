"""The policy settings and the confidentiality policy document (rule 13): thin handlers
over ``tenants.policy.services`` and ``tenants.policy.document``.

The settings are changed by the tenant admin (``PUT /policy/<group>``) and read, with the
history of changes, by managers too; the document is read and its reviews recorded by
managers and admins, its text written by admins. Bad input is 400 naming the field
(``api/errors.py``); the service's field names for a group are the ones the page uses
(``years``, ``threshold``).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager_or_admin, tenant_admin
from confide.tenants.policy import document, services
from confide.tenants.policy.schemas import (
    SETTING_GROUPS,
    AccessSettingsIn,
    ConsentSettingsIn,
    ControllerIn,
    DocumentSettingsIn,
    NewPolicyReview,
    PolicyChangeView,
    PolicyReviewView,
    PolicyTextIn,
    PolicyTextView,
    PolicyView,
    RetentionSettingsIn,
    ReviewIntervalIn,
    ReviewStatus,
    StatisticsSettingsIn,
)
from confide.tenants.resolution import request_tenant
from confide.tenants.schemas import TenantView

Settings = dict[str, dict[str, Any]]


def _settings(policy: PolicyView) -> Settings:
    """Every setting, by group (the case lists have their own page)."""
    return {
        group: dict(services.settings_of(policy, group))
        for group in SETTING_GROUPS
        if group != "case_lists"
    }


def _tenant(request: Request[Any, Any, Any]) -> TenantView:
    tenant = request_tenant(request)
    if tenant is None:  # pragma: no cover - tenant routes always have one
        raise NotFoundException()
    return tenant


class PolicySettingsController(Controller):
    """The settings and their history, read by managers and admins; changed by the tenant
    admin only, each change kept as a version and audited."""

    path = "/policy"
    tags = ["policy"]
    guards = [manager_or_admin]

    @get("/", name="api-policy")
    async def settings(self) -> Settings:
        """Every setting as it stands, by group."""
        return _settings(await services.get_policy())

    @get("/history", name="api-policy-history")
    async def history(
        self, limit: Limit = DEFAULT_PAGE_SIZE, offset: Offset = 0
    ) -> PageOut[PolicyChangeView]:
        """Every change, newest first: who, when, each setting's old and new value."""
        return PageOut.of(await services.policy_history(PageRequest(limit=limit, offset=offset)))

    @put("/consent", name="api-policy-consent", guards=[tenant_admin])
    async def consent(
        self, data: JSONBody[ConsentSettingsIn], staff: NamedDependency[StaffView]
    ) -> Settings:
        return _settings(
            await services.set_consent_settings(
                data.professional_roles,
                data.consent_review_months,
                data.lapsed_consent_blocks,
                data.tell_client_days,
                capacity_age=data.capacity_age,
                unsent_share_days=data.unsent_share_days,
                review_notice_days=data.consent_review_notice_days,
                changed_by=staff.id,
            )
        )

    @put("/access", name="api-policy-access", guards=[tenant_admin])
    async def access(
        self, data: JSONBody[AccessSettingsIn], staff: NamedDependency[StaffView]
    ) -> Settings:
        return _settings(
            await services.set_access_settings(
                data.break_glass_hours,
                data.session_idle_minutes,
                data.session_absolute_hours,
                changed_by=staff.id,
            )
        )

    @put("/statistics", name="api-policy-statistics", guards=[tenant_admin])
    async def statistics(
        self, data: JSONBody[StatisticsSettingsIn], staff: NamedDependency[StaffView]
    ) -> Settings:
        return _settings(
            await services.set_statistics_settings(
                data.stats_suppression_threshold,
                data.stats_round_to_5,
                data.stats_year_kind,
                changed_by=staff.id,
            )
        )

    @put("/retention", name="api-policy-retention", guards=[tenant_admin])
    async def retention(
        self, data: JSONBody[RetentionSettingsIn], staff: NamedDependency[StaffView]
    ) -> Settings:
        return _settings(
            await services.set_retention_settings(
                data.retention_years,
                data.retention_birthday,
                export_days=data.export_expiry_days,
                changed_by=staff.id,
            )
        )

    @put("/documents", name="api-policy-documents", guards=[tenant_admin])
    async def documents(
        self, data: JSONBody[DocumentSettingsIn], staff: NamedDependency[StaffView]
    ) -> Settings:
        """One file's size limit (``document_max_mb``, 1-50) and the kinds of document staff
        choose from (``document_kinds``: ehc_plan, decision_letter, report, consent_form,
        correspondence, other)."""
        return _settings(
            await services.set_document_settings(
                data.document_max_mb, data.document_kinds, changed_by=staff.id
            )
        )

    @put("/controller", name="api-policy-controller", guards=[tenant_admin])
    async def controller(
        self, data: JSONBody[ControllerIn], staff: NamedDependency[StaffView]
    ) -> Settings:
        return _settings(
            await services.set_controller(
                data.controller_kind,
                data.controller_name,
                data.controller_email,
                data.controller_phone,
                data.controller_address,
                changed_by=staff.id,
            )
        )

    @put("/review-interval", name="api-policy-review-interval", guards=[tenant_admin])
    async def review_interval(
        self, data: JSONBody[ReviewIntervalIn], staff: NamedDependency[StaffView]
    ) -> Settings:
        return _settings(
            await services.set_policy_review_months(data.policy_review_months, changed_by=staff.id)
        )

    @put("/document/text", name="api-policy-text", guards=[tenant_admin])
    async def text(
        self, data: JSONBody[PolicyTextIn], staff: NamedDependency[StaffView]
    ) -> PolicyTextView:
        """A new version of the service's own text (none when nothing changed)."""
        return await document.set_policy_text(data.sections(), changed_by=staff.id)


class PolicyDocumentController(Controller):
    """The confidentiality policy as published, and its reviews: managers and admins."""

    path = "/policy/document"
    tags = ["policy"]
    guards = [manager_or_admin]

    @get("/", name="api-policy-document")
    async def published(self, request: Request[Any, Any, Any]) -> document.PublishedPolicy:
        """The policy as families read it: the settings, the text, version and review."""
        return await document.published_policy(_tenant(request))

    @get("/reviews", name="api-policy-reviews")
    async def reviews(
        self, limit: Limit = DEFAULT_PAGE_SIZE, offset: Offset = 0
    ) -> PageOut[PolicyReviewView]:
        return PageOut.of(await document.policy_reviews(PageRequest(limit=limit, offset=offset)))

    @post("/reviews", status_code=HTTP_201_CREATED, name="api-policy-review")
    async def review(
        self, data: JSONBody[NewPolicyReview], staff: NamedDependency[StaffView]
    ) -> ReviewStatus:
        """Record a review (policy 5.3): the next falls due the tenant's interval later."""
        return await document.record_policy_review(data, reviewed_by=staff.id)
