"""Every SQL statement of the statistics domain: the year's counts, from the case records
and from the facts retention keeps of the cases it erased."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import connection, paged, raw
from confide.platform.statistics.schemas import (
    RELEASE_SCHEMA,
    AnnualReturn,
    CaseCount,
    Caseload,
    Period,
    ReleaseView,
    ServiceReport,
    StoredRelease,
    WeekCount,
    YearFigures,
)
from confide.tenants.policy.queries import OneKindOfYear, one_kind_of_year


def _year_opened(kind: str, facts: str) -> str:
    """The year an erased case's facts (the table ``facts`` names) count in under the kind
    of year ``kind`` (calendar, financial or academic): one expression for every statement
    that reads the facts by year, so they cannot drift. ``kind`` is SQL (a column, or the
    ``{}`` a bound value takes), written here, never taken from input."""
    return (
        f"CASE {kind} WHEN 'calendar' THEN {facts}.year_opened"
        f" WHEN 'financial' THEN {facts}.financial_year_opened"
        f" WHEN 'academic' THEN {facts}.academic_year_opened END"
    )


# A kept case's values, derived exactly as app_retention_erase derives an erased case's
# facts (retention's raw migrations of 2026-11-29T22:55:43 and 2026-11-30T01:34:58), then
# the facts themselves: one population, whether or not a case has been erased, so erasure
# moves no figure and makes no "not known" group of its own. Nothing of free text: the
# outcome only as whether one was recorded. The channel and the first reply are those the
# case keeps from its contacts, each by its latest version (a corrected contact counts
# once, as corrected: casework's trigger cases_first_contacts); days in London. An erased
# case counts in the year of the period's kind it was opened in, open or closed at that
# year's end as its facts say; one erased before its months were kept has a calendar year
# only (the other kinds NULL: never counted in those, and refused by the service). Then the
# disclosures shared and the information requests answered in the period (counts only,
# their codes).
_YEAR = (
    """
WITH p AS (SELECT {}::uuid AS tenant, {}::date AS start, {}::date AS finish,
                  {}::integer AS year, {}::text AS kind),
