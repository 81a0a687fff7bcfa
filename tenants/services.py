"""The tenant registry: provision, list, suspend, resolve.

Creating and suspending tenants is a platform operator's act: from the
``confide tenants`` commands (owner role) or the operator pages (application
role, which reads the registry but writes it only through the ``app_tenant_*``
functions: a new active tenant, or a status; nothing else, and no deletion).
Both go through those functions, so there is one way to write the registry.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from uuid import UUID, uuid4

from confide.platform.core.edge import control_characters
from confide.platform.core.errors import Invalid
from confide.tenants import queries
from confide.tenants.schemas import SLUG_PATTERN, ControllerKind, TenantStatus, TenantView

RESERVED_SLUGS = frozenset({"api", "assets", "admin", "operator", "healthz", "readyz", "www"})


class TenantError(Invalid):
    """A provisioning request that cannot be carried out: the reason, on the input at
    fault (``slug``, ``display_name``), so a form can show it beside that field."""

    def __init__(self, message: str, *, field: str = "slug") -> None:
        super().__init__({field: message})
        self.field = field


def check_slug(slug: str) -> str:
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
        raise TenantError(
            f"slug {slug!r} is not allowed: use 1-40 lower-case letters, digits and hyphens",
            field="slug",
        )
    return slug


async def create_tenant(
    slug: str,
    display_name: str,
    controller_kind: ControllerKind = ControllerKind.COUNCIL,
    *,
    tenant_id: UUID | None = None,
) -> TenantView:
    """Add a tenant; ``tenant_id`` lets a caller open its transaction first (to audit it)."""
    check_slug(slug)
    display_name = display_name.strip()
    if not display_name or len(display_name) > 120:
        raise TenantError("display name must be 1-120 characters", field="display_name")
    if control_characters(display_name, single_line=True):
        raise TenantError("display name must not include control characters", field="display_name")
    if await queries.slug_taken(slug):
        raise TenantError(f"a tenant with slug {slug!r} already exists", field="slug")
    return await queries.create(
        tenant_id or uuid4(), slug, display_name, ControllerKind(controller_kind)
    )


async def list_tenants(*, limit: int = 100, offset: int = 0) -> list[TenantView]:
    return await queries.tenants(limit, offset)


async def count_tenants() -> int:
    return await queries.tenant_count()


async def get_tenant(slug: str) -> TenantView | None:
    """The tenant with this slug whatever its status (for operators, never for requests)."""
    if not SLUG_PATTERN.match(slug):
        return None
    return await queries.tenant_by_slug(slug)


async def list_tenant_ids() -> list[UUID]:
    """Every tenant, suspended too (their records are kept, and still anchored)."""
    return await queries.tenant_ids()


async def list_active_tenant_ids() -> list[UUID]:
    return await queries.tenant_ids(active_only=True)


async def set_status(slug: str, status: TenantStatus) -> TenantView:
    view = await queries.set_status(slug, TenantStatus(status))
    forget_tenant(slug)
    if view is None:
        raise TenantError(f"no tenant with slug {slug!r}", field="slug")
    return view


# Active tenants by slug, as this process last read them, and when: a request's tenant
# comes from here, and its transaction checks with its BEGIN that it is still active
# (``request_check``), so a suspension anywhere takes effect at the next request.
_ACTIVE: dict[str, tuple[TenantView, float]] = {}
ACTIVE_KEPT_FOR = 30.0  # seconds: the registry's other fields are read again after this


async def get_active_tenant(slug: str) -> TenantView | None:
    """The tenant for a request, or None for unknown and suspended alike (suspended as of
    this process's last read: the request's transaction makes sure, ``request_check``)."""
    if not SLUG_PATTERN.match(slug):
        return None
    kept = _ACTIVE.get(slug)
    now = time.monotonic()
    if kept is not None and now - kept[1] < ACTIVE_KEPT_FOR:
        return kept[0]
    tenant = await queries.active_tenant_by_slug(slug)
    if tenant is None:
        _ACTIVE.pop(slug, None)
    else:
        _ACTIVE[slug] = (tenant, now)
    return tenant


def request_check(also: Sequence[str] = (), tally: str | None = None) -> str:
    """What a request's transaction sends with its BEGIN: a row only while the tenant it
    is set to is active and the conditions ``also`` hold (``tenant_transaction``'s
    ``check``), and one more for each row ``tally`` finds."""
    return queries.still_active(also, tally)


def forget_tenant(slug: str) -> None:
    """Read the tenant again at its next request (its check found it suspended)."""
    _ACTIVE.pop(slug, None)


async def get_active_tenant_by_id(tenant_id: UUID) -> TenantView | None:
    return await queries.active_tenant_by_id(tenant_id)
