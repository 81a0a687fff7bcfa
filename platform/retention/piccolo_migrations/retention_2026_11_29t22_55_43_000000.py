"""An erased case leaves its channel, first reply, school phase and months.

The statistics count each case by how the family first made contact, the days to the
first reply and the phase of the child's school. An erased case left none of them, so it
was counted as "not known (case erased)" in three tables at once: the same hidden figure
in each, which let a reader subtract one table from another, and a year's figures moved
when its cases were erased. Now ``app_retention_erase`` keeps them, derived exactly as
the statistics derive them from a kept case (rule 12): the first incoming contact's kind,
the first outgoing contact's day (in London) banded from the opening, the school's phase;
each from the latest version of a corrected contact. It keeps the month of opening and
of closing too, so a financial or academic year counts erased cases as it did kept ones.
The function is the one of ``2026-11-29T22:40:00`` with its INSERT replaced.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration
from confide.platform.retention.piccolo_migrations.retention_2026_11_29t22_40_00_000000 import (
    _ERASE as _ERASE_BEFORE,
)

ID = "2026-11-29T22:55:43:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_retention_erase keeps the channel, first reply, school phase and months"

_INSERT_START = "    INSERT INTO public.retention_facts ("
_INSERT_END = "     WHERE c.tenant_id = v_tenant AND c.id = ANY (v_cases);\n"
_start = _ERASE_BEFORE.index(_INSERT_START)
_end = _ERASE_BEFORE.index(_INSERT_END, _start) + len(_INSERT_END)
assert _ERASE_BEFORE.count(_INSERT_START) == 1  # the one statement, or the text moved

_INSERT = """    INSERT INTO public.retention_facts (id, tenant_id, year_opened, month_opened,
        year_closed, month_closed, topics, age_band, support_level, outcome_class,
        referral_route, contacted_by, channel, response, phase, year_erased)
    SELECT gen_random_uuid(), v_tenant, extract(year FROM c.opened_on)::integer,
           extract(month FROM c.opened_on)::integer,
           extract(year FROM c.closed_on)::integer, extract(month FROM c.closed_on)::integer,
           c.topics,
           CASE WHEN s.date_of_birth IS NULL THEN 'unknown'
                WHEN age(c.opened_on, s.date_of_birth) < interval '5 years' THEN '0-4'
                WHEN age(c.opened_on, s.date_of_birth) < interval '11 years' THEN '5-10'
                WHEN age(c.opened_on, s.date_of_birth) < interval '16 years' THEN '11-15'
                WHEN age(c.opened_on, s.date_of_birth) < interval '19 years' THEN '16-18'
                WHEN age(c.opened_on, s.date_of_birth) < interval '26 years' THEN '19-25'
                ELSE '26+' END,
           c.support_level,
           CASE WHEN c.outcome IS NULL THEN 'none' ELSE 'recorded' END,
           c.referral_route, c.contacted_by,
           coalesce(k.first_kind, 'none'),
           CASE WHEN k.first_reply IS NULL THEN 'none'
                WHEN k.first_reply - c.opened_on <= 1 THEN '0-1'
                WHEN k.first_reply - c.opened_on <= 5 THEN '2-5'
                WHEN k.first_reply - c.opened_on <= 20 THEN '6-20'
                ELSE '21+' END,
           CASE WHEN sc.id IS NULL THEN 'unknown'
                WHEN lower(sc.phase) = 'nursery' THEN 'nursery'
                WHEN lower(sc.phase) IN ('primary', 'middle deemed primary') THEN 'primary'
                WHEN lower(sc.phase) IN ('secondary', 'middle deemed secondary')
                     THEN 'secondary'
                WHEN lower(sc.phase) = 'all-through' THEN 'all_through'
                WHEN lower(sc.phase) = '16 plus' THEN 'post_16'
                ELSE 'other' END,
           v_year
      FROM public.cases c
      LEFT JOIN public.people s ON s.tenant_id = c.tenant_id AND s.id = c.subject_id
      LEFT JOIN public.schools sc ON sc.tenant_id = s.tenant_id AND sc.id = s.school_id
      LEFT JOIN LATERAL (
          SELECT (array_agg(v.kind ORDER BY v.occurred_at, v.recorded_at)
                      FILTER (WHERE v.direction = 'incoming'))[1] AS first_kind,
                 (min(v.occurred_at) FILTER (WHERE v.direction = 'outgoing')
                      AT TIME ZONE 'Europe/London')::date AS first_reply
            FROM (SELECT DISTINCT ON (coalesce(x.original_id, x.id))
                         x.kind, x.direction, x.occurred_at, x.recorded_at
                    FROM public.case_contacts x
                   WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
                   ORDER BY coalesce(x.original_id, x.id), x.version DESC) v
      ) k ON true
     WHERE c.tenant_id = v_tenant AND c.id = ANY (v_cases);
"""
_ERASE = _ERASE_BEFORE[:_start] + _INSERT + _ERASE_BEFORE[_end:]

FORWARDS = [_ERASE]
BACKWARDS = [_ERASE_BEFORE]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "retention", DESCRIPTION, FORWARDS, BACKWARDS)
