"""What the rest of Confide knows about a tenant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class ControllerKind(StrEnum):
    """Who runs the service; it decides the privacy notice and FOI scope (rule 16)."""

    COUNCIL = "council"
    CHARITY = "charity"


SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


@dataclass(frozen=True, slots=True)
class TenantView:
    id: UUID
    slug: str
    display_name: str
    status: TenantStatus
    controller_kind: ControllerKind
    created_at: datetime
