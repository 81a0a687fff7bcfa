"""Every SQL statement of the statistics domain: the year's counts, from the case records
and from the facts retention keeps of the cases it erased."""

from __future__ import annotations

from uuid import UUID

from confide.platform.core.sql import raw
from confide.platform.statistics.schemas import CaseCount, YearFigures

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