kept AS (
    SELECT b.contacted_by, b.referral_route,
           CASE WHEN b.age IS NULL THEN 'unknown'
                WHEN b.age < interval '5 years' THEN '0-4'
                WHEN b.age < interval '11 years' THEN '5-10'
                WHEN b.age < interval '16 years' THEN '11-15'
                WHEN b.age < interval '19 years' THEN '16-18'
                WHEN b.age < interval '26 years' THEN '19-25'
                ELSE '26+' END AS age_band,
           b.support_level,
           CASE WHEN b.outcome IS NULL THEN 'none' ELSE 'recorded' END AS outcome_class,
           b.closed_by_end,
           b.topics,
           coalesce(b.first_contact_kind, 'none') AS channel,
           CASE WHEN b.reply_days IS NULL THEN 'none'
                WHEN b.reply_days <= 1 THEN '0-1'
                WHEN b.reply_days <= 5 THEN '2-5'
                WHEN b.reply_days <= 20 THEN '6-20'
                ELSE '21+' END AS response,
           CASE WHEN b.phase IS NULL THEN 'unknown'
                WHEN b.phase = 'nursery' THEN 'nursery'
                WHEN b.phase IN ('primary', 'middle deemed primary') THEN 'primary'
                WHEN b.phase IN ('secondary', 'middle deemed secondary') THEN 'secondary'
                WHEN b.phase = 'all-through' THEN 'all_through'
                WHEN b.phase = '16 plus' THEN 'post_16'
                ELSE 'other' END AS phase
      -- Each case's age, first reply and school phase worked out once (OFFSET 0 keeps the
      -- planner from copying them into every branch of the CASEs above).
      FROM (SELECT c.contacted_by, c.referral_route, c.support_level, c.outcome, c.topics,
                   c.first_contact_kind, coalesce(c.closed_on <= p.finish, false)
                       AS closed_by_end,
                   age(c.opened_on, s.date_of_birth) AS age,
                   (c.first_reply_at AT TIME ZONE 'Europe/London')::date - c.opened_on
                       AS reply_days,
                   CASE WHEN sc.id IS NOT NULL THEN lower(sc.phase) END AS phase
              FROM p, cases c
              LEFT JOIN people s ON s.tenant_id = c.tenant_id AND s.id = c.subject_id
              LEFT JOIN schools sc ON sc.tenant_id = s.tenant_id AND sc.id = s.school_id
             WHERE c.tenant_id = p.tenant AND c.opened_on BETWEEN p.start AND p.finish
            OFFSET 0) b
), erased AS (
    SELECT f.contacted_by, f.referral_route, f.age_band, f.support_level, f.outcome_class,
           CASE p.kind WHEN 'calendar' THEN f.closed_by_calendar_year_end
                       WHEN 'financial' THEN f.closed_by_financial_year_end
                       WHEN 'academic' THEN f.closed_by_academic_year_end END,
           f.topics, f.channel, f.response, f.phase
      FROM p, retention_facts f
     WHERE f.tenant_id = p.tenant
       AND p.year = """  # noqa: S608 (its expression is this module's, never input)
    + _year_opened("p.kind", "f")
    + """
), year_cases AS (
    SELECT * FROM kept UNION ALL SELECT * FROM erased
)
SELECT 'case' AS kind, contacted_by, referral_route, age_band, support_level, outcome_class,
       CASE WHEN closed_by_end THEN 'closed' ELSE 'open' END AS year_end_status,
       channel, response, phase, NULL::text AS code, count(*) AS n
  FROM p, year_cases
 GROUP BY contacted_by, referral_route, age_band, support_level, outcome_class, 7,
          channel, response, phase
UNION ALL
SELECT 'topic', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, t.topic, count(*)
  FROM year_cases y, jsonb_array_elements_text(y.topics) AS t(topic)
 GROUP BY t.topic
UNION ALL
SELECT 'disclosure', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       CASE WHEN d.basis IN ('consent', 'service_user') THEN 'consent'
            ELSE coalesce(d.legal_basis, 'other') END, count(*)
  FROM p, disclosures d
 WHERE d.tenant_id = p.tenant AND d.status = 'shared' AND d.sent_on BETWEEN p.start AND p.finish
 GROUP BY 11
UNION ALL
SELECT 'request', r.kind, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       CASE WHEN r.due_on IS NULL THEN 'no_deadline'
            WHEN (r.closed_at AT TIME ZONE 'Europe/London')::date <= r.due_on THEN 'within'
            ELSE 'late' END, count(*)
  FROM p, information_requests r
 WHERE r.tenant_id = p.tenant AND r.status = 'closed'
   AND (r.closed_at AT TIME ZONE 'Europe/London')::date BETWEEN p.start AND p.finish
 GROUP BY 2, 11
