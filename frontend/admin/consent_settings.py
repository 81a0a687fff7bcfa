"""The tenant's consent and disclosure settings."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.admin.forms import LAPSED_BLOCKS, LAPSED_WARNS, ConsentSettingsForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import tenant_admin
from confide.tenants.policy.services import (
    CAPACITY_AGES,
    REVIEW_MONTHS,
    REVIEW_NOTICE_DAYS,
    TELL_CLIENT_DAYS,
    UNSENT_SHARE_DAYS,
    get_policy,
    set_consent_settings,
    validate_consent_settings,
)


def consent_settings_page(
    request: Request[Any, Any, Any], form: ConsentSettingsForm, *, saved: bool = False
) -> Template:
    return form_page(
        request,
        "admin/consent.html",
        form,
        saved=saved,
        blocks=LAPSED_BLOCKS,
        warns=LAPSED_WARNS,
        review_months=REVIEW_MONTHS,
        tell_days=TELL_CLIENT_DAYS,
        capacity_ages=CAPACITY_AGES,
        unsent_days=UNSENT_SHARE_DAYS,
        notice_days=REVIEW_NOTICE_DAYS,
    )


class ConsentSettingsPages(Controller):
    path = "/admin/policy/consent"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/", name="admin-consent")
    async def consent_form(
        self, request: Request[Any, Any, Any], saved: Annotated[bool, QueryParameter()] = False
    ) -> Template:
        """The settings as they stand."""
        return consent_settings_page(
            request, ConsentSettingsForm.of(await get_policy()), saved=saved
        )

    @post("/", name="admin-consent-save")
    async def consent_save(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Template | Redirect:
        """Save the settings; on any problem the form comes back as typed."""
        form = ConsentSettingsForm.posted(await request.form())
        s = form.settings()
        # The service's own checks too, on whatever could be read, so one pass shows all.
        form.check(
            lambda: validate_consent_settings(
                s.roles,
                s.review_months,
                s.tell_client_days,
                capacity_age=s.capacity_age,
                unsent_share_days=s.unsent_share_days,
                review_notice_days=s.review_notice_days,
            )
        )
        await form.save(
            lambda: set_consent_settings(
                s.roles,
                s.review_months,
                s.lapsed_blocks,
                s.tell_client_days,
                capacity_age=s.capacity_age,
                unsent_share_days=s.unsent_share_days,
                review_notice_days=s.review_notice_days,
                changed_by=staff.id,
            )
        )
        if form.ok:
            return redirect_to(request, "admin-consent", query={"saved": "true"})
        return consent_settings_page(request, form)
