"""Cases recorded years ago (the application's clock moved back while they are recorded
and closed) and the retention sweep that erases them, for tests beyond retention's own."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import time_machine

from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef


async def old_case(
    http: httpx.AsyncClient,
    years_ago: int,
    *,
    born: str = "2000-03-02",
    reply_after_days: int | None = None,
    at: datetime | None = None,
    open_for_days: int = 0,
    note: str | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """A case recorded, contacted (and given the ``note``, if any) and closed ``years_ago``
    (or ``at`` that instant) with an outcome (replied to ``reply_after_days`` after, if
    given, then closed, at least ``open_for_days`` after it was opened): the case and the
    young person's last name."""
    opened = then = at or datetime.now(UTC) - timedelta(days=366 * years_ago)
    with time_machine.travel(then, tick=True):
        last_name = f"Oldcase{uuid.uuid4().hex[:6]}"
        young = {"first_name": "Rhiannon", "last_name": last_name,
                 "date_of_birth": born, "phone": "07700 900555", "may_phone": True}  # fmt: skip
        case = await new_case(http, young_person=young, **changes)
        contact = await post(
            http,
            f"{NM}/cases/{case['id']}/contacts",
            {"kind": "phone", "direction": "incoming", "occurred_at": then.isoformat(),
             "summary": "Talked about the EHC plan"},
        )  # fmt: skip
        assert contact.status_code == 201, contact.text
        if note is not None:
            noted = await post(http, f"{NM}/cases/{case['id']}/notes", {"body": note})
            assert noted.status_code == 201, noted.text
    if reply_after_days is not None:
        then += timedelta(days=reply_after_days)
        with time_machine.travel(then, tick=True):
            reply = await post(
                http,
                f"{NM}/cases/{case['id']}/contacts",
                {"kind": "phone", "direction": "outgoing", "occurred_at": then.isoformat(),
                 "summary": "Wrote back about the EHC plan"},
            )  # fmt: skip
            assert reply.status_code == 201, reply.text
    then = max(then, opened + timedelta(days=open_for_days))
    with time_machine.travel(then, tick=True):
        closed = await post(http, f"{NM}/cases/{case['id']}/close", {"outcome": "Advice given"})
        assert closed.status_code == 200, closed.text
    return {**case, "last_name": last_name}


async def staff_of(owner: asyncpg.Connection, tenant: TenantRef, subject: str) -> Any:
    """The member of staff whose sign-in subject is ``subject``, as a ``StaffView``."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.identity.staff import get_staff

    [row] = await as_tenant(owner, tenant, "SELECT id FROM staff_users WHERE subject = $1", subject)
    async with tenant_transaction(tenant.id):
        return await get_staff(row["id"])


async def confirm(owner: asyncpg.Connection, tenant: TenantRef, admin: str) -> None:
    """The tenant admin confirms the dry run (an earlier test may have: once is enough)."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.errors import Conflict
    from confide.platform.retention import services

    staff = await staff_of(owner, tenant, admin)
    async with tenant_transaction(tenant.id):
        with contextlib.suppress(Conflict):
            await services.confirm(staff)


async def confirm_and_sweep(
    owner: asyncpg.Connection, tenant: TenantRef, admin: str
) -> dict[str, int]:
    """The tenant admin confirms the dry run (once is enough), then the sweep runs."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.retention import services

    await confirm(owner, tenant, admin)
    async with tenant_transaction(tenant.id):
        return await services.sweep()
