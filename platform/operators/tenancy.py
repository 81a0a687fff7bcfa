"""What an operator does to the tenant registry, each act audited in that tenant's own log.

The registry change and its audit entry share one ``tenant_transaction``, so
neither lands without the other. The entries hold the operator's id and the
act, nothing more; no tenant-owned row is read.
"""

from __future__ import annotations

from uuid import uuid4

from confide.platform.audit.actions import Action
from confide.platform.audit.services import record
from confide.platform.core.db import tenant_transaction
from confide.platform.operators.schemas import OperatorView
from confide.tenants.schemas import ControllerKind, TenantStatus, TenantView
from confide.tenants.services import TenantError, create_tenant, get_tenant, set_status

_ACTIONS = {
    TenantStatus.SUSPENDED: Action.TENANT_SUSPENDED,
    TenantStatus.ACTIVE: Action.TENANT_RESTORED,
}


async def provision(
    by: OperatorView, slug: str, display_name: str, controller_kind: ControllerKind
) -> TenantView:
    """Create a tenant; its audit log opens with who created it. Raises ``TenantError``."""
    tenant_id = uuid4()
    async with tenant_transaction(tenant_id):
        tenant = await create_tenant(slug, display_name, controller_kind, tenant_id=tenant_id)
        await record(
            Action.TENANT_CREATED,
            actor_kind="operator",
            actor_id=by.id,
            subject_kind="tenant",
            subject_id=tenant.id,
        )
    return tenant


async def change_status(by: OperatorView, slug: str, status: TenantStatus) -> TenantView:
    """Suspend or restore a tenant; a change is audited, asking again changes nothing."""
    tenant = await get_tenant(slug)
    if tenant is None:
        raise TenantError(f"no tenant with slug {slug!r}", field="slug")
    if tenant.status is status:
        return tenant
    async with tenant_transaction(tenant.id):
        changed = await set_status(slug, status)
        await record(
            _ACTIONS[status],
            actor_kind="operator",
            actor_id=by.id,
            subject_kind="tenant",
            subject_id=tenant.id,
        )
    return changed
