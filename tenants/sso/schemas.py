"""The SSO configuration as the rest of Confide sees it (never the secret)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from confide.tenants.roles import StaffRole


@dataclass(frozen=True, slots=True)
class SsoSettings:
    """What an admin submits. ``client_secret`` None keeps the stored one."""

    issuer: str
    client_id: str
    client_secret: str | None
    scopes: str = "openid profile email"
    groups_claim: str = "groups"
    role_mapping: dict[str, tuple[StaffRole, ...]] = field(default_factory=dict)
    allowed_email_domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SsoView:
    """The stored configuration, for pages and the sign-in flow; no secret in it."""

    issuer: str
    client_id: str
    scopes: str
    groups_claim: str
    role_mapping: dict[str, tuple[StaffRole, ...]]
    allowed_email_domains: tuple[str, ...]
    updated_at: datetime

    def roles_for(self, groups: list[str]) -> set[StaffRole]:
        """The Confide roles the provider's group values map to."""
        return {role for group in groups for role in self.role_mapping.get(group, ())}

    def email_allowed(self, email: str | None) -> bool:
        if not self.allowed_email_domains:
            return True
        if not email or "@" not in email:
            return False
        return email.rsplit("@", 1)[1].lower() in self.allowed_email_domains
