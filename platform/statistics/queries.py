"""Every SQL statement of the statistics domain: the year's counts, from the case records
and from the facts retention keeps of the cases it erased."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import paged, raw
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

# A kept case's values, derived exactly as app_retention_erase derives an erased case's
# facts (retention's raw migrations of 2026-11-29T22:55:43 and 2026-11-30T01:34:58), then
# the facts themselves: one population, whether or not a case has been erased, so erasure
# moves no figure and makes no "not known" group of its own. Nothing of free text: the
# outcome only as whether one was recorded. Contacts by their latest version (a corrected
# contact counts once, as corrected); days in London. An erased case counts in the year
# of the period's kind it was opened in, open or closed at that year's end as its facts
# say; one erased before its months were kept has a calendar year only (the other kinds
# NULL: never counted in those, and refused by the service). Then the disclosures shared
# and the information requests answered in the period (counts only, their codes).
_YEAR = """
WITH p AS (SELECT {}::uuid AS tenant, {}::date AS start, {}::date AS finish,
                  {}::integer AS year, {}::text AS kind),
kept AS (
    SELECT c.contacted_by, c.referral_route,
           CASE WHEN s.date_of_birth IS NULL THEN 'unknown'
                WHEN age(c.opened_on, s.date_of_birth) < interval '5 years' THEN '0-4'
                WHEN age(c.opened_on, s.date_of_birth) < interval '11 years' THEN '5-10'
                WHEN age(c.opened_on, s.date_of_birth) < interval '16 years' THEN '11-15'
                WHEN age(c.opened_on, s.date_of_birth) < interval '19 years' THEN '16-18'
                WHEN age(c.opened_on, s.date_of_birth) < interval '26 years' THEN '19-25'
                ELSE '26+' END AS age_band,
           c.support_level,
           CASE WHEN c.outcome IS NULL THEN 'none' ELSE 'recorded' END AS outcome_class,
           coalesce(c.closed_on <= p.finish, false) AS closed_by_end,
           c.topics,
           coalesce(k.first_kind, 'none') AS channel,
           CASE WHEN k.first_reply IS NULL THEN 'none'
                WHEN k.first_reply - c.opened_on <= 1 THEN '0-1'
                WHEN k.first_reply - c.opened_on <= 5 THEN '2-5'
                WHEN k.first_reply - c.opened_on <= 20 THEN '6-20'
                ELSE '21+' END AS response,
           CASE WHEN sc.id IS NULL THEN 'unknown'
                WHEN lower(sc.phase) = 'nursery' THEN 'nursery'
                WHEN lower(sc.phase) IN ('primary', 'middle deemed primary') THEN 'primary'
                WHEN lower(sc.phase) IN ('secondary', 'middle deemed secondary')
                     THEN 'secondary'
                WHEN lower(sc.phase) = 'all-through' THEN 'all_through'
                WHEN lower(sc.phase) = '16 plus' THEN 'post_16'
                ELSE 'other' END AS phase
      FROM p, cases c
      LEFT JOIN people s ON s.tenant_id = c.tenant_id AND s.id = c.subject_id
      LEFT JOIN schools sc ON sc.tenant_id = s.tenant_id AND sc.id = s.school_id
      LEFT JOIN LATERAL (
          SELECT (array_agg(v.kind ORDER BY v.occurred_at, v.recorded_at)
                      FILTER (WHERE v.direction = 'incoming'))[1] AS first_kind,
                 (min(v.occurred_at) FILTER (WHERE v.direction = 'outgoing')
                      AT TIME ZONE 'Europe/London')::date AS first_reply
            FROM (SELECT DISTINCT ON (coalesce(x.original_id, x.id))
                         x.kind, x.direction, x.occurred_at, x.recorded_at
                    FROM case_contacts x
                   WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
                   ORDER BY coalesce(x.original_id, x.id), x.version DESC) v
      ) k ON true
     WHERE c.tenant_id = p.tenant AND c.opened_on BETWEEN p.start AND p.finish
), erased AS (
    SELECT f.contacted_by, f.referral_route, f.age_band, f.support_level, f.outcome_class,
           CASE p.kind WHEN 'calendar' THEN f.closed_by_calendar_year_end
                       WHEN 'financial' THEN f.closed_by_financial_year_end
                       WHEN 'academic' THEN f.closed_by_academic_year_end END,
           f.topics, f.channel, f.response, f.phase
      FROM p, retention_facts f
     WHERE f.tenant_id = p.tenant
       AND p.year = CASE p.kind WHEN 'calendar' THEN f.year_opened
                                WHEN 'financial' THEN f.financial_year_opened
                                WHEN 'academic' THEN f.academic_year_opened END
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


async def year_figures(
    tenant_id: UUID, year: int, start: date, end: date, *, kind: str
) -> YearFigures:
    """The period's counts in one statement: the cases opened from ``start`` to ``end``
    (the ``kind`` of year beginning in ``year``), kept or erased (an erased one by the
    facts it left; one erased before the facts kept more than its calendar year, for a
    calendar year only)."""
    rows = await raw(_YEAR, tenant_id, start, end, year, kind)
    counts = tuple(
        CaseCount(
            contacted_by=str(r["contacted_by"]),
            referral_route=str(r["referral_route"]),
            age_band=str(r["age_band"]),
            support_level=int(r["support_level"]),
            outcome_class=str(r["outcome_class"]),
            year_end_status=str(r["year_end_status"]),
            cases=int(r["n"]),
            channel=str(r["channel"]),
            response=str(r["response"]),
            phase=str(r["phase"]),
        )
        for r in rows
        if r["kind"] == "case"
    )

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
    SELECT c.id, c.opened_on FROM p, cases c
     WHERE c.tenant_id = p.tenant AND c.opened_on BETWEEN p.start AND p.finish
), first_reply AS (
    -- Each contact by its latest version (a corrected one counts as corrected); the day
    -- of the first reply in London.
    SELECT pc.id, pc.opened_on,
           (SELECT (min(v.occurred_at) AT TIME ZONE 'Europe/London')::date
              FROM (SELECT DISTINCT ON (coalesce(k.original_id, k.id)) k.direction,
                           k.occurred_at
                      FROM p, case_contacts k
                     WHERE k.tenant_id = p.tenant AND k.case_id = pc.id
                     ORDER BY coalesce(k.original_id, k.id), k.version DESC) v
             WHERE v.direction = 'outgoing') AS replied_on
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
