"""The statistics' data (rule 12): a year's counts come from the case records and, once
retention erases a case, from the facts it leaves, so the year's figures do not move; each
service counts only its own cases; the annual return is the managers', protected, and
carries nothing written about a case nor anything that names one."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.helpers.casework import as_tenant
from tests.helpers.retention import confirm_and_sweep, old_case, staff_of
from tests.helpers.tenants import TenantRef

# A referral by a professional, with the family's consent before it (rule 3).
REFERRED = {"referrer_consent_confirmed": True, "referrer_name": "A SENCO",
            "referrer_consent_on": "2016-01-04"}  # fmt: skip


async def _figures(tenant: TenantRef, year: int, kind: str = "calendar") -> Any:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.statistics import services

    async with tenant_transaction(tenant.id):
        return await services.year_figures(year, kind)


def _cube(figures: Any) -> tuple[Counter[Any], dict[str, int]]:
    """The figures without the order of their rows, every dimension the return counts."""
    cube: Counter[Any] = Counter()
    for c in figures.counts:
        cube[(c.contacted_by, c.referral_route, c.age_band, c.support_level,
              c.outcome_class, c.year_end_status, c.channel, c.response,
              c.phase)] += c.cases  # fmt: skip
    return cube, dict(figures.topics)


async def _at_school(
    owner: asyncpg.Connection, tenant: TenantRef, case: dict[str, Any], phase: str
) -> None:
    """The case's young person at a school of the directory in ``phase``."""
    urn = str(uuid.uuid4().int)[:7]
    await as_tenant(
        owner, tenant,
        "WITH s AS (INSERT INTO schools (id, tenant_id, urn, name, phase)"
        " VALUES (gen_random_uuid(), $1, $2, 'A school', $3) RETURNING id)"
        " UPDATE people SET school_id = (SELECT id FROM s) WHERE id = $4",
        tenant.id, urn, phase, uuid.UUID(case["subject"]["id"]),
    )  # fmt: skip


def _years_around(opened: date) -> list[tuple[int, str]]:
    """The calendar, financial and academic years a day falls in."""
    financial = opened.year if opened.month >= 4 else opened.year - 1
    academic = opened.year if opened.month >= 9 else opened.year - 1
    return [(opened.year, "calendar"), (financial, "financial"), (academic, "academic")]


async def _opened_year(owner: asyncpg.Connection, tenant: TenantRef, case_id: str) -> int:
    [row] = await as_tenant(
        owner, tenant, "SELECT opened_on FROM cases WHERE id = $1", uuid.UUID(case_id)
    )
    opened: date = row["opened_on"]
    return opened.year


async def _kept(owner: asyncpg.Connection, tenant: TenantRef, ids: list[str]) -> int:
    [row] = await as_tenant(
        owner, tenant, "SELECT count(*) AS n FROM cases WHERE id = ANY($1::uuid[])",
        [uuid.UUID(i) for i in ids],
    )  # fmt: skip
    return int(row["n"])


