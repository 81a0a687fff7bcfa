"""The annual return over HTTP (rule 12): the API's JSON and CSV and the managers' preview
page; caseworkers are refused, a wrong year is a 400 naming it, each service sees its own
cases only, a download is audited with its checksum, and nothing names a case."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
from openpyxl import load_workbook

from confide.platform.statistics.schemas import Period
from tests.helpers.casework import as_tenant, new_case
from tests.helpers.html import error_summary, field_error, page_text, parse
from tests.helpers.http import csrf_token, post, put
from tests.helpers.retention import old_case, staff_of
from tests.helpers.statistics import year_kind
from tests.helpers.tenants import TenantRef

NM, ED = "/t/northmoor", "/t/eastdale"
SECRETS = ("Rhiannon", "Advice given", "07700 900555", "2000-03-02", "Talked about the EHC plan")


async def _year_of(owner: asyncpg.Connection, tenant: TenantRef, case: dict[str, Any]) -> int:
    [row] = await as_tenant(
        owner, tenant, "SELECT opened_on FROM cases WHERE id = $1", uuid.UUID(case["id"])
    )
    opened: date = row["opened_on"]
    return opened.year


def _as(tenant: TenantRef) -> Any:
    from confide.platform.core.db import tenant_transaction

    return tenant_transaction(tenant.id)


async def _release(
    http: httpx.AsyncClient, tenant: str, year: int, period: str = "calendar"
) -> httpx.Response:
    """Release the period's return through the API (the only way, with the page's POST)."""
    return await post(http, f"{tenant}/api/statistics/releases", {"year": year, "period": period})


async def _releases_kept(owner: asyncpg.Connection, tenant: TenantRef) -> int:
    [row] = await as_tenant(owner, tenant, "SELECT count(*) AS n FROM statistics_releases")
    return int(row["n"])


def _grand_total(body: dict[str, Any]) -> int | None:
    value: int | None = body["cases"]["tables"][0]["grand_total"]["value"]
    return value


async def test_the_api_gives_managers_the_protected_return_and_refuses_everyone_else(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    from confide.platform.statistics import services

    case = await old_case(aisha, 4)
    year = await _year_of(owner_conn, tenants["northmoor"], case)
    path = "/api/statistics/annual-return"
    async with _as(tenants["eastdale"]):
        eastdale_before = await services.year_figures(year)
    for _ in range(5):  # enough cases that the year's total is shown
        await old_case(aisha, 4)
    # Reading never makes a release: not released yet, and nothing kept.
    kept = await _releases_kept(owner_conn, tenants["northmoor"])
    unreleased = await fiona.get(f"{NM}{path}", params={"year": year})
    assert unreleased.status_code == 404, unreleased.text
    assert await _releases_kept(owner_conn, tenants["northmoor"]) == kept
    assert (await _release(aisha, NM, year)).status_code == 403
    made = await _release(fiona, NM, year)
    assert made.status_code == 201, made.text

    answer = await fiona.get(f"{NM}{path}", params={"year": year})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["year"] == year
    assert body["cases"]["tables"][0]["title"] == "Cases by who made contact and referral route"
    assert (_grand_total(body) or 0) >= 6
    assert "Any count from 1 to 4 is not shown" in body["cases"]["method"]
    for secret in (*SECRETS, case["last_name"], case["reference"]):
        assert secret not in answer.text
    assert (await aisha.get(f"{NM}{path}", params={"year": year})).status_code == 403
    bad = await fiona.get(f"{NM}{path}", params={"year": 1066})
    assert bad.status_code == 400
    assert "year" in bad.text
    assert answer.json() == made.json()
    # The read is audited, as a download is.
    reads = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'statistics_released'"
        " AND detail->>'format' = 'json' AND detail->>'year' = $1",
        str(year),
    )  # fmt: skip
    assert reads[0]["n"] == 1
    # Eastdale's figures, in its own transaction, never counted Northmoor's cases, nor
    # does its release made after them.
    # (The rows of a GROUP BY come in no set order: compared as multisets.)
    async with _as(tenants["eastdale"]):
        eastdale_after = await services.year_figures(year)
        eastdale_own = await services._computed(Period("calendar", year))
    assert Counter(eastdale_after.counts) == Counter(eastdale_before.counts)
    eastdale_release = await _release(bronwen, ED, year)
    assert eastdale_release.status_code == 201, eastdale_release.text
    # Every figure of its release, hidden or shown, is that of its own figures protected.
    own = msgspec.json.decode(msgspec.json.encode(eastdale_own))
    assert eastdale_release.json()["cases"] == own["cases"]


async def test_the_csv_is_one_tidy_file_and_each_download_is_audited_with_its_checksum(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    case = await old_case(aisha, 5)
    year = await _year_of(owner_conn, tenants["northmoor"], case)
    before = await fiona.get(f"{NM}/api/statistics/annual-return.csv", params={"year": year})
    assert before.status_code == 404  # not released yet; a download never releases
    assert (await _release(fiona, NM, year)).status_code == 201

    answer = await fiona.get(f"{NM}/api/statistics/annual-return.csv", params={"year": year})

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert f"annual-return-{year}.csv" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows
    assert set(rows[0]) == {"year", "table", "row_dimension", "row", "column_dimension",
                            "column", "count", "rounded"}  # fmt: skip
    assert all(r["count"] == "[c]" or r["count"].isdigit() for r in rows)
    assert all(r["count"] == "[c]" or r["count"] == "0" or int(r["count"]) >= 5 for r in rows)
    for secret in (*SECRETS, case["last_name"], case["reference"]):
        assert secret not in answer.text
    digest = hashlib.sha256(answer.content).hexdigest()
    entries = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT detail FROM audit_entries WHERE action = 'statistics_released'"
        " AND detail->>'sha256' = $1",
        digest,
    )  # fmt: skip
    assert len(entries) == 1
    assert (
        await aisha.get(f"{NM}/api/statistics/annual-return.csv", params={"year": year})
    ).status_code == 403

    workbook = await fiona.get(f"{NM}/api/statistics/annual-return.xlsx", params={"year": year})
    assert workbook.status_code == 200
    assert f"annual-return-{year}.xlsx" in workbook.headers["content-disposition"]
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames[0] == "Notes"
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    for secret in (*SECRETS, case["last_name"], case["reference"]):
        assert secret not in cells
    [entry] = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT detail FROM audit_entries WHERE action = 'statistics_released'"
        " AND detail->>'sha256' = $1",
        hashlib.sha256(workbook.content).hexdigest(),
    )  # fmt: skip
    assert '"xlsx"' in entry["detail"]


async def test_the_preview_page_shows_the_tables_marks_hidden_figures_and_names_a_wrong_year(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    case = await old_case(aisha, 6, referral_route="early_help",
                          referrer_consent_confirmed=True, referrer_name="A SENCO",
                          referrer_consent_on="2019-01-04")  # fmt: skip
    year = await _year_of(owner_conn, tenants["northmoor"], case)
    kept = await _releases_kept(owner_conn, tenants["northmoor"])
    # Not released yet: the page says so and offers the confirmation, which releases
    # only when its button is pressed (a POST with the form's CSRF token).
    unreleased = await fiona.get(f"{NM}/statistics/annual-return", params={"year": year})
    assert unreleased.status_code == 200, unreleased.text
    assert "has not been released yet" in parse(unreleased).one("[data-testid=not-released]").text
    confirm_path = parse(unreleased).one("[data-testid=release-link]").get("href") or ""
    confirm = await fiona.get(confirm_path)
    assert confirm.status_code == 200, confirm.text
    assert parse(confirm).one("h1").text == f"Release the return for {year}?"
    assert "It cannot be changed afterwards" in page_text(confirm)
    assert await _releases_kept(owner_conn, tenants["northmoor"]) == kept
    made = await fiona.post(
        f"{NM}/statistics/annual-return/release",
        data={"year": str(year), "period": "calendar", "_csrf_token": csrf_token(confirm.text)},
    )
    assert made.status_code == 303, made.text
    assert await _releases_kept(owner_conn, tenants["northmoor"]) == kept + 1

    page = await fiona.get(made.headers["location"])

    assert page.status_code == 200, page.text
    document = parse(page)
    tables = document.select("table[data-testid=return-table]")
    assert len(tables) == 10  # 7 of the cases, the topics, disclosures, requests
    assert tables[0].one("caption").text == "Cases by who made contact and referral route"
    # One early-help case this year at most a few: hidden, marked, and explained.
    assert document.select("[data-testid=suppressed]")
    assert "is not shown, to protect privacy" in document.one("[data-testid=suppression-note]").text
    assert (document.one("[data-testid=download-csv]").get("href") or "").endswith(f"?year={year}")
    text = page_text(page)
    for secret in (*SECRETS, case["last_name"], case["reference"]):
        assert secret not in text

    wrong = await fiona.get(f"{NM}/statistics/annual-return", params={"year": "19x9"})
    assert wrong.status_code == 400
    assert error_summary(wrong) == [("#year", "Enter a year as 4 digits, like 2025")]
    assert field_error(wrong, "year") == "Enter a year as 4 digits, like 2025"
    early = await fiona.get(f"{NM}/statistics/annual-return", params={"year": "1999"})
    assert error_summary(early) == [("#year", "Enter a year from 2000 to 2100")]

    download = await fiona.get(f"{NM}/statistics/annual-return/download", params={"year": year})
    assert download.status_code == 200
    assert download.text.startswith("year,table,row_dimension")
    assert (await aisha.get(f"{NM}/statistics/annual-return")).status_code == 403


async def test_the_service_report_counts_enquiries_replies_caseloads_and_overdue_tasks(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    from confide.platform.core.clock import service_today

    today = service_today()
    period = {"start": today.isoformat(), "end": today.isoformat()}
    path = "/api/statistics/service"
    before = (await fiona.get(f"{NM}{path}", params=period)).json()
    eastdale_before = (await bronwen.get(f"{ED}{path}", params=period)).json()
    case = await new_case(
        aisha,
        young_person={
            "first_name": "Zofia",
            "last_name": "Quill",
            "phone": "07700 900999",
            "may_phone": True,
        },
    )
    replied = await post(
        aisha, f"{NM}/api/cases/{case['id']}/contacts",
        {"kind": "phone", "direction": "outgoing", "occurred_at": datetime.now(UTC).isoformat(),
         "summary": "Rang back about transport"},
    )  # fmt: skip
    assert replied.status_code == 201, replied.text

    answer = await fiona.get(f"{NM}{path}", params=period)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["enquiries"] == before["enquiries"] + 1
    assert body["responded"] == before["responded"] + 1
    assert body["responded_within_5_days"] == before["responded_within_5_days"] + 1
    assert body["median_days_to_first_response"] == 0
    assert any(c["staff_name"] == "Aisha Rahman" for c in body["open_caseloads"])
    for secret in ("Zofia", "Quill", case["reference"], "Rang back about transport"):
        assert secret not in answer.text
    assert (await bronwen.get(f"{ED}{path}", params=period)).json()["enquiries"] == (
        eastdale_before["enquiries"]
    )
    assert (await aisha.get(f"{NM}{path}", params=period)).status_code == 403
    backwards = await fiona.get(
        f"{NM}{path}", params={"start": today.isoformat(), "end": "2020-01-01"}
    )
    assert backwards.status_code == 400
    assert "end" in backwards.json()["errors"]

    page = await fiona.get(f"{NM}/statistics/service")
    assert page.status_code == 200
    assert int(parse(page).one("[data-testid=enquiries]").text) >= 1
    text = page_text(page)
    for secret in ("Zofia", "Quill", case["reference"], "Rang back about transport"):
        assert secret not in text
    wrong = await fiona.get(
        f"{NM}/statistics/service",
        params={"start-day": "31", "start-month": "2", "start-year": "2026",
                "end-day": "1", "end-month": "1", "end-year": "2026"},
    )  # fmt: skip
    assert wrong.status_code == 400
    assert [field for field, _ in error_summary(wrong)] == ["#start-day"]
    assert (await aisha.get(f"{NM}/statistics/service")).status_code == 403


async def test_a_years_return_is_released_once_and_every_later_copy_is_that_release(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    # Two releases of one year, differenced, would give hidden counts away (rule 12).
    case = await old_case(aisha, 7)
    year = await _year_of(owner_conn, tenants["northmoor"], case)
    params = {"year": year}
    assert (await _release(fiona, NM, year)).status_code == 201
    first_csv = await fiona.get(f"{NM}/api/statistics/annual-return.csv", params=params)
    first_xlsx = await fiona.get(f"{NM}/api/statistics/annual-return.xlsx", params=params)
    first_json = await fiona.get(f"{NM}/api/statistics/annual-return", params=params)
    assert first_csv.status_code == first_xlsx.status_code == first_json.status_code == 200
    assert _grand_total(first_json.json()) is None  # one case: hidden
    for _ in range(5):  # enough more cases that a recomputed total would be shown
        await old_case(aisha, 7)

    again = await _release(fiona, NM, year)  # released again: the one kept, nothing made
    assert again.status_code == 200
    assert again.json() == first_json.json()
    again_csv = await fiona.get(f"{NM}/api/statistics/annual-return.csv", params=params)
    again_xlsx = await fiona.get(f"{NM}/statistics/annual-return/download-xlsx", params=params)
    again_json = await fiona.get(f"{NM}/api/statistics/annual-return", params=params)
    page = await fiona.get(f"{NM}/statistics/annual-return", params=params)

    assert again_csv.content == first_csv.content
    assert again_xlsx.content == first_xlsx.content
    assert again_json.json() == first_json.json()
    assert page.status_code == 200
    assert "Released" in parse(page).one("[data-testid=released]").text
    # Kept once, made once (audited with ids and codes only), downloaded four times.
    made = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT subject_id, detail FROM audit_entries WHERE action = 'statistics_release_made'"
        " AND detail->>'year' = $1",
        str(year),
    )  # fmt: skip
    assert len(made) == 1
    reads = await as_tenant(
        owner_conn, tenants["northmoor"],
        "SELECT detail->>'format' AS format FROM audit_entries"
        " WHERE action = 'statistics_released' AND subject_id = $1",
        made[0]["subject_id"],
    )  # fmt: skip
    # Downloaded four times; read as JSON twice and by the POST that made nothing; shown
    # on the page once.
    assert Counter(r["format"] for r in reads) == {"csv": 2, "xlsx": 2, "json": 3, "html": 1}
    # Listed, with the checksums of the files downloaded, in the API and on the page.
    listed = (await fiona.get(f"{NM}/api/statistics/releases")).json()
    [entry] = [r for r in listed["items"] if r["year"] == year]
    assert entry["csv_sha256"] == hashlib.sha256(first_csv.content).hexdigest()
    assert entry["xlsx_sha256"] == hashlib.sha256(first_xlsx.content).hexdigest()
    assert entry["produced_by_name"] == "Fiona MacLeod"
    releases_page = await fiona.get(f"{NM}/statistics/releases")
    assert releases_page.status_code == 200
    assert entry["csv_sha256"] in page_text(releases_page)
    assert (await aisha.get(f"{NM}/statistics/releases")).status_code == 403
    assert (await aisha.get(f"{NM}/api/statistics/releases")).status_code == 403
    # Eastdale's list never shows Northmoor's release.
    eastdale = (await bronwen.get(f"{ED}/api/statistics/releases")).json()
    assert all(r["id"] != entry["id"] for r in eastdale["items"])


async def test_a_year_not_yet_over_has_no_return(fiona: httpx.AsyncClient) -> None:
    from confide.platform.core.clock import service_today

    this_year = service_today().year
    for path in ("/api/statistics/annual-return", "/api/statistics/annual-return.csv",
                 "/api/statistics/annual-return.xlsx"):  # fmt: skip
        answer = await fiona.get(f"{NM}{path}", params={"year": this_year})
        assert answer.status_code == 400, answer.text
        assert "has ended" in answer.json()["errors"]["year"]
    refused = await _release(fiona, NM, this_year)
    assert refused.status_code == 400
    assert "has ended" in refused.json()["errors"]["year"]
    later = await fiona.get(f"{NM}/api/statistics/annual-return", params={"year": this_year + 1})
    assert later.status_code == 400
    assert "year" in later.json()["errors"]
    page = await fiona.get(f"{NM}/statistics/annual-return", params={"year": this_year})
    assert page.status_code == 400
    assert error_summary(page) == [
        (
            "#year",
            f"Choose a year that has ended: {this_year} is not over until 31 December {this_year}",
        )
    ]
    download = await fiona.get(
        f"{NM}/statistics/annual-return/download", params={"year": this_year}
    )
    assert download.status_code == 400
    listed = (await fiona.get(f"{NM}/api/statistics/releases")).json()
    assert all(r["year"] != this_year for r in listed["items"])


async def test_a_financial_or_academic_year_is_its_own_period_once_it_has_ended(
    fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.clock import service_today

    northmoor = tenants["northmoor"]
    # A case opened in February 2015: the financial and academic years 2014-15.
    await as_tenant(
        owner_conn, northmoor,
        "INSERT INTO cases (id, tenant_id, reference, contacted_by, topics, support_level,"
        " status, opened_on, created_by, anonymous)"
        " SELECT gen_random_uuid(), $1, 'NM-2015-F00001', 'parent',"
        " jsonb_build_array('Transport'), 2, 'open', DATE '2015-02-10', id, true"
        " FROM staff_users WHERE subject = 'northmoor-cw-1'",
        northmoor.id,
    )  # fmt: skip
    async with _as(northmoor):
        from confide.platform.statistics import services

        counts = {
            (kind, year): (await services.year_figures(year, kind)).cases
            for kind in ("calendar", "financial", "academic")
            for year in (2014, 2015)
        }
    assert counts == {("calendar", 2014): 0, ("calendar", 2015): 1, ("financial", 2014): 1,
                      ("financial", 2015): 0, ("academic", 2014): 1,
                      ("academic", 2015): 0}  # fmt: skip
    path = f"{NM}/api/statistics/annual-return"
    for kind in ("financial", "academic"):
        async with year_kind(owner_conn, northmoor, kind):
            assert (await _release(fiona, NM, 2014, kind)).status_code == 201
            answer = await fiona.get(path, params={"year": 2014, "period": kind})
            assert answer.status_code == 200, answer.text
            assert answer.json()["period"] == kind
            assert answer.json()["label"] == "2014-15"
            csv_file = await fiona.get(f"{path}.csv", params={"year": 2014, "period": kind})
            disposition = csv_file.headers["content-disposition"]
            assert f"annual-return-{kind}-year-2014-15.csv" in disposition
            assert csv_file.text.splitlines()[1].startswith("2014-15,")
            # The service's kind of year is the page's unless another is asked for.
            page = await fiona.get(f"{NM}/statistics/annual-return", params={"year": 2014})
            assert page.status_code == 200
            heading = parse(page).one("[data-testid=year-heading]").text
            assert heading == f"Cases opened in the {kind} year 2014-15"
            link = parse(page).one("[data-testid=download-csv]").get("href") or ""
            assert f"period={kind}" in link
            # No kind given anywhere: the service's own, and the page offers only that.
            offered = [i.get("value") for i in parse(page).select("input[name=period]")]
            assert offered == [kind]
            default = await fiona.get(path, params={"year": 2014})
            assert default.status_code == 200, default.text
            assert default.json()["period"] == kind
            default_csv = await fiona.get(f"{path}.csv", params={"year": 2014})
            assert (
                f"annual-return-{kind}-year-2014-15.csv"
                in default_csv.headers["content-disposition"]
            )
            made = await post(fiona, f"{NM}/api/statistics/releases", {"year": 2008})
            assert made.status_code == 201, made.text
            assert made.json()["period"] == kind

    # Another kind of period is refused, naming it; so is a year not yet over.
    other = await fiona.get(path, params={"year": 2020, "period": "quarter"})
    assert other.status_code == 400
    assert other.json()["errors"] == {"period": "Choose a calendar, financial or academic year"}
    today = service_today()
    running = today.year if today.month >= 4 else today.year - 1
    late = await fiona.get(path, params={"year": running, "period": "financial"})
    assert late.status_code == 400
    assert "has ended" in late.json()["errors"]["year"]
    wrong = await fiona.get(
        f"{NM}/statistics/annual-return", params={"year": 2020, "period": "quarter"}
    )
    assert error_summary(wrong) == [("#period", "Choose a calendar, financial or academic year")]


async def test_a_financial_year_is_refused_once_its_cases_may_have_been_erased(
    fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    # What retention kept of a case erased before it kept more than the calendar year
    # (rule 14), and before the channel, first reply and school phase.
    await as_tenant(
        owner_conn, tenants["northmoor"],
        "INSERT INTO retention_facts (id, tenant_id, year_opened, closed_by_calendar_year_end,"
        " topics, age_band, support_level, outcome_class, referral_route, contacted_by, phase)"
        " VALUES (gen_random_uuid(), $1, 2011, true, '[]', 'unknown', 1, 'none', 'self',"
        " 'parent', 'erased')",
        tenants["northmoor"].id,
    )  # fmt: skip
    path = f"{NM}/api/statistics/annual-return"
    async with year_kind(owner_conn, tenants["northmoor"], "financial"):
        for year in (2010, 2011):
            refused = await _release(fiona, NM, year, "financial")
            assert refused.status_code == 400, refused.text
            assert "choose the calendar year" in refused.json()["errors"]["period"]
    assert (await _release(fiona, NM, 2011)).status_code == 201
    async with year_kind(owner_conn, tenants["northmoor"], "academic"):
        assert (await _release(fiona, NM, 2012, "academic")).status_code == 201
    assert (await fiona.get(path, params={"year": 2011})).status_code == 200


async def test_a_service_reports_on_one_kind_of_year_fixed_once_a_return_is_released(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, gareth: httpx.AsyncClient,
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    # A calendar year and the financial or academic year across it overlap: their
    # releases, differenced, would give hidden counts away (rule 12).
    case = await old_case(aisha, 3)
    year = await _year_of(owner_conn, tenants["northmoor"], case)
    assert (await _release(fiona, NM, year)).status_code == 201
    for kind in ("financial", "academic"):
        refused = await _release(fiona, NM, year - 1, kind)
        assert refused.status_code == 400, refused.text
        assert refused.json()["errors"] == {
            "period": "This service reports on calendar years only (its statistics settings"
            " say which kind)"
        }
        read = await fiona.get(
            f"{NM}/api/statistics/annual-return.csv", params={"year": year - 1, "period": kind}
        )
        assert read.status_code == 400
        assert list(read.json()["errors"]) == ["period"]
    # The setting is the tenant admin's, and cannot change once a return is released.
    settings = f"{NM}/api/policy/statistics"
    body = {"stats_suppression_threshold": 5, "stats_round_to_5": False}
    changed = await put(gareth, settings, {**body, "stats_year_kind": "financial"})
    assert changed.status_code == 400, changed.text
    assert changed.json()["errors"] == {
        "year_kind": "The kind of year cannot be changed once a return has been released"
    }
    unknown = await put(gareth, settings, {**body, "stats_year_kind": "lunar"})
    assert list(unknown.json()["errors"]) == ["year_kind"]
    same = await put(gareth, settings, {**body, "stats_year_kind": "calendar"})
    assert same.status_code == 200, same.text
    assert same.json()["statistics"]["stats_year_kind"] == "calendar"


async def test_the_database_holds_one_kind_of_year_when_the_services_checks_race(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    # The services check the kind first; a release and a change of kind at the same moment
    # both pass those checks, so the database refuses the second (rule 12).
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy import queries as policy

    northmoor = tenants["northmoor"]
    case = await old_case(aisha, 3)
    year = await _year_of(owner_conn, northmoor, case)
    assert (await _release(fiona, NM, year)).status_code in (200, 201)
    # A change of kind once a return is kept, past the service's own check.
    with pytest.raises(policy.OneKindOfYear):
        async with tenant_transaction(northmoor.id):
            await policy.save_policy(northmoor.id, {"stats_year_kind": "academic"})
    # A release checked against the kind just before an administrator changes it.
    lock = "SELECT pg_advisory_xact_lock(hashtextextended('statistics_one_kind_of_year/' || $1, 0))"
    async with year_kind(owner_conn, northmoor, "financial"):
        async with owner_conn.transaction():
            await owner_conn.execute(lock, str(northmoor.id))
            releasing = asyncio.ensure_future(_release(fiona, NM, 2005, "financial"))
            for _ in range(600):  # until the release waits for the change (or has failed)
                [waiting] = await owner_conn.fetch(
                    "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                )
                if waiting["n"] or releasing.done():
                    break
                await asyncio.sleep(0.05)
            # The administrator's change: the policy row as it was before any (calendar).
            await owner_conn.execute("SELECT set_config('app.tenant_id', $1, true)",
                                     str(northmoor.id))  # fmt: skip
            await owner_conn.execute(
                "CREATE TEMP TABLE kept_policy AS"
                " SELECT * FROM tenant_policies WHERE tenant_id = $1",
                northmoor.id,
            )
            await owner_conn.execute("DELETE FROM tenant_policies WHERE tenant_id = $1",
                                     northmoor.id)  # fmt: skip
        refused = await releasing
        async with owner_conn.transaction():  # the service's settings back as they were
            await owner_conn.execute("SELECT set_config('app.tenant_id', $1, true)",
                                     str(northmoor.id))  # fmt: skip
            await owner_conn.execute("UPDATE kept_policy SET stats_year_kind = 'calendar'")
            await owner_conn.execute("INSERT INTO tenant_policies SELECT * FROM kept_policy")
            await owner_conn.execute("DROP TABLE kept_policy")
        refused = await releasing
    assert refused.status_code == 400, refused.text
    assert list(refused.json()["errors"]) == ["period"]


async def test_the_service_report_counts_requests_answered_within_their_deadline_and_overdue(
    fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.clock import service_today

    today = service_today()
    period = {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()}
    path = f"{NM}/api/statistics/service"
    before = (await fiona.get(path, params=period)).json()
    northmoor = tenants["northmoor"]
    # FOI requests: one answered in time, one late, one open past its date.
    await as_tenant(
        owner_conn, northmoor,
        "INSERT INTO information_requests (id, tenant_id, kind, requester_name, relation,"
        " received_on, channel, status, due_on, logged_by, closed_by, closed_at)"
        " SELECT gen_random_uuid(), $1, 'foi', 'A requester', 'other', $2::date - 20,"
        " 'email', v.status, v.due, s.id, CASE WHEN v.status = 'closed' THEN s.id END,"
        " v.closed FROM staff_users s, (VALUES ('closed', $2::date - 1, $3::timestamptz),"
        " ('closed', $2::date - 5, $3::timestamptz), ('open', $2::date - 2, NULL))"
        " AS v(status, due, closed) WHERE s.subject = 'northmoor-manager'",
        northmoor.id, today, datetime.now(UTC) - timedelta(days=2),
    )  # fmt: skip

    body = (await fiona.get(path, params=period)).json()

    assert body["requests_answered"] == before["requests_answered"] + 2
    assert body["requests_answered_in_time"] == before["requests_answered_in_time"] + 1
    assert body["requests_overdue"] == before["requests_overdue"] + 1
    page = await fiona.get(f"{NM}/statistics/service")
    assert parse(page).one("[data-testid=requests-overdue]").text == str(body["requests_overdue"])
    assert "A requester" not in page.text


async def test_a_corrected_contact_counts_once_as_corrected_and_days_are_londons(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:  # fmt: skip
    from confide.platform.core.clock import service_today
    from confide.platform.statistics import services

    northmoor = tenants["northmoor"]
    today = service_today()
    report = f"{NM}/api/statistics/service"
    period = {"start": today.isoformat(), "end": today.isoformat()}

    def by(figures: Any, field: str) -> dict[str, int]:
        tally: dict[str, int] = {}
        for c in figures.counts:
            tally[getattr(c, field)] = tally.get(getattr(c, field), 0) + c.cases
        return tally

    async with _as(northmoor):
        before = await services.year_figures(today.year)
    report_before = (await fiona.get(report, params=period)).json()
    case = await new_case(aisha)
    path = f"{NM}/api/cases/{case['id']}/contacts"
    when = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    # A call that was an email, and a reply that was the family ringing: each corrected.
    for first, then in (("incoming", "incoming"), ("outgoing", "incoming")):
        added = await post(aisha, path, {"kind": "phone", "direction": first,
                                         "occurred_at": when, "summary": "Rang"})  # fmt: skip
        assert added.status_code == 201, added.text
        corrected = await post(
            aisha, f"{path}/{added.json()['id']}/corrections",
            {"kind": "email" if first == then else "phone", "direction": then,
             "occurred_at": when, "summary": "Corrected", "reason": "Recorded wrongly"},
        )  # fmt: skip
        assert corrected.status_code == 201, corrected.text
    async with _as(northmoor):
        after = await services.year_figures(today.year)
    report_after = (await fiona.get(report, params=period)).json()

    assert after.cases == before.cases + 1
    channels, replies = by(after, "channel"), by(after, "response")
    assert channels.get("email", 0) == by(before, "channel").get("email", 0) + 1
    assert channels.get("phone", 0) == by(before, "channel").get("phone", 0)
    assert replies.get("none", 0) == by(before, "response").get("none", 0) + 1
    assert report_after["enquiries"] == report_before["enquiries"] + 1
    assert report_after["responded"] == report_before["responded"]

    # Answered at 23:30 on its last day by the clock of UTC, 00:30 the next day in London
    # (summer time): late.
    await as_tenant(
        owner_conn, northmoor,
        "INSERT INTO information_requests (id, tenant_id, kind, requester_name, relation,"
        " received_on, channel, status, due_on, logged_by, closed_by, closed_at)"
        " SELECT gen_random_uuid(), $1, 'foi', 'A requester', 'other', DATE '2025-06-12',"
        " 'email', 'closed', DATE '2025-07-10', s.id, s.id,"
        " TIMESTAMPTZ '2025-07-10 23:30:00+00' FROM staff_users s"
        " WHERE s.subject = 'northmoor-manager'",
        northmoor.id,
    )  # fmt: skip
    manager = await staff_of(owner_conn, northmoor, "northmoor-manager")
    async with _as(northmoor):
        figures = await services.year_figures(2025)
        answered = await services.service_report(date(2025, 7, 11), date(2025, 7, 11), manager)
    assert figures.requests.get(("foi", "late"), 0) >= 1
    assert figures.requests.get(("foi", "within"), 0) == 0
    assert answered.requests_answered >= 1
    assert answered.requests_answered_in_time == 0


async def test_a_release_of_an_earlier_shape_is_offered_as_its_files_never_a_500(
    fiona: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    northmoor = tenants["northmoor"]
    await as_tenant(
        owner_conn, northmoor,
        "INSERT INTO statistics_releases (id, tenant_id, period_kind, period_start,"
        " period_end, produced_by, published, csv, csv_sha256, xlsx, xlsx_sha256,"
        " schema_version) SELECT gen_random_uuid(), $1, 'calendar', DATE '2003-01-01',"
        " DATE '2003-12-31', s.id, '{\"year\": 2003, \"figures\": []}'::jsonb,"
        " 'year,table'::bytea, 'c', 'PK'::bytea, 'x', 1 FROM staff_users s"
        " WHERE s.subject = 'northmoor-manager'",
        northmoor.id,
    )  # fmt: skip
    answer = await fiona.get(f"{NM}/api/statistics/annual-return", params={"year": 2003})
    assert answer.status_code == 409, answer.text
    page = await fiona.get(f"{NM}/statistics/annual-return", params={"year": 2003})
    assert page.status_code == 200, page.text
    assert "earlier version" in parse(page).one("[data-testid=released]").text
    download = await fiona.get(f"{NM}/api/statistics/annual-return.csv", params={"year": 2003})
    assert download.status_code == 200
    assert download.content == b"year,table"
    again = await _release(fiona, NM, 2003)
    assert again.status_code == 409
    [row] = await as_tenant(
        owner_conn, northmoor,
        "SELECT max(schema_version) AS v FROM statistics_releases WHERE period_start > $1",
        date(2003, 12, 31),
    )  # fmt: skip
    assert row["v"] in (None, 2)  # what this version makes
