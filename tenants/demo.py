"""The demo services that ``confide run`` creates: invented services, never real ones."""

from __future__ import annotations

from confide.tenants.schemas import TenantView
from confide.tenants.services import get_active_tenant

# slug, display name, who runs it (the data controller's voice)
DEMO_TENANTS: tuple[tuple[str, str, str], ...] = (
    ("northmoor", "Northmoor SEND Information, Advice and Support Service", "council"),
    ("eastdale", "Eastdale SENDIASS", "charity"),
)


async def demo_services() -> list[TenantView]:
    """The demo tenants that exist and are active, in the order above."""
    found = [await get_active_tenant(slug) for slug, _, _ in DEMO_TENANTS]
    return [tenant for tenant in found if tenant is not None]
