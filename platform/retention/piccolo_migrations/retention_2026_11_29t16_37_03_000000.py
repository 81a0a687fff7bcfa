"""Retention's links and its door: what Piccolo cannot declare on the tables.

Holds and confirmations point at their case and staff with the tenant in the key. One
hold at a time per case (partial unique index).

``app_retention_due`` and ``app_retention_erase`` are the only way anything is deleted
from the append-only case record (rule 14, a dangerous construct: docs/architecture.md).
Both are SECURITY DEFINER with a fixed search_path; row-level security is FORCEd on every
tenant table, so even as the owner they see only the rows of the tenant the transaction is
set to, and they refuse to run without one. The erase function decides itself, from the
tenant's policy and the database's own date in England, which of the cases it is given
are closed, past retention and not on hold; any other id it is given is left alone.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T16:37:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "retention links, one hold per case, app_retention_due and app_retention_erase"

_DUE = """CREATE FUNCTION app_retention_due(p_after uuid, p_limit integer, p_offset integer,
    p_only uuid[])
RETURNS TABLE (case_id uuid, reference text, rule text, keep_until date)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
    v_today date := (now() AT TIME ZONE 'Europe/London')::date;
    v_years integer;
    v_birthday integer;
BEGIN
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'retention needs a tenant' USING ERRCODE = '42501';
    END IF;
    SELECT p.retention_years, p.retention_birthday INTO v_years, v_birthday
      FROM public.tenant_policies p WHERE p.tenant_id = v_tenant LIMIT 1;
    v_years := coalesce(v_years, 6);
    v_birthday := coalesce(v_birthday, 25);
    -- Two statements, not one with OR ... IS NULL: each keeps a plan that uses its index
    -- (the ids given, or the walk by id), whatever the session's cached generic plan.
    IF p_only IS NOT NULL THEN
        RETURN QUERY
    SELECT d.id, d.reference::text,
           CASE WHEN d.by_birthday > d.by_years THEN 'birthday' ELSE 'years_after' END,
           greatest(d.by_years, d.by_birthday)
      FROM (
        SELECT c.id, c.reference,
               (greatest(c.closed_on,
                   (SELECT max((k.occurred_at AT TIME ZONE 'Europe/London')::date)
                      FROM public.case_contacts k
                     WHERE k.tenant_id = v_tenant AND k.case_id = c.id))
                + make_interval(years => v_years))::date AS by_years,
               (s.date_of_birth + make_interval(years => v_birthday))::date AS by_birthday
          FROM public.cases c
          LEFT JOIN public.people s ON s.tenant_id = c.tenant_id AND s.id = c.subject_id
         WHERE c.tenant_id = v_tenant AND c.status = 'closed'
           AND c.id = ANY (p_only)
           AND NOT EXISTS (SELECT 1 FROM public.case_legal_holds h
                            WHERE h.tenant_id = v_tenant AND h.case_id = c.id
                              AND h.lifted_at IS NULL)
      ) d
     WHERE greatest(d.by_years, d.by_birthday) < v_today
     ORDER BY d.id
     LIMIT p_limit OFFSET p_offset;
    ELSE
        RETURN QUERY
    SELECT d.id, d.reference::text,
           CASE WHEN d.by_birthday > d.by_years THEN 'birthday' ELSE 'years_after' END,
           greatest(d.by_years, d.by_birthday)
      FROM (
        SELECT c.id, c.reference,
               (greatest(c.closed_on,
                   (SELECT max((k.occurred_at AT TIME ZONE 'Europe/London')::date)
                      FROM public.case_contacts k
                     WHERE k.tenant_id = v_tenant AND k.case_id = c.id))
                + make_interval(years => v_years))::date AS by_years,
               (s.date_of_birth + make_interval(years => v_birthday))::date AS by_birthday
          FROM public.cases c
          LEFT JOIN public.people s ON s.tenant_id = c.tenant_id AND s.id = c.subject_id
         WHERE c.tenant_id = v_tenant AND c.status = 'closed'
           AND c.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000'::uuid)
           AND NOT EXISTS (SELECT 1 FROM public.case_legal_holds h
                            WHERE h.tenant_id = v_tenant AND h.case_id = c.id
                              AND h.lifted_at IS NULL)
      ) d
     WHERE greatest(d.by_years, d.by_birthday) < v_today
     ORDER BY d.id
     LIMIT p_limit OFFSET p_offset;
    END IF;
END
$$"""

_ERASE = """CREATE FUNCTION app_retention_erase(p_cases uuid[]) RETURNS integer
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
     WHERE c.tenant_id = v_tenant AND c.id = ANY (v_cases);
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
         WHERE p.tenant_id = v_tenant AND p.id = ANY (v_people);
        DELETE FROM public.people p WHERE p.tenant_id = v_tenant AND p.id = ANY (v_people);
    END IF;
    RETURN cardinality(v_cases);
END
$$"""

FORWARDS = [
    "ALTER TABLE case_legal_holds ADD CONSTRAINT case_legal_holds_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE case_legal_holds ADD CONSTRAINT case_legal_holds_placed_by_fkey"
    " FOREIGN KEY (tenant_id, placed_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE case_legal_holds ADD CONSTRAINT case_legal_holds_lifted_by_fkey"
    " FOREIGN KEY (tenant_id, lifted_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE retention_confirmations ADD CONSTRAINT retention_confirmations_by_fkey"
    " FOREIGN KEY (tenant_id, confirmed_by) REFERENCES staff_users (tenant_id, id)",
    "CREATE UNIQUE INDEX case_legal_holds_one_open ON case_legal_holds (tenant_id, case_id)"
    " WHERE lifted_at IS NULL",
    "CREATE INDEX case_legal_holds_case ON case_legal_holds (tenant_id, case_id, placed_at)",
    "CREATE INDEX cases_closed ON cases (tenant_id, id) WHERE status = 'closed'",
    # Who else a person is on, when their old case goes (one person across cases).
    "CREATE INDEX case_contacts_with_person ON case_contacts (tenant_id, with_person_id)"
    " WHERE with_person_id IS NOT NULL",
    "CREATE INDEX capacity_decisions_person ON capacity_decisions (tenant_id, person_id)",
    _DUE,
    _ERASE,
]

BACKWARDS = [
    "DROP FUNCTION app_retention_erase(uuid[])",
    "DROP FUNCTION app_retention_due(uuid, integer, integer, uuid[])",
    "DROP INDEX capacity_decisions_person",
    "DROP INDEX case_contacts_with_person",
    "DROP INDEX cases_closed",
    "DROP INDEX case_legal_holds_case",
    "DROP INDEX case_legal_holds_one_open",
    "ALTER TABLE retention_confirmations DROP CONSTRAINT retention_confirmations_by_fkey",
    "ALTER TABLE case_legal_holds DROP CONSTRAINT case_legal_holds_lifted_by_fkey",
    "ALTER TABLE case_legal_holds DROP CONSTRAINT case_legal_holds_placed_by_fkey",
    "ALTER TABLE case_legal_holds DROP CONSTRAINT case_legal_holds_case_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "retention", DESCRIPTION, FORWARDS, BACKWARDS)
