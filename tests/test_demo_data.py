"""``confide seed-demo``: synthetic people and cases in the demo tenants, and only there."""

from __future__ import annotations

from typing import Any

import asyncpg

from confide.platform.core.clock import service_today
from confide.platform.demo import (
    FIRST_NAMES,
    LAST_NAMES,
    PARENT_FIRST_NAMES,
    PLACES,
    PRIMARY_NEEDS,
)
from tests.helpers.command import confide
from tests.helpers.tenants import TenantRef

# The harness seeds before any test runs, so the demo cases are each tenant's first 40.
SEEDED = "SELECT id FROM cases ORDER BY reference LIMIT 40"


async def _in(conn: asyncpg.Connection, tenant: TenantRef, sql: str) -> list[asyncpg.Record]:
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        return list(await conn.fetch(sql))


async def _counts(conn: asyncpg.Connection, tenant: TenantRef) -> dict[str, int]:
    tables = ("cases", "people", "case_people", "case_contacts", "case_notes", "staff_users")
    [row] = await _in(
        conn, tenant, "SELECT " + ", ".join(f"(SELECT count(*) FROM {t}) AS {t}" for t in tables)
    )
    return dict(row)


async def test_the_demo_tenants_are_filled_with_synthetic_case_work(
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    northmoor = tenants["northmoor"]
    counts = await _counts(owner_conn, northmoor)
    assert counts["cases"] >= 40
    assert counts["people"] >= 40
    assert counts["case_people"] >= 30
    assert counts["case_contacts"] >= 40
    assert counts["case_notes"] >= 40
    cases = await _in(
        owner_conn,
        northmoor,
        "SELECT c.anonymous, c.status, c.outcome, c.support_level, c.opened_on, c.closed_on,"
        " p.date_of_birth, p.school_or_setting, p.primary_need FROM cases c"
        " LEFT JOIN people p ON p.id = c.subject_id WHERE c.id IN (" + SEEDED + ")",
    )
    assert len(cases) == 40
    assert sum(c["anonymous"] for c in cases) == 1
    closed = [c for c in cases if c["status"] == "closed"]
    assert closed
    assert all(c["outcome"] and c["closed_on"] >= c["opened_on"] for c in closed)
    assert {c["support_level"] for c in cases} >= {1, 2, 3}
    named = [c for c in cases if not c["anonymous"]]
    ages = [(service_today() - c["date_of_birth"]).days / 365.25 for c in named]
    assert min(ages) >= 2
    assert max(ages) < 25
    schools = {c["school_or_setting"] for c in named}
    assert "Northmoor Primary Academy" in schools or len(schools) > 5
    assert {c["primary_need"] for c in named} <= set(PRIMARY_NEEDS)
    assert len({c["primary_need"] for c in named}) >= 4

    notes = await _in(
        owner_conn, northmoor, "SELECT side, version, correction_reason FROM case_notes"
    )
    assert any(n["side"] == "young_person_only" for n in notes)
    assert any(n["version"] == 2 and n["correction_reason"] for n in notes)

    people = await _in(
        owner_conn,
        northmoor,
        "SELECT p.kind, p.postcode, p.phone, p.email, p.may_phone, p.may_leave_voicemail,"
        " p.may_post, p.safe_contact_note FROM people p WHERE p.id IN"
        " (SELECT subject_id FROM cases WHERE id IN (" + SEEDED + "))"
        " OR p.id IN (SELECT person_id FROM case_people WHERE case_id IN (" + SEEDED + "))",
    )
    parents = [p for p in people if p["kind"] == "parent_or_carer"]
    assert parents
    assert any(p["may_phone"] and not p["may_leave_voicemail"] and not p["may_post"]
               for p in parents)  # fmt: skip
    assert any(p["may_leave_voicemail"] and p["may_post"] for p in parents)
    outward = set(PLACES["northmoor"].outward_codes)
    assert all(p["postcode"].split(" ")[0] in outward for p in people if p["postcode"])
    assert all(p["email"].split("@")[1].startswith("example.") for p in people if p["email"])
    assert all(
        p["phone"].startswith(("07700 900", PLACES["northmoor"].landline))
        for p in people
        if p["phone"]
    )

    workload = await _in(
        owner_conn,
        northmoor,
        "SELECT s.subject, count(*) AS n FROM case_assignments a"
        " JOIN staff_users s ON s.id = a.staff_id WHERE a.case_id IN (" + SEEDED + ")"
        " GROUP BY s.subject",
    )
    spread = {r["subject"]: r["n"] for r in workload}
    assert spread.get("northmoor-cw-1", 0) >= 10
    assert spread.get("northmoor-cw-2", 0) >= 10
    staff = await _in(
        owner_conn, northmoor, "SELECT subject, roles::text AS roles FROM staff_users"
    )
    roles = {s["subject"]: s["roles"] for s in staff}
    assert roles["northmoor-cw-1"] == '["caseworker"]'
    assert roles["northmoor-manager"] == '["manager"]'
    assert "northmoor-other" not in roles, "a user no group admits never becomes staff"

    # Consent was asked at first contact on every named case, with the parties they were
    # told about and, for a child under the age of capacity, the child's view; some shared.
    consents = await _in(
        owner_conn,
        northmoor,
        "SELECT k.decision, k.advised_of_limits, k.review_due, k.parties_told, k.given_by,"
        " k.young_person_view, p.date_of_birth FROM consents k JOIN cases c ON c.id = k.case_id"
        " JOIN people p ON p.id = c.subject_id WHERE k.case_id IN (" + SEEDED + ")",
    )
    assert len(consents) == 39
    assert {k["decision"] for k in consents} == {"full", "restricted", "refused"}
    assert all(k["advised_of_limits"] for k in consents if k["decision"] == "refused")
    assert any((k["review_due"] - service_today()).days <= 28 for k in consents)
    assert all(k["parties_told"] != "[]" for k in consents if k["decision"] != "refused")
    young = [k for k in consents if (service_today() - k["date_of_birth"]).days < 12 * 365]
    assert young
    assert all(k["young_person_view"] for k in young if k["given_by"] != "young_person")
    shared = await _in(
        owner_conn,
        northmoor,
        "SELECT d.basis, d.legal_basis, d.status AS sent, d.sent_on, c.status AS case_status,"
        " t.status FROM disclosures d JOIN cases c ON c.id = d.case_id"
        " LEFT JOIN tell_client_tasks t ON t.disclosure_id = d.id"
        " WHERE d.case_id IN (" + SEEDED + ")",
    )
    by_consent = [d for d in shared if d["basis"] == "consent"]
    assert any(d["sent"] == "shared" and d["sent_on"] for d in by_consent)
    assert any(d["sent"] == "allowed" for d in by_consent)  # allowed, not sent yet
    assert all(d["status"] is None for d in by_consent)  # with consent: nobody to tell
    legal = sorted(
        (d["legal_basis"], d["sent"], d["status"], d["case_status"])
        for d in shared
        if d["basis"] == "legal"
    )
    assert [row[:3] for row in legal] == [
        ("police_request", "shared", "open"),  # the police asked for a closed file
        ("safeguarding", "shared", "open"),
    ]
    assert legal[0][3] == "closed"

    eastdale = await _counts(owner_conn, tenants["eastdale"])
    assert eastdale["cases"] >= 40


async def test_names_come_from_the_built_in_lists_only(
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    for slug in ("northmoor", "eastdale"):
        people = await _in(
            owner_conn,
            tenants[slug],
            "SELECT p.first_name, p.last_name FROM people p WHERE p.id IN"
            " (SELECT subject_id FROM cases WHERE id IN (" + SEEDED + "))"
            " OR p.id IN (SELECT person_id FROM case_people WHERE case_id IN (" + SEEDED + "))",
        )
        assert people
        assert len(people) >= 40
        for p in people:
            assert p["first_name"] in FIRST_NAMES + PARENT_FIRST_NAMES, p
            assert p["last_name"] in LAST_NAMES, p
    assert len(set(FIRST_NAMES)) == len(FIRST_NAMES) >= 40
    assert len(set(LAST_NAMES)) == len(LAST_NAMES) >= 40


async def test_only_the_demo_tenants_get_demo_data(
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    for slug in ("alpha", "beta"):
        rows = await _in(
            owner_conn,
            tenants[slug],
            "SELECT count(*) AS n FROM people p WHERE p.postcode LIKE 'NM%'"
            " OR p.postcode LIKE 'ED%' OR p.email LIKE '%@example.%'",
        )
        assert rows[0]["n"] == 0
        staff = await _in(
            owner_conn, tenants[slug], "SELECT count(*) AS n FROM staff_users WHERE subject LIKE"
            " 'northmoor-%' OR subject LIKE 'eastdale-%'"
        )  # fmt: skip
        assert staff[0]["n"] == 0


async def test_seeding_again_adds_nothing(
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef], dev_idp: str
) -> None:
    async def sso_changes(slug: str) -> int:
        rows = await _in(
            owner_conn,
            tenants[slug],
            "SELECT count(*) AS n FROM audit_entries WHERE action = 'sso_changed'",
        )
        return int(rows[0]["n"])

    before = {s: await _counts(owner_conn, tenants[s]) for s in ("northmoor", "eastdale")}
    sso_before = {s: await sso_changes(s) for s in before}
    again = confide("seed-demo", "--idp", dev_idp)
    assert "demo tenants: northmoor, eastdale (new: 0)" in again.stdout
    assert "northmoor: already has cases" in again.stdout
    after = {s: await _counts(owner_conn, tenants[s]) for s in ("northmoor", "eastdale")}
    for slug in before:
        assert after[slug]["cases"] == before[slug]["cases"]
        # Already pointed at this provider: its sign-in settings are left as they are.
        assert await sso_changes(slug) == sso_before[slug]


def test_without_a_provider_the_case_data_is_skipped_and_said(database: Any) -> None:
    result = confide("seed-demo")
    assert "demo cases skipped" in result.stdout
