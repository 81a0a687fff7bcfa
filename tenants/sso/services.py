"""Save and read the current tenant's identity provider configuration.

Saving checks the provider's discovery document first, so an admin learns at
once that the issuer is unreachable, not an OpenID provider, or calls itself
something else. The client secret is encrypted with the platform's key and
never returned; only the sign-in flow decrypts it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from confide.platform.audit.actions import Action
from confide.platform.audit.services import record as audit
from confide.platform.core.crypto import secret_box
from confide.platform.core.db import current_tenant_id
from confide.platform.core.edge import control_characters
from confide.platform.core.errors import Invalid
from confide.tenants.sso import discovery, queries
from confide.tenants.sso.schemas import SsoSettings, SsoView

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")
_CLAIM = re.compile(r"^[A-Za-z0-9_:./-]{1,100}$")


async def get_sso() -> SsoView | None:
    return await queries.sso()


async def client_secret() -> str | None:
    """The decrypted client secret, for the token request only."""
    encrypted = await queries.encrypted_client_secret()
    return secret_box().decrypt(encrypted) if encrypted is not None else None


def validate_sso(settings: SsoSettings, *, has_secret: bool) -> None:
    """``Invalid`` with what is wrong with the settings themselves, field by field (no
    network)."""
    errors: dict[str, str] = {}
    try:
        discovery.check_issuer_url(settings.issuer)
    except discovery.DiscoveryError as error:
        errors["issuer"] = str(error)
    if not settings.client_id.strip() or len(settings.client_id) > 300:
        errors["client_id"] = "Enter the client ID (application ID) the provider gave you"
    if (settings.client_secret is None and not has_secret) or (
        settings.client_secret is not None and not 1 <= len(settings.client_secret) <= 500
    ):
        errors["client_secret"] = "Enter the client secret"  # noqa: S105 - a message
    scopes = settings.scopes.split()
    if "openid" not in scopes or len(settings.scopes) > 300:
        errors["scopes"] = "Scopes must include openid"
    if not _CLAIM.match(settings.groups_claim):
        errors["groups_claim"] = "Enter the name of the claim that carries groups, e.g. groups"
    if not settings.role_mapping:
        errors["role_mapping"] = "Map at least one group to a role"
    elif any(not group.strip() or len(group) > 200 for group in settings.role_mapping):
        errors["role_mapping"] = "Each group value must be 1 to 200 characters"
    bad = [d for d in settings.allowed_email_domains if not _DOMAIN.match(d)]
    if bad:
        errors["allowed_email_domains"] = f"Not a domain: {', '.join(bad)}"
    typed = {
        "issuer": ("The issuer URL", [settings.issuer]),
        "client_id": ("The client ID", [settings.client_id]),
        "client_secret": ("The client secret", [settings.client_secret or ""]),
        "scopes": ("Scopes", [settings.scopes]),
        "role_mapping": ("Group values", list(settings.role_mapping)),
    }
    for field, (label, values) in typed.items():
        if any(control_characters(value, single_line=True) for value in values):
            errors[field] = f"{label} must not include control characters"
    if errors:
        raise Invalid(errors)


async def check_sso(settings: SsoSettings, *, has_secret: bool) -> None:
    """Raise ``Invalid`` unless the settings are complete and the provider answers."""
    validate_sso(settings, has_secret=has_secret)
    try:
        await discovery.discover(settings.issuer, fresh=True)
    except discovery.DiscoveryError as error:
        raise Invalid({"issuer": str(error)}) from None


async def save_sso(settings: SsoSettings, *, changed_by: UUID | None) -> SsoView:
    """Check, then store, the tenant's provider configuration."""
    existing = await queries.sso_id()
    await check_sso(settings, has_secret=existing is not None)
    values: dict[str, Any] = {
        "issuer": settings.issuer,
        "client_id": settings.client_id.strip(),
        "scopes": " ".join(settings.scopes.split()),
        "groups_claim": settings.groups_claim,
        "role_mapping": {
            group.strip(): sorted({role.value for role in roles})
            for group, roles in settings.role_mapping.items()
        },
        "allowed_email_domains": ",".join(
            sorted({d.lower() for d in settings.allowed_email_domains})
        ),
        "updated_at": datetime.now(UTC),
    }
    if settings.client_secret is not None:
        values["client_secret_encrypted"] = secret_box().encrypt(settings.client_secret)
    await queries.save_sso(current_tenant_id(), existing, values)
    discovery.forget(settings.issuer)
    await audit(
        Action.SSO_CHANGED,
        actor_kind="staff" if changed_by else "system",
        actor_id=changed_by,
        detail={"created": existing is None, "secret_changed": settings.client_secret is not None},
    )
    view = await get_sso()
    assert view is not None
    return view
