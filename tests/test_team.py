"""The manager's team view (issue 14): cases nobody is assigned to, caseloads with overdue
tell-the-client tasks, reassigning one case or many (each audited), and the offer to
reassign a suspended member of staff's open cases. Managers only (rule 1)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from tests.helpers.casework import as_tenant, new_case
from tests.helpers.html import error_summary, links, page_text, parse
from tests.helpers.http import csrf_token, post
from tests.helpers.sharing import legal_share
from tests.helpers.tenants import TenantRef

NM = "/t/northmoor"
API = f"{NM}/api"


async def _new_caseworker(tenants: dict[str, TenantRef], issuer: str, name: str) -> UUID:
    """A caseworker who has signed in once (a leaver, or someone new), without a session."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.identity import staff
    from confide.tenants.roles import StaffRole

    async with tenant_transaction(tenants["northmoor"].id):
        made = await staff.record_sign_in(
            issuer=issuer,
            subject=f"northmoor-{uuid.uuid4()}",
            email=None,
            name=name,
            roles={StaffRole.CASEWORKER},
        )
    return made.id


async def _assign(fiona: httpx.AsyncClient, case_id: str, staff_id: UUID, assigned: bool) -> None:
    done = await post(
        fiona,
        f"{API}/cases/{case_id}/assignments",
        {"staff_id": str(staff_id), "assigned": assigned},
    )
    assert done.status_code == 200, done.text


async def _current(owner: asyncpg.Connection, tenant: TenantRef, case_id: str) -> set[UUID]:
    rows = await as_tenant(
        owner,
        tenant,
        "SELECT staff_id FROM case_assignments WHERE case_id = $1 AND ended_at IS NULL",
        UUID(case_id),
    )
    return {r["staff_id"] for r in rows}


async def _caseload(fiona: httpx.AsyncClient, staff_id: UUID) -> dict[str, Any]:
    offset: int | None = 0
    while offset is not None:
        page = await fiona.get(f"{API}/team/caseloads", params={"limit": 100, "offset": offset})
        assert page.status_code == 200, page.text
        for row in page.json()["items"]:
            if row["staff_id"] == str(staff_id):
                return dict(row)
        offset = page.json()["next_offset"]
    raise AssertionError("not listed")


async def test_the_team_view_is_for_managers_only(
    aisha: httpx.AsyncClient,
    gareth: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    tenants: dict[str, TenantRef],
) -> None:
    for path in ("/team/", "/team/unassigned", f"/team/staff/{uuid.uuid4()}"):
        assert (await aisha.get(f"{NM}{path}")).status_code == 403
        assert (await gareth.get(f"{NM}{path}")).status_code == 403
    for path in ("unassigned-cases", "caseloads"):
        assert (await aisha.get(f"{API}/team/{path}")).status_code == 403
    refused = await post(
        aisha,
        f"{API}/team/reassignments",
        {"case_ids": [str(uuid.uuid4())], "to_staff_id": str(uuid.uuid4())},
    )
    assert refused.status_code == 403
    assert (await fiona.get(f"{NM}/team/")).status_code == 200

    # The services refuse whatever surface calls them.
    from confide.platform.casework import allocation
    from confide.platform.casework.access import NotPermitted
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.pagination import PageRequest
    from confide.platform.identity.staff import get_staff
    from confide.platform.team import services as team

    aisha_id = await _aisha_id(tenants)
    async with tenant_transaction(tenants["northmoor"].id):
        caseworker = await get_staff(aisha_id)
        assert caseworker is not None
        for refused_call in (
            lambda: team.caseloads(caseworker, PageRequest()),
            lambda: team.unassigned_cases(caseworker, PageRequest()),
            lambda: allocation.open_cases_of(caseworker.id, caseworker, PageRequest()),
            lambda: allocation.reassign(
                allocation.Reassignment(case_ids=[uuid.uuid4()], to_staff_id=caseworker.id),
                caseworker,
            ),
        ):
            with pytest.raises(NotPermitted):
                await refused_call()


