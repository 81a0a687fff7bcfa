"""What the rest of Confide knows about a tenant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from confide.tenants.tables import ControllerKind, TenantStatus

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


@dataclass(frozen=True, slots=True)
class TenantView:
    id: UUID
    slug: str
    display_name: str
    status: TenantStatus
    controller_kind: ControllerKind
    created_at: datetime
