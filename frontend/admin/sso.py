"""The tenant's sign-in settings: its identity provider and who gets which role."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.admin.forms import SsoForm
from confide.frontend.templating import form_page, redirect_to, tenant_site
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import tenant_admin
from confide.tenants.sso.addresses import post_sign_out_uri, redirect_uri
from confide.tenants.sso.services import get_sso, save_sso, validate_sso


def sso_page(
    request: Request[Any, Any, Any], form: SsoForm, *, has_secret: bool, saved: bool = False
) -> Template:
    """The settings, with the addresses to register at the provider (never the secret)."""
    site = tenant_site(request)
    return form_page(
        request,
        "admin/sso.html",
        form,
        has_secret=has_secret,
        saved=saved,
        redirect_uri=redirect_uri(site),
        post_sign_out_uri=post_sign_out_uri(site),
    )


class SsoPages(Controller):
    path = "/admin/sso"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/", name="admin-sso")
    async def sso_form(
        self, request: Request[Any, Any, Any], saved: Annotated[bool, QueryParameter()] = False
    ) -> Template:
        """The provider settings form, filled in with what is stored."""
        sso = await get_sso()
        form = SsoForm.of(sso)
        return sso_page(request, form, has_secret=sso is not None, saved=saved)

    @post("/", name="admin-sso-save")
    async def sso_save(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Template | Redirect:
        """Check and save; on any problem the form comes back with each field's error."""
        form = SsoForm.posted(await request.form())
        settings = form.settings()
        has_secret = await get_sso() is not None
        form.check(lambda: validate_sso(settings, has_secret=has_secret))
        await form.save(lambda: save_sso(settings, changed_by=staff.id))
        if not form.ok:
            return sso_page(request, form, has_secret=has_secret)
        return redirect_to(request, "admin-sso", query={"saved": "true"})
