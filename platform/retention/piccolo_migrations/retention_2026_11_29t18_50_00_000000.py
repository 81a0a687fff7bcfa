"""Retention, enforced in the database as well as in the service, and faster.

``app_retention_erase`` now refuses (insufficient privilege) unless the tenant admin has
confirmed the sweep (``retention_confirmations``): before, only ``retention.services.sweep``
checked it, and the application role could call the function before the confirmation.
It no longer rewrites rows that change nothing (``follows_case_id``, ``merged_into``
already null), which halved a batch's cost in ``bench/retention.py``.

The foreign keys the erasure's deletes must check, row by row, each get an index leading
with their columns: without one, every erased case scanned the tenant's rows of that
table (tell-the-client tasks and delays, consent reviews, notifications; disclosures by
their consent).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration
from confide.platform.retention.piccolo_migrations.retention_2026_11_29t16_37_03_000000 import (
    _ERASE as _ERASE_AT_FIRST,
)

ID = "2026-11-29T18:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_retention_erase refuses before the confirmation; indexes for its foreign keys"

_ERASE = """CREATE OR REPLACE FUNCTION app_retention_erase(p_cases uuid[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
    v_year integer := extract(year FROM (now() AT TIME ZONE 'Europe/London'))::integer;
    v_cases uuid[];
    v_people uuid[];
    v_table text;
BEGIN
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'retention needs a tenant' USING ERRCODE = '42501';
    END IF;
    -- Nothing before the tenant admin has seen the dry run and confirmed it (rule 14).
    IF NOT EXISTS (SELECT 1 FROM public.retention_confirmations r
                    WHERE r.tenant_id = v_tenant) THEN
        RAISE EXCEPTION 'retention is not confirmed for this tenant' USING ERRCODE = '42501';
    END IF;
    -- Decided here, never trusted from the caller: closed, past retention, not on hold.
    SELECT coalesce(array_agg(d.case_id), ARRAY[]::uuid[]) INTO v_cases
      FROM public.app_retention_due(NULL, NULL, 0, p_cases) d;
    IF cardinality(v_cases) = 0 THEN
        RETURN 0;
    END IF;
    PERFORM 1 FROM public.cases c
     WHERE c.tenant_id = v_tenant AND c.id = ANY (v_cases) FOR UPDATE;

    INSERT INTO public.retention_facts (id, tenant_id, year_opened, year_closed, topics,
        age_band, support_level, outcome_class, referral_route, contacted_by, year_erased)
    SELECT gen_random_uuid(), v_tenant, extract(year FROM c.opened_on)::integer,
           extract(year FROM c.closed_on)::integer, c.topics,
           CASE WHEN s.date_of_birth IS NULL THEN 'unknown'
                WHEN age(c.opened_on, s.date_of_birth) < interval '5 years' THEN '0-4'
                WHEN age(c.opened_on, s.date_of_birth) < interval '11 years' THEN '5-10'
                WHEN age(c.opened_on, s.date_of_birth) < interval '16 years' THEN '11-15'
                WHEN age(c.opened_on, s.date_of_birth) < interval '19 years' THEN '16-18'
                ELSE '19-25' END,
           c.support_level,
           CASE WHEN c.outcome IS NULL THEN 'none' ELSE 'recorded' END,
           c.referral_route, c.contacted_by, v_year
      FROM public.cases c
      LEFT JOIN public.people s ON s.tenant_id = c.tenant_id AND s.id = c.subject_id
     WHERE c.tenant_id = v_tenant AND c.id = ANY (v_cases);

    -- The people on these cases who are on no case kept (one person across cases), with
    -- the records merged into them.
    SELECT coalesce(array_agg(DISTINCT x.id), ARRAY[]::uuid[]) INTO v_people FROM (
        SELECT c.subject_id AS id FROM public.cases c
         WHERE c.tenant_id = v_tenant AND c.id = ANY (v_cases) AND c.subject_id IS NOT NULL
        UNION SELECT cp.person_id FROM public.case_people cp
         WHERE cp.tenant_id = v_tenant AND cp.case_id = ANY (v_cases)
        UNION SELECT k.with_person_id FROM public.case_contacts k
         WHERE k.tenant_id = v_tenant AND k.case_id = ANY (v_cases)
           AND k.with_person_id IS NOT NULL
        UNION SELECT cd.person_id FROM public.capacity_decisions cd
         WHERE cd.tenant_id = v_tenant AND cd.case_id = ANY (v_cases)
    ) x;
    SELECT coalesce(array_agg(DISTINCT m.id), v_people) INTO v_people FROM (
        SELECT unnest(v_people) AS id
        UNION SELECT p.id FROM public.people p
         WHERE p.tenant_id = v_tenant AND p.merged_into = ANY (v_people)
    ) m;
    SELECT coalesce(array_agg(x), ARRAY[]::uuid[]) INTO v_people FROM unnest(v_people) x
     WHERE NOT EXISTS (SELECT 1 FROM public.cases k WHERE k.tenant_id = v_tenant
                        AND k.subject_id = x AND NOT k.id = ANY (v_cases))
       AND NOT EXISTS (SELECT 1 FROM public.case_people k WHERE k.tenant_id = v_tenant
                        AND k.person_id = x AND NOT k.case_id = ANY (v_cases))
       AND NOT EXISTS (SELECT 1 FROM public.case_contacts k WHERE k.tenant_id = v_tenant
                        AND k.with_person_id = x AND NOT k.case_id = ANY (v_cases))
       AND NOT EXISTS (SELECT 1 FROM public.capacity_decisions k WHERE k.tenant_id = v_tenant
                        AND k.person_id = x AND NOT k.case_id = ANY (v_cases))
       AND NOT EXISTS (SELECT 1 FROM public.people k WHERE k.tenant_id = v_tenant
                        AND k.id = (SELECT p.merged_into FROM public.people p
                                     WHERE p.tenant_id = v_tenant AND p.id = x)
                        AND NOT k.id = ANY (v_people));

    -- The case record, children before parents.
    DELETE FROM public.tell_client_delays t WHERE t.tenant_id = v_tenant AND t.case_id = ANY (v_cases);
    DELETE FROM public.tell_client_tasks t WHERE t.tenant_id = v_tenant AND t.case_id = ANY (v_cases);
    DELETE FROM public.disclosures t WHERE t.tenant_id = v_tenant AND t.case_id = ANY (v_cases);
    DELETE FROM public.consent_reviews t WHERE t.tenant_id = v_tenant AND t.case_id = ANY (v_cases);
    DELETE FROM public.consents t WHERE t.tenant_id = v_tenant AND t.case_id = ANY (v_cases);
    DELETE FROM public.consent_not_asked t WHERE t.tenant_id = v_tenant AND t.case_id = ANY (v_cases);
    DELETE FROM public.capacity_decisions t WHERE t.tenant_id = v_tenant AND t.case_id = ANY (v_cases);
    DELETE FROM public.case_contacts t WHERE t.tenant_id = v_tenant AND t.case_id = ANY (v_cases)
       AND t.original_id IS NOT NULL;
    DELETE FROM public.case_contacts t WHERE t.tenant_id = v_tenant AND t.case_id = ANY (v_cases);
    DELETE FROM public.record_changes t WHERE t.tenant_id = v_tenant
       AND (t.case_id = ANY (v_cases) OR t.record_id = ANY (v_people));
    -- Any other table that names a case (a table added later and not listed above): its
    -- rows of these cases go too, found in the catalogue.
    FOR v_table IN
        SELECT c.relname FROM pg_catalog.pg_attribute a
          JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'case_id'
           AND NOT a.attisdropped
           AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute t WHERE t.attrelid = c.oid
                        AND t.attname = 'tenant_id' AND NOT t.attisdropped)
         ORDER BY c.relname
    LOOP
        EXECUTE format('DELETE FROM public.%I WHERE tenant_id = $1 AND case_id = ANY ($2)',
                       v_table) USING v_tenant, v_cases;
    END LOOP;
    UPDATE public.cases c SET follows_case_id = NULL
     WHERE c.tenant_id = v_tenant AND c.follows_case_id = ANY (v_cases)
       AND NOT c.id = ANY (v_cases);
    UPDATE public.cases c SET follows_case_id = NULL
     WHERE c.tenant_id = v_tenant AND c.id = ANY (v_cases) AND c.follows_case_id IS NOT NULL;
    DELETE FROM public.cases c WHERE c.tenant_id = v_tenant AND c.id = ANY (v_cases);

    -- The people no kept case needs, and everything about them.
    IF cardinality(v_people) > 0 THEN
        DELETE FROM public.person_search_keys t
         WHERE t.tenant_id = v_tenant AND t.person_id = ANY (v_people);
        DELETE FROM public.household_members t
         WHERE t.tenant_id = v_tenant AND t.person_id = ANY (v_people);
        DELETE FROM public.households h WHERE h.tenant_id = v_tenant
           AND NOT EXISTS (SELECT 1 FROM public.household_members m
                            WHERE m.tenant_id = v_tenant AND m.household_id = h.id);
        DELETE FROM public.person_merges t WHERE t.tenant_id = v_tenant
           AND (t.merged_id = ANY (v_people) OR t.survivor_id = ANY (v_people));
        UPDATE public.people p SET merged_into = NULL
         WHERE p.tenant_id = v_tenant AND p.id = ANY (v_people) AND p.merged_into IS NOT NULL;
        DELETE FROM public.people p WHERE p.tenant_id = v_tenant AND p.id = ANY (v_people);
    END IF;
    RETURN cardinality(v_cases);
END
$$"""

# What ``2026-11-29T16:37:03`` made, put back on the way down.
_ERASE_BEFORE = _ERASE_AT_FIRST.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)

FORWARDS = [
    "CREATE INDEX tell_client_tasks_case ON tell_client_tasks (tenant_id, case_id)",
    "CREATE INDEX tell_client_delays_case ON tell_client_delays (tenant_id, case_id)",
    "CREATE INDEX consent_reviews_case ON consent_reviews (tenant_id, case_id)",
    "CREATE INDEX disclosures_consent ON disclosures (tenant_id, consent_id)",
    "CREATE INDEX notifications_case ON notifications (tenant_id, case_id)"
    " WHERE case_id IS NOT NULL",
    _ERASE,
]

BACKWARDS = [
    _ERASE_BEFORE,
    "DROP INDEX notifications_case",
    "DROP INDEX disclosures_consent",
    "DROP INDEX consent_reviews_case",
    "DROP INDEX tell_client_delays_case",
    "DROP INDEX tell_client_tasks_case",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "retention", DESCRIPTION, FORWARDS, BACKWARDS)