async def test_unassigned_cases_are_listed_oldest_first_a_page_at_a_time(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    dev_idp: str,
) -> None:
    aisha_id = await _aisha_id(tenants)
    cases = [(await new_case(aisha))["id"] for _ in range(2)]
    for case_id in cases:
        await _assign(fiona, case_id, aisha_id, assigned=False)
    listed = await fiona.get(f"{API}/team/unassigned-cases", params={"limit": 100})
    ids = [c["id"] for c in listed.json()["items"]]
    assert set(cases) <= set(ids)
    assert listed.json()["total"] >= 2
    one = await fiona.get(f"{API}/team/unassigned-cases", params={"limit": 1})
    assert len(one.json()["items"]) == 1
    assert one.json()["total"] == listed.json()["total"]

    page = await fiona.get(f"{NM}/team/unassigned")
    assert page.status_code == 200
    team = await fiona.get(f"{NM}/team/")
    assert "with no caseworker" in parse(team).one("[data-testid=unassigned-count]").text

    # Assigned again, it leaves the list.
    await _assign(fiona, cases[0], aisha_id, assigned=True)
    again = await fiona.get(f"{API}/team/unassigned-cases", params={"limit": 100})
    assert cases[0] not in [c["id"] for c in again.json()["items"]]


async def _aisha_id(tenants: dict[str, TenantRef]) -> UUID:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.sql import connection

    async with tenant_transaction(tenants["northmoor"].id):
        [row] = await connection().fetch(
            "SELECT id FROM staff_users WHERE subject = 'northmoor-cw-1'"
        )
    return UUID(str(row["id"]))