"""
)


#: Room for a year's cases to be grouped in memory: with the server's default, 1,000,000
#: cases' year spilled its grouping to disk. ``SET LOCAL`` would last for the rest of the
#: caller's transaction (each sort and hash of whatever it runs next could take as much),
#: so ``_ROOM_BACK`` puts the configured value back once the statement is read.
_ROOM = "SET LOCAL work_mem = '64MB'"
_ROOM_BACK = "SET LOCAL work_mem TO DEFAULT"
#: The statement as asyncpg takes it (``$1``...): sent on the transaction's connection, its
#: rows are read as they come (tens of thousands for a large service's year, where making
#: each a dict first cost a tenth of a second).
_YEAR_NUMBERED = _YEAR.format(*(f"${n}" for n in range(1, _YEAR.count("{}") + 1)))


async def year_figures(
    tenant_id: UUID, year: int, start: date, end: date, *, kind: str
) -> YearFigures:
    """The period's counts in one statement: the cases opened from ``start`` to ``end``
    (the ``kind`` of year beginning in ``year``), kept or erased (an erased one by the
    facts it left; one erased before the facts kept more than its calendar year, for a
    calendar year only)."""
    db = connection()
    await db.execute(_ROOM)
    rows = await db.fetch(_YEAR_NUMBERED, tenant_id, start, end, year, kind)
    await db.execute(_ROOM_BACK)
    # Taken as PostgreSQL typed them (text, integer and bigint are str and int already).
    counts = tuple(
        CaseCount(
            r["contacted_by"], r["referral_route"], r["age_band"], r["support_level"],
            r["outcome_class"], r["year_end_status"], r["n"], r["channel"], r["response"],
            r["phase"],
        )
        for r in rows
        if r["kind"] == "case"
    )  # fmt: skip

    def coded(kind: str) -> dict[str, int]:
        return {str(r["code"]): int(r["n"]) for r in rows if r["kind"] == kind}

    return YearFigures(
        year=year,
        counts=counts,
        topics=coded("topic"),
        disclosures=coded("disclosure"),
        requests={
            (str(r["contacted_by"]), str(r["code"])): int(r["n"])
            for r in rows
            if r["kind"] == "request"
        },
    )


_REPORT = """
WITH p AS (SELECT {}::uuid AS tenant, {}::date AS start, {}::date AS finish, {}::date AS today),
period AS (
    -- From the index alone (cases_opened holds the first reply).
    SELECT c.opened_on, c.first_reply_at FROM p, cases c
     WHERE c.tenant_id = p.tenant AND c.opened_on BETWEEN p.start AND p.finish
), first_reply AS (
    -- The day of the first reply in London, as the case keeps it from its contacts (each
    -- by its latest version: casework's trigger cases_first_contacts).
    SELECT pc.opened_on, (pc.first_reply_at AT TIME ZONE 'Europe/London')::date
               AS replied_on
      FROM period pc
)
SELECT 'week' AS kind, date_trunc('week', opened_on)::date AS week, NULL::text AS name,
       count(*)::float8 AS n
  FROM period GROUP BY 2
UNION ALL
SELECT 'replied', NULL, NULL, count(*)::float8 FROM first_reply WHERE replied_on IS NOT NULL
UNION ALL
SELECT 'median', NULL, NULL,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY replied_on - opened_on)
  FROM first_reply WHERE replied_on IS NOT NULL
UNION ALL
SELECT 'within_5', NULL, NULL, count(*)::float8
  FROM first_reply WHERE replied_on - opened_on <= 5
UNION ALL
SELECT 'caseload', NULL, s.display_name, count(*)::float8
  FROM p, case_assignments a
  JOIN cases c ON c.tenant_id = a.tenant_id AND c.id = a.case_id AND c.status = 'open'
  JOIN staff_users s ON s.tenant_id = a.tenant_id AND s.id = a.staff_id
 WHERE a.tenant_id = p.tenant AND a.ended_at IS NULL
 GROUP BY s.id, s.display_name
UNION ALL
SELECT 'unassigned', NULL, NULL, count(*)::float8
  FROM p, cases c
 WHERE c.tenant_id = p.tenant AND c.status = 'open'
   AND NOT EXISTS (SELECT 1 FROM case_assignments a WHERE a.tenant_id = c.tenant_id
                    AND a.case_id = c.id AND a.ended_at IS NULL)
UNION ALL
SELECT 'overdue', NULL, t.kind, count(*)::float8
  FROM p, tasks t
 WHERE t.tenant_id = p.tenant AND t.status = 'open' AND t.due_on < p.today
 GROUP BY t.kind
UNION ALL
SELECT 'requests_answered', NULL, NULL, count(*)::float8
  FROM p, information_requests r
 WHERE r.tenant_id = p.tenant AND r.status = 'closed'
   AND (r.closed_at AT TIME ZONE 'Europe/London')::date BETWEEN p.start AND p.finish
