"""An erased case's facts keep the year it was opened under each kind of year, not months.

The statistics count an erased case in the calendar, financial (April to March) or
academic (September to August) year it was opened in, and as open or closed at that
year's end (rule 12). The facts kept the month of opening and the year and month of
closing, which with small counts could help to single a family out. Now they keep the
year opened under each kind of year (together, which of three unequal parts of the year
it was opened in: January to March, April to August or September to December, 3, 5 and
4 months, and no finer) and, for each kind, whether the case was closed by the end of
that year. A service's return counts one kind, but all three are kept: the kind can
change until the service's first release locks it. Facts kept before the months were
keep their calendar year only (the other kinds NULL, as before).

Facts kept before the channel, first reply and school phase were have the first two
"unknown" (the same cases, one shared figure of the return); their phase was "unknown"
too, mixed with the kept cases with no school from the directory, so the return's "not
known" phase was at least the erased group: an inequality the disclosure audit did not
know. They now have the phase "erased", the same cases again, so the return shows them
as one figure in all three tables.

The function is the one of ``2026-11-29T22:55:43`` with its INSERT replaced. The way
back puts months back at the first month of the part (and a closing month consistent
with the flags): what the statistics read is unchanged, the rest is gone. Both ways
refuse, before changing anything, while any fact belongs to a tenant not in ``tenants``
(its rows would be skipped: the conversion goes tenant by tenant). The facts are
inserted in random order, so their order links a fact at most to its sweep's batch.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration
from confide.platform.retention.piccolo_migrations.retention_2026_11_29t22_55_43_000000 import (
    _ERASE as _ERASE_BEFORE,
)
from confide.platform.retention.piccolo_migrations.retention_2026_11_29t22_55_43_000000 import (
    _INSERT as _INSERT_BEFORE,
)

ID = "2026-11-30T01:34:58:000000"
VERSION = "1.38.0"
DESCRIPTION = "retention facts: the year opened under each kind of year, closed-by flags"

assert _ERASE_BEFORE.count(_INSERT_BEFORE) == 1  # the one statement, or the text moved

_INSERT = """    INSERT INTO public.retention_facts (id, tenant_id, year_opened,
        financial_year_opened, academic_year_opened, closed_by_calendar_year_end,
        closed_by_financial_year_end, closed_by_academic_year_end, topics, age_band,
        support_level, outcome_class, referral_route, contacted_by, channel, response,
        phase)
    SELECT gen_random_uuid(), v_tenant, y.calendar, y.financial, y.academic,
           coalesce(c.closed_on < make_date(y.calendar + 1, 1, 1), false),
           coalesce(c.closed_on < make_date(y.financial + 1, 4, 1), false),
           coalesce(c.closed_on < make_date(y.academic + 1, 9, 1), false),
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
                ELSE 'other' END
      FROM public.cases c
      -- The year the case was opened in, as each kind of year counts it (by the year a
      -- financial year begins in April, an academic one in September).
      CROSS JOIN LATERAL (
          SELECT extract(year FROM c.opened_on)::integer AS calendar,
                 extract(year FROM c.opened_on - interval '3 months')::integer AS financial,
                 extract(year FROM c.opened_on - interval '8 months')::integer AS academic
      ) y
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
     WHERE c.tenant_id = v_tenant AND c.id = ANY (v_cases)
     -- In no order of the cases' (nor of the audit entries this transaction writes): a
     -- fact's place in the table tells at most which sweep's batch it came from.
     ORDER BY random();
"""
_ERASE = _ERASE_BEFORE.replace(_INSERT_BEFORE, _INSERT)
# The year of erasure is no longer kept: the statistics never read it, and with the year
# opened it told when the retention period ended (the last contact, or a birthday).
_ERASE = _ERASE.replace(
    "    v_year integer := extract(year FROM (now() AT TIME ZONE 'Europe/London'))::integer;\n",
    "",
)
assert "v_year" not in _ERASE

# The conversion goes tenant by tenant (below), so a fact of a tenant no longer in
# ``tenants`` would be left half converted, hidden from every turn by the row-level policy.
# Refused before anything changes: a check constraint naming the tenants there are is
# validated on every row, whatever the policy (a foreign key's validation is not: it
# reads through the policy), and is dropped again at once.
_TENANTS_KNOWN = """
DO $$
DECLARE
    v_known text;