async def test_reassigning_many_cases_moves_each_and_audits_each(
    aisha: httpx.AsyncClient,
    tom: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    dev_idp: str,
) -> None:
    nm = tenants["northmoor"]
    newcomer = await _new_caseworker(tenants, dev_idp, "Nia Newcomer")
    aisha_id = await _aisha_id(tenants)
    cases = [(await new_case(aisha))["id"] for _ in range(2)]
    moved = await post(
        fiona,
        f"{API}/team/reassignments",
        {"case_ids": cases, "to_staff_id": str(newcomer), "from_staff_id": str(aisha_id)},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["ended"] == 2
    for case_id in cases:
        assert await _current(owner_conn, nm, case_id) == {newcomer}
        [entry] = await as_tenant(
            owner_conn,
            nm,
            "SELECT grounds, detail FROM audit_entries WHERE action = 'case_reassigned'"
            " AND subject_id = $1",
            UUID(case_id),
        )
        assert entry["grounds"] == "manager"
        assert str(newcomer) in entry["detail"]
        assert str(aisha_id) in entry["detail"]
    # Aisha no longer sees them; the newcomer's caseload counts them.
    assert (await aisha.get(f"{API}/cases/{cases[0]}")).status_code == 403
    assert (await _caseload(fiona, newcomer))["open_cases"] == 2

    # Nothing moves when any case named cannot: a closed one, another service's, twice.
    closed = (await new_case(aisha))["id"]
    assert (
        await post(aisha, f"{API}/cases/{closed}/close", {"outcome": "Advice given"})
    ).status_code == 200
    unknown = await post(
        fiona,
        f"{API}/team/reassignments",
        {"case_ids": [cases[0], str(uuid.uuid4())], "to_staff_id": str(aisha_id)},
    )
    assert unknown.status_code == 404
    for case_ids, field in (
        ([cases[0], closed], "case_ids"),
        ([cases[0], cases[0]], "case_ids"),
        ([], "case_ids"),
    ):
        refused = await post(
            fiona, f"{API}/team/reassignments", {"case_ids": case_ids, "to_staff_id": str(aisha_id)}
        )
        assert refused.status_code == 400, refused.text
        assert list(refused.json()["errors"]) == [field]
    assert await _current(owner_conn, nm, cases[0]) == {newcomer}
    # Only to an active caseworker of this service.
    for to in (str(uuid.uuid4()), await _staff_id(tenants, "northmoor-admin")):
        refused = await post(
            fiona, f"{API}/team/reassignments", {"case_ids": cases, "to_staff_id": str(to)}
        )
        assert refused.status_code == 400
        assert list(refused.json()["errors"]) == ["to_staff_id"]
    assert (
        await post(fiona, f"{API}/team/reassignments", {"case_ids": "x", "to_staff_id": "y"})
    ).status_code == 400


async def _staff_id(tenants: dict[str, TenantRef], subject: str) -> UUID:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.sql import connection

    async with tenant_transaction(tenants["northmoor"].id):
        [row] = await connection().fetch("SELECT id FROM staff_users WHERE subject = $1", subject)
    return UUID(str(row["id"]))


async def test_caseloads_count_open_cases_and_overdue_tasks_to_tell(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    dev_idp: str,
) -> None:
    nm = tenants["northmoor"]
    newcomer = await _new_caseworker(tenants, dev_idp, "Omar Overdue")
    case_id, _, task = await legal_share(fiona, aisha, owner_conn, nm)
    moved = await post(
        fiona, f"{API}/team/reassignments", {"case_ids": [case_id], "to_staff_id": str(newcomer)}
    )
    assert moved.status_code == 200, moved.text
    assert await _current(owner_conn, nm, case_id) == {newcomer}, "every caseworker replaced"
    load = await _caseload(fiona, newcomer)
    assert (load["open_cases"], load["overdue_tasks"]) == (1, 0)
    await as_tenant(
        owner_conn,
        nm,
        "UPDATE tell_client_tasks SET due_on = current_date - 1 WHERE id = $1",
        UUID(task.rsplit("/", 1)[1]),
    )
    load = await _caseload(fiona, newcomer)
    assert (load["open_cases"], load["overdue_tasks"]) == (1, 1)
    page = await fiona.get(f"{NM}/team/", params={"page": 1})
    assert page.status_code == 200
    assert (await fiona.get(f"{NM}/team/", params={"page": "x"})).status_code == 400


async def test_a_manager_reassigns_ticked_cases_without_javascript(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    dev_idp: str,
) -> None:
    nm = tenants["northmoor"]
    holder = await _new_caseworker(tenants, dev_idp, "Hana Holder")
    taker = await _new_caseworker(tenants, dev_idp, "Theo Taker")
    case_id = (await new_case(aisha))["id"]
    await _assign(fiona, case_id, holder, assigned=True)
    path = f"{NM}/team/staff/{holder}"
    page = await fiona.get(path)
    assert page.status_code == 200
    assert parse(page).select(f"input[name=case_ids][value='{case_id}']")
    token = csrf_token(page.text)

    nothing = await fiona.post(
        f"{NM}/team/reassign",
        data={"_csrf_token": token, "from_staff_id": str(holder), "to_staff_id": str(taker)},
    )
    assert nothing.status_code == 400
    assert error_summary(nothing) == [("#case_ids", "Choose at least one case")]
    assert "Hana Holder" in parse(nothing).one("[data-testid=page-heading]").text
    assert parse(nothing).select(f"input[name=case_ids][value='{case_id}']")
    assert parse(nothing).one("#to_staff_id option[selected]").get("value") == str(taker)

    done = await fiona.post(
        f"{NM}/team/reassign",
        data={
            "_csrf_token": token,
            "from_staff_id": str(holder),
            "case_ids": case_id,
            "to_staff_id": str(taker),
        },
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{path}?moved=1"
    assert await _current(owner_conn, nm, case_id) == {aisha_id := await _aisha_id(tenants), taker}
    assert aisha_id in await _current(owner_conn, nm, case_id), "only the holder's ended"
    after = await fiona.get(done.headers["location"])
    assert "1 case reassigned" in page_text(after)


async def test_suspending_someone_offers_to_reassign_their_open_cases(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    gareth: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    dev_idp: str,
) -> None:
    nm = tenants["northmoor"]
    leaver = await _new_caseworker(tenants, dev_idp, "Lee Leaver")
    aisha_id = await _aisha_id(tenants)
    case_id = (await new_case(aisha))["id"]
    moved = await post(
        fiona,
        f"{API}/team/reassignments",
        {"case_ids": [case_id], "to_staff_id": str(leaver), "from_staff_id": str(aisha_id)},
    )
    assert moved.status_code == 200, moved.text

    staff_page = await gareth.get(f"{NM}/admin/staff")
    suspended = await gareth.post(
        f"{NM}/admin/staff/{leaver}/status",
        data={"status": "suspended", "_csrf_token": csrf_token(staff_page.text)},
    )
    assert suspended.status_code == 303
    assert suspended.headers["location"] == f"{NM}/admin/staff/{leaver}/suspended"
    offer = await gareth.get(suspended.headers["location"])
    assert offer.status_code == 200
    assert "Lee Leaver is still assigned to 1 open case" in page_text(offer)
    [(_, href)] = links(offer, "[data-testid=reassign-link]")
    assert href == f"{NM}/team/staff/{leaver}"

    listed = await fiona.get(href)
    assert "(suspended)" in parse(listed).one("[data-testid=page-heading]").text
    assert parse(listed).select(f"input[name=case_ids][value='{case_id}']")
    done = await fiona.post(
        f"{NM}/team/reassign",
        data={
            "_csrf_token": csrf_token(listed.text),
            "from_staff_id": str(leaver),
            "case_ids": case_id,
            "to_staff_id": str(aisha_id),
        },
    )
    assert done.status_code == 303
    assert await _current(owner_conn, nm, case_id) == {aisha_id}
    again = await gareth.get(suspended.headers["location"])
    assert parse(again).select("[data-testid=no-open-cases]")


async def test_another_services_manager_sees_and_moves_none_of_these_cases(
    aisha: httpx.AsyncClient, bronwen: httpx.AsyncClient, fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    case_id = (await new_case(aisha))["id"]
    await _assign(fiona, case_id, await _aisha_id(tenants), assigned=False)
    theirs = await bronwen.get("/t/eastdale/api/team/unassigned-cases", params={"limit": 100})
    assert case_id not in [c["id"] for c in theirs.json()["items"]]
    loads = await bronwen.get("/t/eastdale/api/team/caseloads", params={"limit": 100})
    assert "Aisha Rahman" not in [c["name"] for c in loads.json()["items"]]
    [bronwen_row] = await as_tenant(
        owner_conn,
        tenants["eastdale"],
        "SELECT id FROM staff_users WHERE subject = 'eastdale-manager'",
    )
    refused = await post(
        bronwen,
        "/t/eastdale/api/team/reassignments",
        {"case_ids": [case_id], "to_staff_id": str(bronwen_row["id"])},
    )
    assert refused.status_code == 404, "the same as a case never made"
    assert await _current(owner_conn, tenants["northmoor"], case_id) == set()


async def test_each_team_list_is_one_statement(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.casework import allocation
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.pagination import PageRequest
    from confide.platform.core.sql import connection
    from confide.platform.identity.staff import get_staff
    from confide.platform.team import services as team

    case_id = (await new_case(aisha))["id"]
    aisha_id = await _aisha_id(tenants)
    await new_case(aisha)
    await _assign(fiona, case_id, aisha_id, assigned=False)  # one unassigned at least
    async with tenant_transaction(tenants["northmoor"].id):
        manager = await get_staff(await _manager_id())
        assert manager is not None
        for listing in (
            lambda: team.unassigned_cases(manager, PageRequest(limit=5)),
            lambda: team.caseloads(manager, PageRequest(limit=5)),
            lambda: allocation.open_cases_of(aisha_id, manager, PageRequest(limit=5)),
        ):
            statements: list[str] = []

            def log(query: Any, into: list[str] = statements) -> None:
                into.append(query.query)

            connection().add_query_logger(log)
            try:
                found = await listing()
                await asyncio.sleep(0)  # asyncpg calls its query loggers soon, not at once
            finally:
                connection().remove_query_logger(log)
            assert found.items
            assert len(statements) == 1, statements


async def _manager_id() -> UUID:
    from confide.platform.core.sql import connection

    [row] = await connection().fetch(
        "SELECT id FROM staff_users WHERE subject = 'northmoor-manager'"
    )
    return UUID(str(row["id"]))