UNION ALL
SELECT 'requests_in_time', NULL, NULL, count(*)::float8
  FROM p, information_requests r
 WHERE r.tenant_id = p.tenant AND r.status = 'closed'
   AND (r.closed_at AT TIME ZONE 'Europe/London')::date BETWEEN p.start AND p.finish
   AND (r.closed_at AT TIME ZONE 'Europe/London')::date <= r.due_on
UNION ALL
SELECT 'requests_overdue', NULL, NULL, count(*)::float8
  FROM p, information_requests r
 WHERE r.tenant_id = p.tenant AND r.status = 'open' AND r.due_on < p.today
"""


async def service_report(tenant_id: UUID, start: date, end: date, today: date) -> ServiceReport:
    """The managers' report's figures in one statement (rows by kind)."""
    rows = await raw(_REPORT, tenant_id, start, end, today)

    def one(kind: str) -> float | None:
        found = [r["n"] for r in rows if r["kind"] == kind]
        return float(found[0]) if found and found[0] is not None else None

    weeks = sorted((r["week"], int(r["n"])) for r in rows if r["kind"] == "week")
    return ServiceReport(
        start=start,
        end=end,
        enquiries_by_week=tuple(WeekCount(w, n) for w, n in weeks),
        enquiries=sum(n for _, n in weeks),
        responded=int(one("replied") or 0),
        median_days_to_first_response=one("median"),
        responded_within_5_days=int(one("within_5") or 0),
        open_caseloads=tuple(
            sorted(
                (Caseload(str(r["name"]), int(r["n"])) for r in rows if r["kind"] == "caseload"),
                key=lambda c: (-c.open_cases, c.staff_name),
            )
        ),
        unassigned_open_cases=int(one("unassigned") or 0),
        overdue_tasks={str(r["name"]): int(r["n"]) for r in rows if r["kind"] == "overdue"},
        requests_answered=int(one("requests_answered") or 0),
        requests_answered_in_time=int(one("requests_in_time") or 0),
        requests_overdue=int(one("requests_overdue") or 0),
    )


_RELEASE_COLUMNS = (
    "id, period_kind, period_start, period_end, produced_at, published::text AS published,"
    " csv, csv_sha256, xlsx, xlsx_sha256, schema_version"
)


def _published(row: dict[str, Any]) -> AnnualReturn | None:
    """The release's tables, None when kept in a shape this version does not read (its
    ``schema_version`` says which shape it was made in; 1: before versions were kept)."""
    try:
        return msgspec.json.decode(row["published"], type=AnnualReturn)
    except msgspec.DecodeError:  # a ValidationError too
        return None


def _stored(row: dict[str, Any]) -> StoredRelease:
    return StoredRelease(
        id=row["id"],
        period_kind=str(row["period_kind"]),
        period_start=row["period_start"],
        period_end=row["period_end"],
        produced_at=row["produced_at"],
        annual=_published(row),
        csv=bytes(row["csv"]),
        csv_sha256=str(row["csv_sha256"]),
        xlsx=bytes(row["xlsx"]),
        xlsx_sha256=str(row["xlsx_sha256"]),
    )


async def period_cases(tenant_id: UUID, start: date, end: date, year: int, kind: str) -> int:
    """How many cases the period's return counts: the kept cases opened in it (from the
    ``cases_opened`` index alone) and the erased cases' facts of that year (by the tenant's
    index), as ``year_figures`` counts them. Cheap: it decides whether the return is made in
    the request or by the export worker."""
    rows = await raw(
        "SELECT (SELECT count(*) FROM cases WHERE tenant_id = {} AND opened_on BETWEEN {} AND {})"  # noqa: S608
        " + (SELECT count(*) FROM retention_facts f WHERE f.tenant_id = {} AND {} = "
        + _year_opened("{}", "f")  # the kind's value bound ({}), the expression this module's
        + ") AS n",
        tenant_id, start, end, tenant_id, year, kind,
    )  # fmt: skip
    return int(rows[0]["n"])


async def erased_in(tenant_id: UUID, years: list[int]) -> bool:
    """Whether any case opened in these calendar years was erased before the facts kept
    the financial and academic year it was opened in."""
    rows = await raw(
        "SELECT EXISTS (SELECT 1 FROM retention_facts WHERE tenant_id = {}"
        " AND year_opened = ANY({}::integer[]) AND financial_year_opened IS NULL) AS erased",
        tenant_id, years,
    )  # fmt: skip
    return bool(rows[0]["erased"])


async def release_of(tenant_id: UUID, kind: str, start: date) -> StoredRelease | None:
    """The period's kept release, if it has been produced."""
    rows = await raw(
        f"SELECT {_RELEASE_COLUMNS} FROM statistics_releases"  # noqa: S608
        " WHERE tenant_id = {} AND period_kind = {} AND period_start = {}",
        tenant_id, kind, start,
    )  # fmt: skip
    return _stored(rows[0]) if rows else None


