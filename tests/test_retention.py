"""Retention (rule 14): cases recorded years ago (time-machine moves the application's
clock back while they are recorded and closed; the database decides what is due by its
own date) are erased by the sweep once the tenant admin has confirmed its dry run;
nothing on hold or within its period is touched, a person on a kept case stays, the
erased case's personal data is gone from every table that names a case or a person (found
in the catalogue), its de-identified facts remain, and the audit chain still verifies."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.command import confide
from tests.helpers.html import parse
from tests.helpers.http import post
from tests.helpers.pages import submit
from tests.helpers.retention import confirm, confirm_and_sweep, old_case, staff_of
from tests.helpers.tenants import TenantRef

ID_COLUMNS = ("case_id", "person_id", "with_person_id", "subject_id", "record_id")


#: Each old case here carries a note too, so that erasing one erases its notes.
NOTE = "A note about Rhiannon"
#: Northmoor's tenant admin, who confirms its sweep.
ADMIN = "northmoor-admin"


async def _people_of(owner: asyncpg.Connection, tenant: TenantRef, case_id: str) -> set[uuid.UUID]:
    rows = await as_tenant(
        owner, tenant,
        "SELECT subject_id AS id FROM cases WHERE id = $1 AND subject_id IS NOT NULL"
        " UNION SELECT person_id FROM case_people WHERE case_id = $1",
        uuid.UUID(case_id),
    )  # fmt: skip
    return {r["id"] for r in rows}


async def _rows_naming(
    owner: asyncpg.Connection, tenant: TenantRef, ids: set[uuid.UUID]
) -> dict[str, int]:
    """Every tenant table with a column naming a case or a person (from the catalogue, so a
    table added later is checked too), and how many of its rows name one of ``ids``; the
    audit log's subjects (ids only, kept by design) and the people and cases tables' own
    ids are checked too."""
    columns = await owner.fetch(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
        " AND c.relkind = 'r' AND NOT a.attisdropped AND a.attname = ANY($1::text[])"
        " AND EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = c.oid"
        " AND t.attname = 'tenant_id')",
        list(ID_COLUMNS),
    )
    found: dict[str, int] = {}
    checks = [(c["relname"], c["attname"]) for c in columns if c["relname"] != "audit_entries"]
    checks += [("cases", "id"), ("people", "id"), ("people", "merged_into")]
    for table, column in checks:
        [row] = await as_tenant(
            owner, tenant, f"SELECT count(*) AS n FROM {table} WHERE {column} = ANY($1::uuid[])",
            list(ids),
        )  # fmt: skip
        if row["n"]:
            found[f"{table}.{column}"] = row["n"]
    assert len(checks) > 12  # the catalogue found the case record's tables
    return found


async def _facts(owner: asyncpg.Connection, tenant: TenantRef, where: str = "true") -> int:
    [row] = await as_tenant(
        owner, tenant, f"SELECT count(*) AS n FROM retention_facts WHERE {where}"
    )
    return int(row["n"])


# What an erased case opened eight years ago, by a parent, self-referred, at 16 to 18, at
# support level 2 with an outcome and closed the day it was opened, leaves: its year under
# each kind of year and closed by each year's end.
def _its_facts(opened: int) -> str:
    return (
        f"year_opened BETWEEN {opened - 1} AND {opened} AND age_band = '16-18'"
        " AND referral_route = 'self' AND contacted_by = 'parent' AND support_level = 2"
        " AND outcome_class = 'recorded' AND financial_year_opened IS NOT NULL"
        " AND academic_year_opened IS NOT NULL AND closed_by_calendar_year_end"
        " AND closed_by_financial_year_end AND closed_by_academic_year_end"
    )


async def test_a_case_past_retention_is_erased_everywhere_its_facts_kept_the_chain_verified(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.clock import service_today

    tenant = tenants["northmoor"]
    case = await old_case(aisha, 8, note=NOTE)
    people = await _people_of(owner_conn, tenant, case["id"])
    assert len(people) == 2  # the young person and the parent
    ids = people | {uuid.UUID(case["id"])}
    assert await _rows_naming(owner_conn, tenant, ids)  # there to be erased
    facts = await _facts(owner_conn, tenant)
    its_facts = _its_facts(service_today().year - 8)
    like_it = await _facts(owner_conn, tenant, its_facts)

    counts = await confirm_and_sweep(owner_conn, tenant, ADMIN)

    assert counts["erased"] >= 1
    assert await _rows_naming(owner_conn, tenant, ids) == {}
    [name] = await as_tenant(
        owner_conn, tenant, "SELECT count(*) AS n FROM people WHERE last_name = $1",
        case["last_name"],
    )  # fmt: skip
    assert name["n"] == 0
    assert await _facts(owner_conn, tenant) >= facts + 1
    assert await _facts(owner_conn, tenant, its_facts) >= like_it + 1
    erased = await as_tenant(
        owner_conn, tenant,
        "SELECT actor_kind, grounds, reason_code, detail FROM audit_entries"
        " WHERE action = 'case_erased' AND subject_id = $1",
        uuid.UUID(case["id"]),
    )  # fmt: skip
    assert [(e["actor_kind"], e["grounds"]) for e in erased] == [("system", "retention")]
    confide("audit", "verify", "--tenant", "northmoor")


# What an erased case leaves for the statistics (rule 12, rule 14): its values, the year
# it was opened in under each kind of year (together, which of three parts of a year: 3,
# 5 and 4 months; all three kinds, since a service's kind can change until its first
# release locks it), and whether it was closed by the end of each. A column added here is
# a deliberate, reviewed change: never a date finer than that, never an id, never
# anything written.
FACT_COLUMNS = {
    "id": "uuid",
    "tenant_id": "uuid",
    "year_opened": "integer",
    "financial_year_opened": "integer",
    "academic_year_opened": "integer",
    "closed_by_calendar_year_end": "boolean",
    "closed_by_financial_year_end": "boolean",
    "closed_by_academic_year_end": "boolean",
    "topics": "jsonb",
    "age_band": "character varying",
    "support_level": "integer",
    "outcome_class": "character varying",
    "referral_route": "character varying",
    "contacted_by": "character varying",
    "channel": "character varying",
    "response": "character varying",
    "phase": "character varying",
}


async def test_an_erased_case_leaves_only_the_facts_listed(
    owner_conn: asyncpg.Connection,
) -> None:
    columns = await owner_conn.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = 'retention_facts'"
    )
    assert {c["column_name"]: c["data_type"] for c in columns} == FACT_COLUMNS


async def test_nothing_on_hold_or_within_its_period_is_touched_until_a_hold_is_lifted(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    tenant = tenants["northmoor"]
    recent = await old_case(aisha, 2, note=NOTE)  # within 6 years of closure
    young = await old_case(aisha, 8, born="2014-03-02", note=NOTE)  # 25th birthday in 2039
    held = await old_case(aisha, 8, note=NOTE)
    placed = await post(fiona, f"{NM}/cases/{held['id']}/legal-hold", {"reason": "Tribunal"})
    assert placed.status_code == 201, placed.text

    await confirm_and_sweep(owner_conn, tenant, ADMIN)

    for kept in (recent, young, held):
        people = await _people_of(owner_conn, tenant, kept["id"])
        assert len(people) == 2
        assert len(await _rows_naming(owner_conn, tenant, people | {uuid.UUID(kept["id"])})) > 5

    lifted = await post(fiona, f"{NM}/cases/{held['id']}/legal-hold/lift", {})
    assert lifted.status_code == 200, lifted.text
    ids = await _people_of(owner_conn, tenant, held["id"]) | {uuid.UUID(held["id"])}
    await confirm_and_sweep(owner_conn, tenant, ADMIN)
    assert await _rows_naming(owner_conn, tenant, ids) == {}
    actions = await as_tenant(
        owner_conn, tenant,
        "SELECT action FROM audit_entries WHERE subject_id = $1 AND action LIKE 'legal_hold%'"
        " ORDER BY seq",
        uuid.UUID(held["id"]),
    )  # fmt: skip
    assert [a["action"] for a in actions] == ["legal_hold_placed", "legal_hold_lifted"]


async def test_a_case_with_an_open_information_request_is_kept_until_it_is_closed(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    tenant = tenants["northmoor"]
    asked = await old_case(aisha, 8, note=NOTE)  # past retention, but a parent has asked for it
    body = {"kind": "subject_access", "requester_name": "A parent", "relation": "parent",
            "received_on": str(datetime.now(UTC).date()), "channel": "email",
            "case_id": asked["id"]}  # fmt: skip
    logged = await post(fiona, f"{NM}/requests", body)
    assert logged.status_code == 201, logged.text
    ids = await _people_of(owner_conn, tenant, asked["id"]) | {uuid.UUID(asked["id"])}

    await confirm_and_sweep(owner_conn, tenant, ADMIN)
    assert len(await _rows_naming(owner_conn, tenant, ids)) > 5  # erasing it is an offence

    closing = {"outcome": "Released in full", "released": "The case file"}
    closed = await post(fiona, f"{NM}/requests/{logged.json()['id']}/close", closing)
    assert closed.status_code == 200, closed.text
    await confirm_and_sweep(owner_conn, tenant, ADMIN)
    assert await _rows_naming(owner_conn, tenant, ids) == {}


async def test_a_person_on_a_kept_case_is_not_erased_with_an_old_one(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    tenant = tenants["northmoor"]
    old = await old_case(aisha, 8, note=NOTE)
    kept = await new_case(aisha)
    [parent] = await as_tenant(
        owner_conn, tenant, "SELECT person_id FROM case_people WHERE case_id = $1",
        uuid.UUID(old["id"]),
    )  # fmt: skip
    await as_tenant(
        owner_conn, tenant,
        "INSERT INTO case_people (id, tenant_id, case_id, person_id, relationship)"
        " VALUES ($1, $2, $3, $4, 'parent')",
        uuid.uuid4(), tenant.id, uuid.UUID(kept["id"]), parent["person_id"],
    )  # fmt: skip
    young = (await _people_of(owner_conn, tenant, old["id"])) - {parent["person_id"]}

    await confirm_and_sweep(owner_conn, tenant, ADMIN)

    assert await _rows_naming(owner_conn, tenant, young | {uuid.UUID(old["id"])}) == {}
    [still] = await as_tenant(
        owner_conn, tenant, "SELECT count(*) AS n FROM people WHERE id = $1", parent["person_id"]
    )
    assert still["n"] == 1


async def test_the_sweep_waits_for_the_admins_confirmation_after_the_dry_run(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient, owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    from confide.platform.core.db import tenant_transaction
    from confide.platform.retention import services

    tenant = tenants["alpha"]
    async with tenant_transaction(tenant.id):
        assert await services.sweep() == {"erased": 0, "not_confirmed": 1}
    case = await old_case(aisha, 8, note=NOTE)
    dry = await gareth.get(f"{NM}/retention/dry-run")
    assert dry.status_code == 200, dry.text
    assert dry.json()["total"] >= 1
    listed = await gareth.get(f"{NM}/retention/due", params={"limit": 100})
    assert case["id"] in {c["case_id"] for c in listed.json()["items"]}


async def test_the_application_role_erases_only_what_the_database_finds_due_in_its_tenant(
    aisha: httpx.AsyncClient, priya: httpx.AsyncClient, app_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    recent = await new_case(aisha)
    await post(aisha, f"{NM}/cases/{recent['id']}/close", {"outcome": "Advice given"})
    old = await old_case(aisha, 8, note=NOTE)
    for tenant, case_id, expected in (
        (tenants["northmoor"], recent["id"], 0),  # closed today: within its period
        (tenants["eastdale"], old["id"], 0),  # another tenant's case: not seen at all
    ):
        attempt = app_conn.transaction()
        await attempt.start()
        try:
            await app_conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            # Confirmed in this transaction only (rolled back: other tests see the tenant as
            # it was), or the function refuses before it looks (the next test but one).
            await app_conn.execute(
                "SELECT app_retention_confirm(id, 0) FROM staff_users"
                " WHERE subject = $1 AND app_retention_confirmed() IS NULL",
                f"{tenant.slug}-admin",
            )  # fmt: skip
            erased = await app_conn.fetchval(
                "SELECT app_retention_erase($1::uuid[])", [uuid.UUID(case_id)]
            )
        finally:
            await attempt.rollback()
        assert erased == expected
    async with app_conn.transaction():
        await app_conn.execute("SELECT set_config('app.tenant_id', '', true)")
        try:
            await app_conn.fetchval(
                "SELECT app_retention_erase($1::uuid[])", [uuid.UUID(old["id"])]
            )
            raise AssertionError("erased without a tenant")
        except asyncpg.InsufficientPrivilegeError:
            pass


async def test_a_real_worker_runs_the_sweep_as_a_scheduled_job_once_per_period(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, worker: subprocess.Popen[str],
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    from confide.workers.retention import retention_sweep

    tenant = tenants["northmoor"]
    await confirm_and_sweep(
        owner_conn, tenant, ADMIN
    )  # confirmed, and nothing left from other tests
    case = await old_case(aisha, 9, note=NOTE)
    ids = await _people_of(owner_conn, tenant, case["id"]) | {uuid.UUID(case["id"])}
    period = datetime(1991, 1, 1, tzinfo=UTC)
    retention_sweep.delay(str(tenant.id), period.isoformat())
    retention_sweep.delay(str(tenant.id), period.isoformat())  # delivered twice
    deadline = time.monotonic() + 60
    runs: list[Any] = []
    while time.monotonic() < deadline and not runs:
        runs = await as_tenant(
            owner_conn, tenant,
            "SELECT status, counts FROM job_runs WHERE job = 'retention.sweep'"
            " AND period_start = $1 AND status = 'succeeded'",
            period,
        )  # fmt: skip
        assert worker.poll() is None, "the worker died"
        await asyncio.sleep(0.2)
    [run] = runs
    assert json.loads(run["counts"]) == {"erased": 1, "not_confirmed": 0}
    assert await _rows_naming(owner_conn, tenant, ids) == {}


async def _ids_keyed_to(
    owner: asyncpg.Connection, tenant: TenantRef, case_id: uuid.UUID
) -> dict[str, set[uuid.UUID]]:
    """The ids of every row that names the case (each tenant table with a ``case_id``,
    from the catalogue), by table: the rows that hang off those (a review of a break-glass
    use, a delay of a task) name these, not the case."""
    tables = await owner.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind = 'r'"
        " AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
        " AND a.attname = 'case_id' AND NOT a.attisdropped)"
        " AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
        " AND a.attname = 'id' AND NOT a.attisdropped)"
        " AND EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = c.oid"
        " AND t.attname = 'tenant_id')"
    )
    found: dict[str, set[uuid.UUID]] = {}
    for table in (t["relname"] for t in tables):
        rows = await as_tenant(owner, tenant, f"SELECT id FROM {table} WHERE case_id = $1", case_id)
        if rows:
            found[table] = {r["id"] for r in rows}
    return found


async def _rows_naming_any_uuid(
    owner: asyncpg.Connection, tenant: TenantRef, ids: set[uuid.UUID]
) -> dict[str, int]:
    """Every uuid column of every tenant table (the catalogue again), but the audit log's
    (ids only, kept by design): how many rows name one of ``ids``."""
    columns = await owner.fetch(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
        " AND c.relkind = 'r' AND NOT a.attisdropped AND a.atttypid = 'uuid'::regtype"
        " AND a.attname <> 'tenant_id' AND c.relname <> 'audit_entries'"
        " AND EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = c.oid"
        " AND t.attname = 'tenant_id')"
    )
    found: dict[str, int] = {}
    for table, column in ((c["relname"], c["attname"]) for c in columns):
        [row] = await as_tenant(
            owner, tenant, f"SELECT count(*) AS n FROM {table} WHERE {column} = ANY($1::uuid[])",
            list(ids),
        )  # fmt: skip
        if row["n"]:
            found[f"{table}.{column}"] = row["n"]
    return found


async def test_erasing_a_case_removes_its_notifications_break_glass_reviews_and_all_keyed_to_it(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient, fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    tenant = tenants["northmoor"]
    case = await old_case(aisha, 8, note=NOTE)
    case_id = uuid.UUID(case["id"])
    grant = await post(
        tom, f"{NM}/cases/{case['id']}/break-glass", {"reason": "Covering while Aisha is away"}
    )
    assert grant.status_code == 201, grant.text
    grant_id = uuid.UUID(grant.json()["id"])
    review = await post(
        fiona, f"{NM}/break-glass-alerts/{grant_id}/review", {"note": "Cover agreed"}
    )
    assert review.status_code == 201, review.text
    keyed = await _ids_keyed_to(owner_conn, tenant, case_id)
    assert {"notifications", "break_glass_grants"} <= set(keyed)  # there to be erased
    ids = set().union(*keyed.values()) | {case_id}
    ids |= await _people_of(owner_conn, tenant, case["id"])
    before = await _rows_naming_any_uuid(owner_conn, tenant, ids)
    assert before["break_glass_reviews.grant_id"] == 1
    assert before["notifications.case_id"] >= 1

    await confirm_and_sweep(owner_conn, tenant, ADMIN)

    assert await _rows_naming_any_uuid(owner_conn, tenant, ids) == {}
    confide("audit", "verify", "--tenant", "northmoor")


async def test_the_database_refuses_to_erase_before_the_tenant_admin_has_confirmed(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, app_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    """The confirmation is the database's rule too, not only the service's: under the
    application role, the erase function refuses a tenant whose sweep nobody confirmed
    (beta: no test confirms it), and runs for one confirmed."""
    old = await old_case(aisha, 8, note=NOTE)
    await confirm_and_sweep(
        owner_conn, tenants["northmoor"], ADMIN
    )  # confirmed (and swept) the normal way
    erase = "SELECT app_retention_erase($1::uuid[])"
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["beta"].id)
        )
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="not confirmed"):
            await app_conn.fetchval(erase, [uuid.UUID(old["id"])])
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["northmoor"].id)
        )
        assert await app_conn.fetchval(erase, [uuid.UUID(old["id"])]) == 0  # swept already


async def test_a_change_of_the_retention_settings_stops_the_sweep_until_the_admin_confirms_again(
    aisha: httpx.AsyncClient, gareth: httpx.AsyncClient, owner_conn: asyncpg.Connection,
    app_conn: asyncpg.Connection, tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    """Rule 14: the admin confirmed what the sweep erases under the settings they saw. A
    shorter period would erase cases nobody looked at, so a change of the settings stops
    the sweep, in the service and in the database, until the admin confirms again on the
    retention page; the confirmation made before is shown, not taken."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.retention import services
    from confide.tenants.policy.services import set_retention_settings

    northmoor = tenants["northmoor"]
    await confirm(owner_conn, northmoor, ADMIN)
    old = await old_case(aisha, 8, note=NOTE)
    page = "/t/northmoor/admin/retention"
    try:
        async with tenant_transaction(northmoor.id):
            await set_retention_settings(7, 25)
        async with tenant_transaction(northmoor.id):
            assert await services.sweep() == {"erased": 0, "not_confirmed": 1}
        async with app_conn.transaction():
            await app_conn.execute(
                "SELECT set_config('app.tenant_id', $1, true)", str(northmoor.id)
            )
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="not confirmed"):
                await app_conn.fetchval(
                    "SELECT app_retention_erase($1::uuid[])", [uuid.UUID(old["id"])]
                )
        shown = parse(await gareth.get(page))
        assert (
            "have changed since the sweep was confirmed"
            in shown.one("[data-testid=settings-changed]").text
        )
        assert shown.first("[data-testid=confirmed]") is None
        assert "restart" in shown.one("button[data-testid=confirm]").text
        confirmed = await submit(gareth, page, f"{page}/confirm", [])
        assert confirmed.status_code == 303, confirmed.text
        assert parse(await gareth.get(page)).first("[data-testid=confirm]") is None
        async with tenant_transaction(northmoor.id):
            assert (await services.sweep())["erased"] >= 1
        assert (await aisha.get(f"{NM}/cases/{old['id']}")).status_code == 404
    finally:
        async with tenant_transaction(northmoor.id):
            await set_retention_settings(6, 25)


