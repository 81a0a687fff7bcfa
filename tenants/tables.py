"""The platform-level tenant registry. Not tenant-owned: it says which tenants exist.

``APP_READ``: every request resolves its tenant here, so the application role
reads it; platform operators provision, suspend and restore tenants from the
web app through the ``app_tenant_*`` functions (``tenants.services``), which
change nothing else, and no one removes a tenant.
"""

from piccolo.columns import UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check
from piccolo.table import Table

from confide.platform.core.tables import APP_READ
from confide.tenants.schemas import ControllerKind, TenantStatus


class Tenant(Table, tablename="tenants", tags=[APP_READ]):
    id = UUID(primary_key=True)
    slug = Varchar(length=40, unique=True, index=True)
    display_name = Varchar(length=120)
    status = Varchar(length=16, choices=TenantStatus, default=TenantStatus.ACTIVE)
    controller_kind = Varchar(length=16, choices=ControllerKind, default=ControllerKind.COUNCIL)
    created_at = Timestamptz(default=TimestamptzNow())
    # The registry's shape, whoever writes (the app_tenant_* functions too); no braces in
    # a check: Piccolo reads {...} in SQL as a placeholder.
    tenants_slug_check = Check("length(slug) <= 40 AND slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'")
    tenants_display_name_check = Check("length(btrim(display_name)) BETWEEN 1 AND 120")
    tenants_status_check = Check("status IN ('active', 'suspended')")
    tenants_controller_kind_check = Check("controller_kind IN ('council', 'charity')")