_ADD_RELEASE = (
    "INSERT INTO statistics_releases (id, tenant_id, period_kind, period_start, period_end,"
    " produced_by, published, csv, csv_sha256, xlsx, xlsx_sha256, schema_version)"
    " VALUES (gen_random_uuid(), {}, {}, {}, {}, {}, {}::jsonb, {}, {}, {}, {}, {})"
    " ON CONFLICT (tenant_id, period_kind, period_start) DO NOTHING RETURNING "
)


async def add_release(
    tenant_id: UUID,
    staff_id: UUID,
    start: date,
    end: date,
    annual: AnnualReturn,
    files: tuple[bytes, str, bytes, str],
    kind: str,
) -> StoredRelease | None:
    """Keep the period's first release; None when another was kept first (a race);
    OneKindOfYear when the policy's kind of year is another (changed meanwhile)."""
    csv, csv_sha256, xlsx, xlsx_sha256 = files
    try:
        rows = await raw(
            _ADD_RELEASE + _RELEASE_COLUMNS,
            tenant_id, kind, start, end, staff_id, msgspec.json.encode(annual).decode(),
            csv, csv_sha256, xlsx, xlsx_sha256, RELEASE_SCHEMA,
        )  # fmt: skip
    except asyncpg.exceptions.CheckViolationError as error:
        if one_kind_of_year(error):
            raise OneKindOfYear from error
        raise
    return _stored(rows[0]) if rows else None


async def releases(tenant_id: UUID, page: PageRequest) -> Page[ReleaseView]:
    """The kept releases, the latest period first."""
    found = await paged(
        "SELECT r.id, r.period_kind, r.period_start, r.period_end, r.produced_at,"
        " r.csv_sha256, r.xlsx_sha256, s.display_name AS produced_by_name"
        " FROM statistics_releases r"
        " JOIN staff_users s ON s.tenant_id = r.tenant_id AND s.id = r.produced_by"
        " WHERE r.tenant_id = {} ORDER BY r.period_start DESC, r.period_kind, r.id",
        tenant_id,
        page=page,
    )
    return Page(
        [
            ReleaseView(
                id=r["id"],
                period_kind=str(r["period_kind"]),
                period_start=r["period_start"],
                period_end=r["period_end"],
                year=r["period_start"].year,
                label=Period(str(r["period_kind"]), r["period_start"].year).title,
                produced_by_name=str(r["produced_by_name"]),
                produced_at=r["produced_at"],
                csv_sha256=str(r["csv_sha256"]),
                xlsx_sha256=str(r["xlsx_sha256"]),
            )
            for r in found.items
        ],
        found.total,
        found.limit,
        found.offset,
    )
