"""Signing a member of staff in through their tenant's own provider, and out again.

``begin`` remembers state, nonce and PKCE verifier server-side for ten
minutes, bound to a random value in a cookie of the browser that started, so
a stolen or replayed state is useless; ``complete`` consumes them exactly
once. Every outcome is audited: who signed in, and every refusal with its
reason code.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from confide.platform.audit.actions import Action
from confide.platform.audit.services import record as audit
from confide.platform.core.stores import store
from confide.platform.identity import sessions, staff
from confide.platform.identity.oidc import (
    SignInRejected,
    authorization_request,
    exchange_code,
    groups_from,
    has_group_overage,
    validate_id_token,
)
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.tenants.policy.services import get_policy
from confide.tenants.schemas import TenantView
from confide.tenants.sso.discovery import DiscoveryError, ProviderMetadata, discover
from confide.tenants.sso.schemas import SsoView
from confide.tenants.sso.services import client_secret, get_sso

PENDING_SECONDS = 600


class NoAccess(Exception):
    """Signed in correctly at the provider, but holds no role in this service."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: StaffView
    session_token: str


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def _provider() -> tuple[SsoView, ProviderMetadata]:
    sso = await get_sso()
    if sso is None:
        raise SignInRejected("not_configured")
    try:
        return sso, await discover(sso.issuer)
    except DiscoveryError:
        raise SignInRejected("provider_unreachable") from None


async def begin(tenant: TenantView, redirect_uri: str, next_path: str) -> tuple[str, str]:
    """Start a sign-in: returns the provider URL and the browser-binding cookie value."""
    sso, metadata = await _provider()
    binding = secrets.token_urlsafe(32)
    request = authorization_request(
        metadata=metadata,
        client_id=sso.client_id,
        scopes=sso.scopes,
        redirect_uri=redirect_uri,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
    )
    pending = {
        "tenant_id": str(tenant.id),
        "nonce": request.nonce,
        "code_verifier": request.code_verifier,
        "binding": _digest(binding),
        "next": next_path,
        "created": time.time(),
    }
    await store("sign-in").set(
        _digest(request.state), json.dumps(pending), expires_in=PENDING_SECONDS
    )
    return request.url, binding


async def _consume(state: str) -> dict[str, str] | None:
    pending_store = store("sign-in")
    key = _digest(state)
    raw = await pending_store.get(key)
    await pending_store.delete(key)
    return json.loads(raw) if raw else None


async def complete(
    tenant: TenantView,
    *,
    state: str | None,
    code: str | None,
    provider_error: str | None,
    binding: str | None,
    redirect_uri: str,
) -> tuple[SignedIn, str]:
    """Finish a sign-in; returns the new session and the path to go to next."""
    try:
        return await _complete(tenant, state, code, provider_error, binding, redirect_uri)
    except SignInRejected as rejected:
        await audit(Action.SIGN_IN_FAILED, actor_kind="anonymous", reason_code=rejected.reason)
        raise
    except NoAccess:
        await audit(Action.SIGN_IN_FAILED, actor_kind="anonymous", reason_code="no_role")
        raise


async def _complete(
    tenant: TenantView,
    state: str | None,
    code: str | None,
    provider_error: str | None,
    binding: str | None,
    redirect_uri: str,
) -> tuple[SignedIn, str]:
    pending = await _consume(state) if state and len(state) < 200 else None
    if pending is None:
        raise SignInRejected("unknown_or_replayed_state")
    if pending["tenant_id"] != str(tenant.id):
        raise SignInRejected("state_for_another_tenant")
    if not binding or _digest(binding) != pending["binding"]:
        raise SignInRejected("state_from_another_browser")
    if provider_error or not code:
        raise SignInRejected("provider_error")
    sso, metadata = await _provider()
    secret = await client_secret()
    id_token = await exchange_code(
        metadata=metadata,
        client_id=sso.client_id,
        client_secret=secret or "",
        scopes=sso.scopes,
        redirect_uri=redirect_uri,
        code=code,
        code_verifier=pending["code_verifier"],
    )
    claims = await validate_id_token(
        id_token,
        metadata=metadata,
        issuer=sso.issuer,
        client_id=sso.client_id,
        nonce=pending["nonce"],
    )
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    if not sso.email_allowed(email):
        raise SignInRejected("email_domain_not_allowed")
    groups = groups_from(claims, sso.groups_claim)
    roles = sso.roles_for(groups)
    if not roles:
        if has_group_overage(claims, sso.groups_claim):
            raise SignInRejected("group_overage")
        raise NoAccess()
    name = claims.get("name") or claims.get("preferred_username") or email or "Member of staff"
    user = await staff.record_sign_in(
        issuer=sso.issuer, subject=claims["sub"], email=email, name=str(name)[:200], roles=roles
    )
    if user.status is StaffStatus.SUSPENDED:
        raise SignInRejected("suspended")
    policy = await get_policy()
    token = await sessions.start(
        tenant_id=tenant.id,
        user_id=user.id,
        idle_minutes=policy.session_idle_minutes,
        absolute_hours=policy.session_absolute_hours,
        id_token=id_token,
        roles=user.roles,
    )
    await audit(Action.SIGN_IN, actor_kind="staff", actor_id=user.id)
    return SignedIn(user, token), pending["next"]


async def sign_out(token: str, session: sessions.StaffSession) -> None:
    """End the session here; the provider's own session is ended from the signed-out page."""
    await sessions.end(token)
    await audit(Action.SIGN_OUT, actor_kind="staff", actor_id=session.user)


async def provider_sign_out_url(post_logout_redirect_uri: str) -> str | None:
    """Where to end the person's session at the provider too, if it offers that.

    RP-initiated logout with ``client_id`` rather than ``id_token_hint``: the
    link sits on a page, and an ID token in a URL would leak into logs.
    """
    sso = await get_sso()
    if sso is None:
        return None
    try:
        metadata = await discover(sso.issuer)
    except DiscoveryError:
        return None
    if not metadata.end_session_endpoint:
        return None
    query = urlencode(
        {"client_id": sso.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    )
    return f"{metadata.end_session_endpoint}?{query}"