BEGIN
    SELECT 'ARRAY[' || coalesce(string_agg(quote_literal(t.id::text), ', '), '') || ']::uuid[]'
      INTO v_known FROM public.tenants t;
    EXECUTE format('ALTER TABLE public.retention_facts ADD CONSTRAINT '
                   'retention_facts_tenant_known CHECK (tenant_id = ANY (%s))', v_known);
    ALTER TABLE public.retention_facts DROP CONSTRAINT retention_facts_tenant_known;
EXCEPTION WHEN check_violation THEN
    RAISE EXCEPTION 'retention_facts holds facts of a tenant not in tenants: not converted'
        USING ERRCODE = '23514',
              HINT = 'Restore the tenant, or delete its facts, then migrate again.';
END
$$
"""

# Each tenant's rows in turn: the owner is bound by the row-level policy too.
_EACH_TENANT = """
DO $$
DECLARE
    v_tenant uuid;
BEGIN
    FOR v_tenant IN SELECT t.id FROM public.tenants t ORDER BY t.id LOOP
        PERFORM set_config('app.tenant_id', v_tenant::text, true);
        STATEMENTS
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$
"""

# The year under each kind from the month (none for a fact kept before its months were);
# closed by each year's end as the statistics counted it from the closing month.
_CONVERT = _EACH_TENANT.replace(
    "STATEMENTS",
    """UPDATE public.retention_facts f
           SET financial_year_opened = f.year_opened - (f.month_opened < 4)::integer,
               academic_year_opened = f.year_opened - (f.month_opened < 9)::integer
         WHERE f.tenant_id = v_tenant AND f.month_opened IS NOT NULL;
        UPDATE public.retention_facts f
           SET closed_by_calendar_year_end = coalesce(f.year_closed <= f.year_opened, false),
               closed_by_financial_year_end = CASE WHEN f.month_opened IS NOT NULL THEN
                   coalesce(make_date(f.year_closed, f.month_closed, 1)
                            < make_date(f.financial_year_opened + 1, 4, 1), false) END,
               closed_by_academic_year_end = CASE WHEN f.month_opened IS NOT NULL THEN
                   coalesce(make_date(f.year_closed, f.month_closed, 1)
                            < make_date(f.academic_year_opened + 1, 9, 1), false) END,
               phase = CASE WHEN f.channel = 'unknown' THEN 'erased' ELSE f.phase END
         WHERE f.tenant_id = v_tenant;""",
)

# Back: the first month of the part opened in, and the earliest closing month the flags
# allow (just after the latest year end the case was still open at).
_RESTORE = _EACH_TENANT.replace(
    "STATEMENTS",
    """UPDATE public.retention_facts f
           SET month_opened = CASE WHEN f.financial_year_opened < f.year_opened THEN 1
                                   WHEN f.academic_year_opened < f.year_opened THEN 4
                                   ELSE 9 END
         WHERE f.tenant_id = v_tenant AND f.financial_year_opened IS NOT NULL;
        UPDATE public.retention_facts f
           SET year_closed = extract(year FROM x.closed)::integer,
               month_closed = extract(month FROM x.closed)::integer
          FROM (SELECT g.id, greatest(
                       make_date(g.year_opened, g.month_opened, 1),
                       CASE WHEN NOT g.closed_by_calendar_year_end
                            THEN make_date(g.year_opened + 1, 1, 1) END,
                       CASE WHEN NOT g.closed_by_financial_year_end
                            THEN make_date(g.financial_year_opened + 1, 4, 1) END,
                       CASE WHEN NOT g.closed_by_academic_year_end
                            THEN make_date(g.academic_year_opened + 1, 9, 1) END) AS closed
                  FROM public.retention_facts g
                 WHERE g.tenant_id = v_tenant AND g.month_opened IS NOT NULL) x
         WHERE f.tenant_id = v_tenant AND f.id = x.id;
        UPDATE public.retention_facts f
           SET year_closed = f.year_opened + (NOT f.closed_by_calendar_year_end)::integer
         WHERE f.tenant_id = v_tenant AND f.month_opened IS NULL;
        UPDATE public.retention_facts f SET phase = 'unknown'
         WHERE f.tenant_id = v_tenant AND f.phase = 'erased';""",
)

FORWARDS = [_TENANTS_KNOWN, _CONVERT, _ERASE]
BACKWARDS = [_TENANTS_KNOWN, _ERASE_BEFORE, _RESTORE]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "retention", DESCRIPTION, FORWARDS, BACKWARDS)
