"""The bare endpoint the paths are measured against: the least a tenant-scoped read can do.

One Litestar route on the same database, role and pool size as Confide: take a pooled
connection, ``BEGIN``, ``set_config('app.tenant_id', ...)``, select 20 people under
row-level security (in name order, by the tenant's name index), ``COMMIT``, answer
JSON. No session, no audit, no templates. Served by ``bench/run`` with uvicorn and the
same processes and protocol as ``confide serve``.

Beside it, the floor of a case read (``/t/<slug>/floor/<case id>``): the bare read plus
only what the policy makes every case read do, written as plainly: the session's Redis
``GET`` (sign-out takes effect at once), the tenant and the member of staff checked with
``BEGIN`` as the case API's request checks them (a suspension takes effect at once; the
member of staff read once, active and with a session not made void, and again after a
failed check), the case's row where the member of staff is assigned (need-to-know), and
the read's audit entry chained in ``COMMIT``'s round trip (every read audited,
tamper-evident, durable before the answer). Each through the app's own builders
(``still_active``, ``session_user_unchanged``, ``audit.commit_statement``), so it costs
what the app's own statements cost. Left out, as what a floor need not do: the case file
and its view, managers' and break-glass grounds (only an assignment opens a case here),
and the audited refusal (a case not open to the caller is a plain 404). No framework
layers: the app's case API can approach it, not pass it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg
from litestar import Litestar, Request, get
from litestar.exceptions import NotAuthorizedException, NotFoundException

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.core.settings import get_settings
from confide.platform.identity import sessions
from confide.platform.identity.queries import session_user_unchanged
from confide.tenants.queries import still_active

_pool: asyncpg.Pool | None = None
_tenants: dict[str, str] = {}
# The version (digest) of each member of staff's row, read at their first request, as the
# app keeps it per process.
_versions: dict[tuple[UUID, UUID], str] = {}
_STAFF = (
    "SELECT md5(s::text) AS version, s.status, s.sessions_valid_after FROM staff_users s"
    " WHERE s.id = $1"
)
_CASE = (
    "SELECT c.id, c.reference, c.status FROM cases c WHERE c.tenant_id = $1 AND c.id = $2"
    " AND EXISTS (SELECT 1 FROM case_assignments a WHERE a.tenant_id = c.tenant_id"
    " AND a.case_id = c.id AND a.staff_id = $3 AND a.ended_at IS NULL)"
)


@asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    global _pool
    database = get_settings().database
    _pool = await asyncpg.create_pool(
        database.application_url(), min_size=1, max_size=database.pool_max_size
    )
    async with _pool.acquire() as conn:
        for row in await conn.fetch("SELECT id, slug FROM tenants"):
            _tenants[row["slug"]] = str(row["id"])
    try:
        yield
    finally:
        await _pool.close()


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/t/{slug:str}/bare")
async def bare(slug: str) -> list[dict[str, Any]]:
    assert _pool is not None
    async with _pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", _tenants[slug])
        rows = await conn.fetch(
            "SELECT id, first_name, last_name FROM people"
            " ORDER BY lower(last_name), lower(first_name) LIMIT 20"
        )
    return [{"id": str(r["id"]), "name": f"{r['first_name']} {r['last_name']}"} for r in rows]


@get("/t/{slug:str}/floor/{case_id:uuid}")
async def floor(slug: str, case_id: UUID, request: Request[Any, Any, Any]) -> dict[str, Any]:
    assert _pool is not None
    tenant_id = UUID(_tenants[slug])
    session = await sessions.load(request.cookies.get(sessions.COOKIE), tenant_id)
    if session is None:
        raise NotAuthorizedException()
    staff_id = session.user
    async with _pool.acquire() as conn:
        key = (tenant_id, staff_id)
        if key not in _versions:
            # As the app reads a member of staff it does not keep (``session_allowed``):
            # active, and the session not older than the moment before which theirs are void.
            async with conn.transaction():
                await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant_id))
                found = await conn.fetchrow(_STAFF, staff_id)
            if found is None or found["status"] != "active":
                raise NotAuthorizedException()
            if session.started < found["sessions_valid_after"].timestamp():
                raise NotAuthorizedException()
            _versions[key] = found["version"]
        check = still_active([session_user_unchanged(staff_id, _versions[key])])
        status = await conn.execute(
            f"BEGIN; SELECT set_config('app.tenant_id', '{tenant_id}', true); {check}"
        )
        if status != "SELECT 1":
            await conn.execute("ROLLBACK")
            _versions.pop(key, None)  # read again at the next request, as the app does
            raise NotAuthorizedException()
        row = await conn.fetchrow(_CASE, tenant_id, case_id, staff_id)
        if row is None:
            await conn.execute("ROLLBACK")
            raise NotFoundException()
        entry = audit.entry(
            Action.CASE_READ,
            actor_kind="staff",
            actor_id=staff_id,
            subject_kind="case",
            subject_id=case_id,
            grounds="assigned",
            reason_code="api",
        )
        await conn.execute(f"{audit.commit_statement(tenant_id, entry)};\nCOMMIT")
    return {"id": str(row["id"]), "reference": row["reference"], "status": row["status"]}


def create_app() -> Litestar:
    return Litestar([healthz, bare, floor], lifespan=[_lifespan])
