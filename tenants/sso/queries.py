"""The tenant's identity provider configuration's SQL: its one row."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from confide.tenants.roles import StaffRole
from confide.tenants.sso.schemas import SsoView
from confide.tenants.sso.tables import SsoProvider

_PUBLIC_COLUMNS = (
    SsoProvider.issuer,
    SsoProvider.client_id,
    SsoProvider.scopes,
    SsoProvider.groups_claim,
    SsoProvider.role_mapping,
    SsoProvider.allowed_email_domains,
    SsoProvider.updated_at,
)


def _view(row: dict[str, Any]) -> SsoView:
    raw = row["role_mapping"]
    stored = json.loads(raw) if isinstance(raw, str) else raw
    mapping = {group: tuple(StaffRole(role) for role in roles) for group, roles in stored.items()}
    domains = tuple(d for d in (row["allowed_email_domains"] or "").split(",") if d)
    return SsoView(
        issuer=row["issuer"],
        client_id=row["client_id"],
        scopes=row["scopes"],
        groups_claim=row["groups_claim"],
        role_mapping=mapping,
        allowed_email_domains=domains,
        updated_at=row["updated_at"],
    )


async def sso() -> SsoView | None:
    """The tenant's provider configuration, without the secret."""
    row = await SsoProvider.select(*_PUBLIC_COLUMNS).first()
    return _view(row) if row else None


async def encrypted_client_secret() -> str | None:
    row = await SsoProvider.select(SsoProvider.client_secret_encrypted).first()
    return str(row["client_secret_encrypted"]) if row else None


async def sso_id() -> UUID | None:
    """The id of the tenant's configuration row (None: none yet)."""
    row = await SsoProvider.select(SsoProvider.id).first()
    return None if row is None else row["id"]


async def save_sso(tenant_id: UUID, existing: UUID | None, values: Mapping[str, Any]) -> None:
    """Change the named columns of the configuration row ``existing``, or make the row."""
    if existing is not None:
        await SsoProvider.update(
            {getattr(SsoProvider, name): value for name, value in values.items()}
        ).where(SsoProvider.id == existing)
    else:
        await SsoProvider.insert(SsoProvider(tenant_id=tenant_id, **values))
