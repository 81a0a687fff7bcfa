"""Every SQL statement of the statistics domain: the year's counts, from the case records
and from the facts retention keeps of the cases it erased."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from confide.platform.core.sql import raw
from confide.platform.statistics.schemas import (
    CaseCount,
    Caseload,
    ServiceReport,
    WeekCount,
    YearFigures,
)

# A kept case's values, derived exactly as app_retention_erase derives an erased case's
# facts (retention's raw migration), then the facts themselves: one population, whether
# or not a case has been erased. Nothing of free text: the outcome only as whether one
# was recorded.
_YEAR = """
WITH p AS (SELECT {}::uuid AS tenant, {}::integer AS year),
kept AS (
    SELECT c.contacted_by, c.referral_route,
           CASE WHEN s.date_of_birth IS NULL THEN 'unknown'
                WHEN age(c.opened_on, s.date_of_birth) < interval '5 years' THEN '0-4'
                WHEN age(c.opened_on, s.date_of_birth) < interval '11 years' THEN '5-10'
                WHEN age(c.opened_on, s.date_of_birth) < interval '16 years' THEN '11-15'
                WHEN age(c.opened_on, s.date_of_birth) < interval '19 years' THEN '16-18'
                ELSE '19-25' END AS age_band,
           c.support_level,
           CASE WHEN c.outcome IS NULL THEN 'none' ELSE 'recorded' END AS outcome_class,
           extract(year FROM c.closed_on)::integer AS year_closed,
           c.topics
      FROM p, cases c
      LEFT JOIN people s ON s.tenant_id = c.tenant_id AND s.id = c.subject_id
     WHERE c.tenant_id = p.tenant AND c.opened_on >= make_date(p.year, 1, 1)
       AND c.opened_on < make_date(p.year + 1, 1, 1)
), erased AS (
    SELECT f.contacted_by, f.referral_route, f.age_band, f.support_level, f.outcome_class,
           f.year_closed, f.topics
      FROM p, retention_facts f
     WHERE f.tenant_id = p.tenant AND f.year_opened = p.year
), year_cases AS (
    SELECT * FROM kept UNION ALL SELECT * FROM erased
)
SELECT 'case' AS kind, contacted_by, referral_route, age_band, support_level, outcome_class,
       CASE WHEN year_closed <= p.year THEN 'closed' ELSE 'open' END AS year_end_status,
       NULL::text AS topic, count(*) AS n
  FROM p, year_cases
 GROUP BY contacted_by, referral_route, age_band, support_level, outcome_class, 7
UNION ALL
SELECT 'topic', NULL, NULL, NULL, NULL, NULL, NULL, t.topic, count(*)
  FROM year_cases y, jsonb_array_elements_text(y.topics) AS t(topic)
 GROUP BY t.topic
"""


async def year_figures(tenant_id: UUID, year: int) -> YearFigures:
    """The year's counts in one statement."""
    rows = await raw(_YEAR, tenant_id, year)
    counts = tuple(
        CaseCount(
            contacted_by=str(r["contacted_by"]),
            referral_route=str(r["referral_route"]),
            age_band=str(r["age_band"]),
            support_level=int(r["support_level"]),
            outcome_class=str(r["outcome_class"]),
            year_end_status=str(r["year_end_status"]),
            cases=int(r["n"]),
        )
        for r in rows
        if r["kind"] == "case"
    )
    topics = {str(r["topic"]): int(r["n"]) for r in rows if r["kind"] == "topic"}
    return YearFigures(year=year, counts=counts, topics=topics)


_REPORT = """
WITH p AS (SELECT {}::uuid AS tenant, {}::date AS start, {}::date AS finish, {}::date AS today),
period AS (
    SELECT c.id, c.opened_on FROM p, cases c
     WHERE c.tenant_id = p.tenant AND c.opened_on BETWEEN p.start AND p.finish
), first_reply AS (
    SELECT pc.id, pc.opened_on,
           (SELECT min(k.occurred_at) FROM p, case_contacts k
             WHERE k.tenant_id = p.tenant AND k.case_id = pc.id
               AND k.direction = 'outgoing') AS replied_at
      FROM period pc
)
SELECT 'week' AS kind, date_trunc('week', opened_on)::date AS week, NULL::text AS name,
       count(*)::float8 AS n
  FROM period GROUP BY 2
UNION ALL
SELECT 'replied', NULL, NULL, count(*)::float8 FROM first_reply WHERE replied_at IS NOT NULL
UNION ALL
SELECT 'median', NULL, NULL,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY replied_at::date - opened_on)
  FROM first_reply WHERE replied_at IS NOT NULL
UNION ALL
SELECT 'within_5', NULL, NULL, count(*)::float8
  FROM first_reply WHERE replied_at::date - opened_on <= 5
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
    )
