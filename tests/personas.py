"""The people the tests act as, in one place, signed in without the sign-in pages.

Each persona is a member of a demo service's staff, as the development provider
lists them (``platform/devidp.py``). ``sign_in_as`` does what a completed sign-in
does (the staff record from the provider's claims, then a session in the store,
its cookie on the client) without the OpenID round trip, which costs several
requests a test: the real sign-in is tested on its own (``test_signin*.py``, the
e2e journeys). Someone with no role cannot hold a session at all, so no persona
stands for them: their tests sign in through the provider and are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.helpers.tenants import TenantRef


@dataclass(frozen=True)
class Persona:
    tenant: str
    sub: str
    name: str
    roles: tuple[str, ...]  # StaffRole values


PERSONAS: dict[str, Persona] = {
    "aisha": Persona("northmoor", "northmoor-cw-1", "Aisha Rahman", ("caseworker",)),
    "tom": Persona("northmoor", "northmoor-cw-2", "Tom Hargreaves", ("caseworker",)),
    "fiona": Persona("northmoor", "northmoor-manager", "Fiona MacLeod", ("manager",)),
    "gareth": Persona("northmoor", "northmoor-admin", "Gareth Pryce", ("tenant_admin",)),
    "priya": Persona("eastdale", "eastdale-cw-1", "Priya Nair", ("caseworker",)),
    "callum": Persona("eastdale", "eastdale-cw-2", "Callum Doherty", ("caseworker",)),
    "bronwen": Persona("eastdale", "eastdale-manager", "Bronwen Ellis", ("manager",)),
    "seun": Persona("eastdale", "eastdale-admin", "Seun Adeyemi", ("tenant_admin",)),
}


async def start_session(name: str, tenants: dict[str, TenantRef], issuer: str) -> Any:
    """What a completed sign-in as the persona ``name`` writes: their staff record and a
    session in the store. Returns (their ``StaffView``, the session cookie's value).

    ``issuer``: the tenant's provider (the development provider's address), so the staff
    record is the one a real sign-in at that provider finds.
    """
    from confide.platform.core.db import tenant_transaction
    from confide.platform.identity import sessions, staff
    from confide.tenants.policy.services import get_policy
    from confide.tenants.roles import StaffRole

    persona = PERSONAS[name]
    tenant = tenants[persona.tenant]
    async with tenant_transaction(tenant.id):
        user = await staff.record_sign_in(
            issuer=issuer,
            subject=persona.sub,
            email=f"{persona.name.lower().replace(' ', '.')}@{persona.tenant}.example",
            name=persona.name,
            roles={StaffRole(role) for role in persona.roles},
        )
        policy = await get_policy()
    token = await sessions.start(
        tenant_id=tenant.id,
        user_id=user.id,
        idle_minutes=policy.session_idle_minutes,
        absolute_hours=policy.session_absolute_hours,
        id_token=None,
        roles=user.roles,
    )
    return user, token


async def sign_in_as(
    http: httpx.AsyncClient, name: str, tenants: dict[str, TenantRef], issuer: str
) -> Any:
    """Sign ``http`` in as the persona ``name``; returns their ``StaffView``."""
    from confide.platform.identity import sessions

    tenant = tenants[PERSONAS[name].tenant]
    user, token = await start_session(name, tenants, issuer)
    http.cookies.set(sessions.COOKIE, token, path=f"/t/{tenant.slug}")
    # The first page sets the CSRF cookie a form or script sends back.
    landed = await http.get(f"/t/{tenant.slug}/dashboard")
    assert landed.status_code == 200, landed.text
    return user