async def test_only_an_active_admin_of_the_tenant_can_confirm_the_sweep_and_only_through_the_door(
    owner_conn: asyncpg.Connection, app_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """The application role cannot write a confirmation (or an erased case's facts) itself,
    and the one function that writes it refuses anyone but an active admin of the tenant."""
    northmoor = tenants["northmoor"]
    admin = await staff_of(owner_conn, northmoor, ADMIN)
    caseworker = await staff_of(owner_conn, northmoor, "northmoor-cw-1")
    eastdale_admin = await staff_of(owner_conn, tenants["eastdale"], "eastdale-admin")

    async def refused(statement: str, *args: Any, match: str | None = None) -> None:
        async with app_conn.transaction():
            await app_conn.execute(
                "SELECT set_config('app.tenant_id', $1, true)", str(northmoor.id)
            )
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match=match):
                await app_conn.execute(statement, *args)

    await refused(
        "INSERT INTO retention_confirmations (id, tenant_id, confirmed_by, cases_due,"
        " retention_years, retention_birthday) VALUES (gen_random_uuid(), $1, $2, 0, 1, 25)",
        northmoor.id, admin.id,
    )  # fmt: skip
    await refused(
        "INSERT INTO retention_facts (id, tenant_id, year_opened, age_band, support_level,"
        " outcome_class, referral_route, contacted_by)"
        " VALUES (gen_random_uuid(), $1, 2020, 'unknown', 1, 'x', 'x', 'x')",
        northmoor.id,
    )  # fmt: skip
    for someone in (caseworker, eastdale_admin):  # not an admin; another tenant's admin
        await refused(
            "SELECT app_retention_confirm($1, 0)", someone.id, match="only an active admin"
        )