async def test_a_years_figures_stay_the_same_after_retention_erases_its_cases(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    northmoor, eastdale = tenants["northmoor"], tenants["eastdale"]
    first = await old_case(aisha, 9, born="2001-05-06", referral_route="early_help", **REFERRED)
    year = await _opened_year(owner_conn, northmoor, first["id"])
    [row] = await as_tenant(owner_conn, northmoor, "SELECT opened_on FROM cases WHERE id = $1",
                            uuid.UUID(first["id"]))  # fmt: skip
    years = _years_around(row["opened_on"])
    eastdale_before = _cube(await _figures(eastdale, year))
    before = _cube(await _figures(northmoor, year))
    # Replied to after 3 days, at a primary school: the channel, the first reply and the
    # school's phase are kept with the erased case, not made "not known".
    second = await old_case(aisha, 9, born="1997-01-09", contacted_by="young_person",
                            support_level=3, topics=["Transport"],
                            reply_after_days=3)  # fmt: skip
    await _at_school(owner_conn, northmoor, second, "Primary")
    # Aged 26 or over when the case was opened: a band of its own, kept and erased alike.
    third = await old_case(aisha, 9, born="1980-01-01", topics=["Exclusion"])
    with_them = _cube(await _figures(northmoor, year))
    if await _opened_year(owner_conn, northmoor, second["id"]) == year:
        assert sum(with_them[0].values()) == sum(before[0].values()) + 2
        assert with_them[1]["Transport"] == before[1].get("Transport", 0) + 1
        assert sum(n for key, n in with_them[0].items() if key[2] == "26+") >= 1
        assert sum(n for key, n in with_them[0].items()
                   if key[6:] == ("phone", "2-5", "primary")) >= 1  # fmt: skip
    # Opened in each part of the year the kinds of year divide differently, each still
    # open at the end of one kind of year it was opened in and closed by the end of the
    # others: opened in February, closed in May (open at the financial year's end); in
    # June, closed in October (open at the academic year's); in November, closed in
    # February (open at the calendar year's).
    openings = [(date(year, 2, 10), date(year, 5, 10)), (date(year, 6, 10), date(year, 10, 10)),
                (date(year, 11, 10), date(year + 1, 2, 10))]  # fmt: skip
    # At each kind's boundaries: opened on the first or last day of a year of some kind,
    # closed on the last day of its year (closed at its end) or on the day after (open).
    openings += [
        (date(year, 1, 1), date(year, 12, 31)),  # calendar: closed on its last day
        (date(year, 12, 31), date(year + 1, 1, 1)),  # calendar: closed the day after
        (date(year, 4, 1), date(year + 1, 3, 31)),  # financial: closed on its last day
        (date(year, 3, 31), date(year, 4, 1)),  # financial: closed the day after
        (date(year, 9, 1), date(year + 1, 8, 31)),  # academic: closed on its last day
        (date(year, 8, 31), date(year, 9, 1)),  # academic: closed the day after
    ]
    parts = []
    for day, closed in openings:
        at = datetime(day.year, day.month, day.day, 11, tzinfo=UTC)
        parts.append(await old_case(aisha, 9, at=at, open_for_days=(closed - day).days))
        years += [k for k in _years_around(day) if k not in years]
    with_all = _cube(await _figures(northmoor, year))
    every_year = {(y, kind): _cube(await _figures(northmoor, y, kind)) for y, kind in years}

    counts = await confirm_and_sweep(owner_conn, northmoor, "northmoor-admin")

    assert counts["erased"] >= 12
    ids = [first["id"], second["id"], third["id"], *(p["id"] for p in parts)]
    assert await _kept(owner_conn, northmoor, ids) == 0
    assert _cube(await _figures(northmoor, year)) == with_all
    # A calendar, financial or academic year, too, each from the year of its kind the
    # facts keep, open or closed at that year's end as the case was.
    for (y, kind), cube in every_year.items():
        assert _cube(await _figures(northmoor, y, kind)) == cube, (y, kind)
    # Another service's figures never held these cases.
    assert _cube(await _figures(eastdale, year)) == eastdale_before


async def test_a_contact_is_of_a_kind_the_service_offers_in_the_database_too(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    # The return's "not known (case erased)" channel is the erased-early group's own, one
    # figure with their reply and phase: a kept case's channel (its first incoming
    # contact's kind) can never be it, nor the "none" of a case with no incoming contact.
    tenant = tenants["northmoor"]
    case = await old_case(aisha, 1)
    for kind in ("unknown", "none", "Phone"):
        with pytest.raises(asyncpg.CheckViolationError, match="case_contacts_kind"):
            await as_tenant(
                owner_conn, tenant,
                "INSERT INTO case_contacts (id, tenant_id, case_id, kind, direction,"
                " occurred_at, summary, side, recorded_by, recorded_at, version)"
                " SELECT gen_random_uuid(), tenant_id, case_id, $2, direction, occurred_at,"
                " summary, side, recorded_by, recorded_at, 1 FROM case_contacts"
                " WHERE case_id = $1 LIMIT 1",
                uuid.UUID(case["id"]), kind,
            )  # fmt: skip


async def test_the_years_cases_are_counted_by_their_values(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    tenant = tenants["northmoor"]
    case = await old_case(aisha, 3, born="2015-02-01", contacted_by="carer",
                          referral_route="professional", support_level=4,
                          topics=["Exclusion"], **REFERRED)  # fmt: skip
    year = await _opened_year(owner_conn, tenant, case["id"])
    before = _cube(await _figures(tenant, year))
    [row] = await as_tenant(
        owner_conn, tenant, "SELECT opened_on FROM cases WHERE id = $1", uuid.UUID(case["id"])
    )
    age = (row["opened_on"] - date(2015, 2, 1)).days // 366
    band = "5-10" if age >= 5 else "0-4"
    key = ("carer", "professional", band, 4, "recorded", "closed", "phone", "none", "unknown")
    # Recorded again the same way: one more case with exactly these values.
    again = await old_case(aisha, 3, born="2015-02-01", contacted_by="carer",
                           referral_route="professional", support_level=4,
                           topics=["Exclusion"], **REFERRED)  # fmt: skip
    if await _opened_year(owner_conn, tenant, again["id"]) == year:
        after = _cube(await _figures(tenant, year))
        assert after[0][key] == before[0][key] + 1
        assert after[1]["Exclusion"] == before[1]["Exclusion"] + 1


async def test_the_annual_return_is_the_managers_and_names_nothing(
    aisha: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.casework.access import NotPermitted
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.errors import Invalid
    from confide.platform.statistics import services

    tenant = tenants["northmoor"]
    case = await old_case(aisha, 2, topics=["Transport"])
    year = await _opened_year(owner_conn, tenant, case["id"])
    manager = await staff_of(owner_conn, tenant, "northmoor-manager")
    caseworker = await staff_of(owner_conn, tenant, "northmoor-cw-1")
    async with tenant_transaction(tenant.id):
        made = await services.make_release(year, manager)
        assert made.kept is not None
        release = services.readable(made.kept)
        with pytest.raises(NotPermitted):
            await services.make_release(year, caseworker)
        with pytest.raises(NotPermitted):
            await services.annual_return(year, caseworker)
        with pytest.raises(Invalid) as bad:
            await services.make_release(1066, manager)
    assert bad.value.errors == {"year": "Enter a year from 2000 to 2100"}

    tables = release.cases.tables
    assert [t.title for t in tables][:2] == [
        "Cases by who made contact and referral route",
        "Cases by age at first contact and support level",
    ]
    assert tables[0].grand_total.value is None or tables[0].grand_total.value >= 1
    text = repr(release)
    for secret in (case["last_name"], "Rhiannon", case["reference"], "Advice given",
                   "07700 900555", "2000-03-02", "Talked about the EHC plan"):  # fmt: skip
        assert secret not in text
    assert "Any count from 1 to 4 is not shown" in release.cases.method


def test_a_topic_no_longer_listed_counts_as_other_and_is_never_named() -> None:
    from confide.platform.statistics.schemas import YearFigures
    from confide.platform.statistics.services import topic_table

    figures = YearFigures(2024, (), {"Transport": 7, "Something typed once": 2, "Other": 4})
    table = topic_table(figures, ("Transport", "Exclusion", "Other"))
    [topic] = table.dimensions
    assert [label for _, label in topic.categories] == ["Transport", "Exclusion", "Other"]
    assert dict(table.counts) == {("t0",): 7, ("other",): 6}


def test_a_disclosure_on_a_basis_not_listed_or_none_counts_as_other() -> None:
    from confide.platform.statistics.schemas import YearFigures
    from confide.platform.statistics.services import disclosure_table

    figures = YearFigures(2024, (), {}, {"consent": 7, "safeguarding": 1, "None": 2, "x": 1})
    table = disclosure_table(figures)
    assert dict(table.counts) == {("consent",): 7, ("safeguarding",): 1, ("other",): 3}


def test_the_workbook_has_the_notes_then_a_sheet_per_table_and_no_formula() -> None:
    import csv
    import io

    from openpyxl import load_workbook

    from confide.platform.statistics.disclosure import protect
    from confide.platform.statistics.schemas import AnnualReturn, CaseCount, YearFigures
    from confide.platform.statistics.services import (
        case_tables,
        return_csv,
        return_xlsx,
        topic_table,
    )

    counts = tuple(
        CaseCount("parent", "self", "11-15", level, "recorded", "closed", n)
        for level, n in ((1, 12), (2, 3), (3, 9))
    )
    figures = YearFigures(2024, counts, {"=HYPERLINK(1)": 8, "Transport": 16})
    annual = AnnualReturn(
        2024,
        protect(case_tables(figures, ("Information", "Advice", "Support", "Casework")), 5),
        protect([topic_table(figures, ("=HYPERLINK(1)", "Transport"))], 5),
    )
    book = load_workbook(io.BytesIO(return_xlsx(annual)))
    assert book.sheetnames == ["Notes", *(f"Table {n}" for n in range(1, 9))]
    assert "Any count from 1 to 4 is not shown" in str(book["Notes"]["A3"].value)
    levels = book["Table 2"]
    assert levels["A1"].value == "Cases by age at first contact and support level"
    rows = [[c.value for c in row] for row in levels.iter_rows(min_row=3)]
    assert rows[0] == [
        "Age at first contact",
        "Information",
        "Advice",
        "Support",
        "Casework",
        "Total",
    ]
    assert ["11 to 15", 12, "[c]", "[c]", 0, 24] in rows
    topics = book["Table 8"]
    assert all(c.data_type != "f" for row in topics.iter_rows() for c in row)
    assert topics["A4"].value == "=HYPERLINK(1)"
    assert topics["A4"].data_type == "s"
    lines = list(csv.reader(io.StringIO(return_csv(annual))))
    assert ["2024", "Cases naming each enquiry topic (a case may name several)", "Enquiry topic",
            "'=HYPERLINK(1)", "", "", "8", "no"] in lines  # fmt: skip


async def test_channels_replies_school_phases_disclosures_and_requests_are_counted(
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.statistics import services
    from tests.helpers.environment import ADMIN_URL, DATABASE
    from tests.helpers.schools import new_urns

    tenant = tenants["northmoor"]
    [staff] = await as_tenant(
        owner_conn, tenant, "SELECT id FROM staff_users WHERE subject = 'northmoor-cw-1'"
    )
    [manager] = await as_tenant(
        owner_conn, tenant, "SELECT id FROM staff_users WHERE subject = 'northmoor-manager'"
    )
    school, person, case = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    [urn] = new_urns(1)
    statements: list[tuple[str, tuple[Any, ...]]] = [
        ("INSERT INTO schools (id, tenant_id, urn, name, phase)"
         " VALUES ($1, $2, $3, 'Statistics Primary', 'Primary')", (school, tenant.id, urn)),
        ("INSERT INTO people (id, tenant_id, kind, first_name, last_name, date_of_birth,"
         " school_id) VALUES ($1, $2, 'child_or_young_person', 'Zed', 'Stats',"
         " DATE '2005-01-01', $3)", (person, tenant.id, school)),
        ("INSERT INTO cases (id, tenant_id, reference, subject_id, contacted_by, topics,"
         " support_level, status, opened_on, created_by)"
         " VALUES ($1, $2, 'NM-2013-S00001', $3, 'parent', '[]', 1, 'open', DATE '2013-03-04',"
         " $4)", (case, tenant.id, person, staff["id"])),
        # Asked by email on the day the case was opened; answered by phone 3 days later.
        ("INSERT INTO case_contacts (id, tenant_id, case_id, kind, direction, occurred_at,"
         " summary, recorded_by) VALUES (gen_random_uuid(), $1, $2, 'email', 'incoming',"
         " '2013-03-04 10:00+00', 'Asked about a plan', $3), (gen_random_uuid(), $1, $2,"
         " 'phone', 'outgoing', '2013-03-07 10:00+00', 'Rang back', $3)",
         (tenant.id, case, staff["id"])),
        # Two subject access requests answered in 2013: one in time, one late.
        ("INSERT INTO information_requests (id, tenant_id, kind, requester_name, relation,"
         " case_id, received_on, channel, status, due_on, logged_by, closed_by, closed_at)"
         " VALUES (gen_random_uuid(), $1, 'subject_access', 'A requester', 'self', $2,"
         " DATE '2013-05-01', 'email', 'closed', DATE '2013-06-10', $3, $3,"
         " '2013-06-01 12:00+00'), (gen_random_uuid(), $1, 'subject_access', 'A requester',"
         " 'self', $2, DATE '2013-06-01', 'email', 'closed', DATE '2013-07-01', $3, $3,"
         " '2013-07-20 12:00+00')", (tenant.id, case, manager["id"])),
    ]  # fmt: skip
    for sql, args in statements:
        await as_tenant(owner_conn, tenant, sql, *args)
    # A share on a legal basis sent in 2013, put in with the workflow's trigger off (the
    # application can only reach "shared" through its steps).
    admin = await asyncpg.connect(f"{ADMIN_URL.rsplit('/', 1)[0]}/{DATABASE}")
    try:
        await admin.execute("SET session_replication_role = replica")
        await admin.execute(
            "INSERT INTO disclosures (id, tenant_id, case_id, recipient_org, recipient_role,"
            " purpose, items, status, basis, legal_basis, justification, authorised_by,"
            " check_code, check_reason, requested_by, sent_on, sent_method, sent_to, sent_by,"
            " shared_at) VALUES (gen_random_uuid(), $1, $2, 'Children''s services',"
            " 'Social worker', 'Safeguarding', '[{\"kind\": \"note\"}]', 'shared', 'legal',"
            " 'safeguarding', 'Risk of harm', $3, 'no_consent', 'No consent', $4,"
            " DATE '2013-05-02', 'secure_email', 'Duty team', $4, '2013-05-02 12:00+00')",
            tenant.id, case, manager["id"], staff["id"],
        )  # fmt: skip
        # A case file released on the service user's word (issue 17) counts as consent.
        await admin.execute(
            "INSERT INTO disclosures (id, tenant_id, case_id, recipient_org, recipient_role,"
            " purpose, items, status, basis, check_code, check_reason, requested_by, sent_on,"
            " sent_method, sent_to, sent_by, shared_at) VALUES (gen_random_uuid(), $1, $2,"
            " 'A solicitor', 'Solicitor', 'Case file', '[{\"kind\": \"note\"}]', 'shared',"
            " 'service_user', 'information_request', 'Request', $3, DATE '2013-05-03',"
            " 'secure_email', 'Solicitor', $3, '2013-05-03 12:00+00')",
            tenant.id, case, manager["id"],
        )  # fmt: skip
    finally:
        await admin.close()

    async with tenant_transaction(tenant.id):
        figures = await services.year_figures(2013)

    by: dict[str, Counter[str]] = {"channel": Counter(), "response": Counter(), "phase": Counter()}
    for c in figures.counts:
        by["channel"][c.channel] += c.cases
        by["response"][c.response] += c.cases
        by["phase"][c.phase] += c.cases
    assert by == {"channel": {"email": 1}, "response": {"2-5": 1}, "phase": {"primary": 1}}
    assert figures.disclosures == {"safeguarding": 1, "consent": 1}
    assert figures.requests == {("subject_access", "within"): 1, ("subject_access", "late"): 1}
    manager_view = await staff_of(owner_conn, tenant, "northmoor-manager")
    async with tenant_transaction(tenant.id):
        annual = services.readable((await services.release_now(2013, manager_view))[0])
    titles = [t.title for release in annual.releases for t in release.tables]
    assert titles[4:] == [
        "Cases by how the family first made contact",
        "Cases by the time from opening to the first reply",
        "Cases by the phase of the child's school",
        "Cases naming each enquiry topic (a case may name several)",
        "Disclosures shared outside the service, by basis",
        "Information requests answered, by kind and deadline",
    ]
    # One case, two shares, two requests: every figure but the zeros hidden.
    assert annual.disclosures is not None
    assert annual.disclosures.tables[0].grand_total.suppressed
    assert annual.requests is not None
    assert annual.requests.tables[0].grand_total.suppressed
    assert "Stats" not in repr(annual)
    assert "Rang back" not in repr(annual)


async def test_the_years_room_to_group_ends_with_its_statement(
    tenants: dict[str, TenantRef],
) -> None:
    """The year's statement has room to group in memory (work_mem); the rest of the
    caller's transaction has the configured value again, not that room for each of its
    sorts and hashes."""
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.sql import connection
    from confide.platform.statistics import services

    async with tenant_transaction(tenants["northmoor"].id):
        before = await connection().fetchval("SHOW work_mem")
        await services.year_figures(2024, "calendar")
        assert await connection().fetchval("SHOW work_mem") == before != "64MB"
