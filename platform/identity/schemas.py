"""Staff users as the rest of Confide sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from confide.tenants.roles import StaffRole


class StaffStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(frozen=True, slots=True)
class StaffView:
    id: UUID
    display_name: str
    email: str | None
    roles: frozenset[StaffRole]
    status: StaffStatus
    last_sign_in_at: datetime | None

    def has(self, *roles: StaffRole) -> bool:
        """True when the person holds any of ``roles``."""
        return bool(self.roles.intersection(roles))

    @property
    def role_labels(self) -> str:
        return ", ".join(r.label for r in StaffRole if r in self.roles) or "No role"
