"""The platform-level tenant registry. Not tenant-owned: it says which tenants exist.

``APP_MANAGE``: platform operators provision and suspend tenants from the web
app, so the application role may insert and update rows, never delete them.
"""

from enum import StrEnum

from piccolo.columns import UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from confide.platform.core.tables import APP_MANAGE


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class ControllerKind(StrEnum):
    """Who runs the service; it decides the privacy notice and FOI scope (DESIGN rule 16)."""

    COUNCIL = "council"
    CHARITY = "charity"


class Tenant(Table, tablename="tenants", tags=[APP_MANAGE]):
    id = UUID(primary_key=True)
    slug = Varchar(length=40, unique=True, index=True)
    display_name = Varchar(length=120)
    status = Varchar(length=16, choices=TenantStatus, default=TenantStatus.ACTIVE)
    controller_kind = Varchar(length=16, choices=ControllerKind, default=ControllerKind.COUNCIL)
    created_at = Timestamptz(default=TimestamptzNow())
