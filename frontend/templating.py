"""Templates and static assets of the staff UI."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from jinja2 import pass_context
from litestar import MediaType, Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST
from litestar.template.config import TemplateConfig

from confide.frontend.static import asset_url
from confide.platform.core.clock import uk_date, uk_datetime
from confide.platform.identity.idempotency import new_key
from confide.platform.identity.web import current_staff
from confide.platform.notifications.services import header_unread
from confide.tenants.resolution import request_tenant, route_path, route_paths

if TYPE_CHECKING:
    from confide.frontend.forms import Form

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
PLATFORM_NAME = "Confide"


def page_url(request: Request[Any, Any, Any], name: str, **params: Any) -> str:
    """The path the browser uses for the tenant page (or API route) named ``name``
    (``tenants.resolution.route_path``: from the route's name, never by joining strings)."""
    return route_path(request, name, **params)


def redirect_to(
    request: Request[Any, Any, Any],
    name: str,
    *,
    query: Mapping[str, str] | None = None,
    **params: Any,
) -> Redirect:
    """Post/Redirect/Get: 303 to the page named ``name`` (with ``query``, e.g. what was
    done, for the page's banner)."""
    path = page_url(request, name, **params)
    return Redirect(f"{path}?{urlencode(query)}" if query else path, status_code=HTTP_303_SEE_OTHER)


@pass_context
def _url(context: Mapping[str, Any], name: str, **params: Any) -> str:
    """Templates: ``url("case", case_id=case.id)``, as ``page_url``. A page made with
    ``page_context`` has its own ``url`` instead, which Jinja calls without its context:
    for a function marked ``pass_context`` Jinja copies the whole context at each call
    made in a loop or after a block's ``set`` (``Context.derived``), and a page makes
    dozens of links (a twelfth of the case page's CPU with this one)."""
    return page_url(context["request"], name, **params)


@pass_context
def _start_url(context: Mapping[str, Any], slug: str) -> str:
    """Templates: ``start_url(service.slug)``, a tenant's start page, as ``start_url``."""
    return start_url(context["request"], slug)


def _register_filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["uk_datetime"] = uk_datetime
    engine.engine.filters["uk_date"] = uk_date
    engine.engine.globals["url"] = _url
    engine.engine.globals["start_url"] = _start_url
    engine.engine.globals["asset_url"] = asset_url
    engine.engine.globals["new_idempotency_key"] = new_key
    # Templates ship with the package: checking each file on disk for changes, several
    # times a request, is cost without use. A changed template needs a restart.
    engine.engine.auto_reload = False


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_register_filters
    )


def start_url(request: Request[Any, Any, Any], slug: str | None = None) -> str:
    """A tenant's start page as a browser shows a site's root, with its slash: this
    request's tenant's, or (from the platform's own pages) the tenant ``slug``'s."""
    start = page_url(request, "start", **({"tenant_slug": slug} if slug else {}))
    return start if start.endswith("/") else f"{start}/"


def home_url(request: Request[Any, Any, Any]) -> str:
    """Where the service name in the header goes: the tenant's start page, or the site's
    root outside a tenant."""
    return start_url(request) if request_tenant(request) is not None else "/"


def tenant_site(request: Request[Any, Any, Any]) -> str:
    """The tenant's address as this browser reaches it (``https://host/t/<slug>``, or its
    own host), from which the addresses registered at its provider are made."""
    return str(request.base_url).rstrip("/") + page_url(request, "start").rstrip("/")


def page_context(request: Request[Any, Any, Any] | None, **extra: Any) -> dict[str, Any]:
    """What every page template needs: the service name, where home is, who is signed
    in, and ``url`` for this request (``route_paths``; see ``_url``)."""
    tenant = request_tenant(request) if request is not None else None
    return {
        **({"url": route_paths(request)} if request is not None else {}),
        "tenant": tenant,
        "service_name": tenant.display_name if tenant else PLATFORM_NAME,
        "home_url": home_url(request) if request is not None else "/",
        "staff": current_staff(request) if request is not None else None,
        "unread_notifications": header_unread(request.scope) if request is not None else None,
        **extra,
    }


def form_page(
    request: Request[Any, Any, Any],
    template: str,
    form: Form,
    *,
    status_code: int | None = None,
    **extra: Any,
) -> Template:
    """A page with a form: what was typed, its problems in the page's order and where each
    summary link goes; 400 when there are problems (else 200, or ``status_code``)."""
    errors = form.errors
    return Template(
        template,
        context=page_context(request, form=form, errors=errors, anchors=form.anchors, **extra),
        media_type=MediaType.HTML,  # not guessed again from the name at every response
        status_code=HTTP_400_BAD_REQUEST if errors else status_code or 200,
    )
