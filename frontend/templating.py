"""Templates and static assets of the staff UI."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from confide.frontend.static import asset_url
from confide.platform.core.clock import SERVICE_ZONE
from confide.platform.core.pagination import Page
from confide.platform.identity.idempotency import new_key
from confide.platform.identity.web import current_staff
from confide.tenants.resolution import request_tenant, tenant_base_path

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
PLATFORM_NAME = "Confide"


def uk_datetime(moment: datetime | None) -> str:
    """A moment as people in England read it: 25 November 2026 at 6:40pm."""
    if moment is None:
        return ""
    local = moment.astimezone(SERVICE_ZONE)
    return f"{local.day} {local:%B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def page_url(request: Request[Any, Any, Any], name: str, **params: Any) -> str:
    """The path the browser uses for the tenant page (or API route) named ``name``: built
    from the route's name, never by joining strings, so a moved route moves every link.
    On the tenant's own host (``<slug>.<base domain>``) the ``/t/<slug>`` part is left out."""
    tenant = request_tenant(request)
    if tenant is None:
        return request.app.route_reverse(name, **params)
    path = request.app.route_reverse(name, tenant_slug=tenant.slug, **params)
    prefix = f"/t/{tenant.slug}"
    if not tenant_base_path(request, tenant) and path.startswith(prefix):
        return path[len(prefix) :] or "/"
    return path


@pass_context
def _url(context: Mapping[str, Any], name: str, **params: Any) -> str:
    """Templates: ``url("case", case_id=case.id)``, as ``page_url``."""
    return page_url(context["request"], name, **params)


def _register_filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["uk_datetime"] = uk_datetime
    engine.engine.globals["url"] = _url
    engine.engine.globals["asset_url"] = asset_url
    engine.engine.globals["new_idempotency_key"] = new_key
    # Templates ship with the package: checking each file on disk for changes, several
    # times a request, is cost without use. A changed template needs a restart.
    engine.engine.auto_reload = False


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_register_filters
    )


def page_context(request: Request[Any, Any, Any] | None, **extra: Any) -> dict[str, Any]:
    """What every page template needs: the service name, where home is, who is signed in."""
    tenant = request_tenant(request) if request is not None else None
    base_path = tenant_base_path(request, tenant) if request is not None and tenant else ""
    return {
        "tenant": tenant,
        "service_name": tenant.display_name if tenant else PLATFORM_NAME,
        "home_url": f"{base_path}/" if tenant else "/",
        "base_path": base_path,
        "staff": current_staff(request) if request is not None else None,
        **extra,
    }


def paged_template(
    request: Request[Any, Any, Any], template: str, found: Page[Any], page: int, **extra: Any
) -> Template:
    """A page showing one page of a list: its ``entries``, ``total``, ``page`` and ``pages``
    for ``_pagination.html``, and whatever else the template needs."""
    return Template(
        template,
        context=page_context(
            request,
            entries=found.items,
            total=found.total,
            page=page,
            pages=found.page_count,
            **extra,
        ),
    )
