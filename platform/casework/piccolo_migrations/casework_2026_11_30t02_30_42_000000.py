"""What the cases table cannot declare: its first contact's kind and first reply kept by a
trigger on every contact recorded (a correction included), changed or deleted (for the
case it was on and the one it is on), the existing cases' filled in tenant by tenant (the owner is bound by the row-level policy too), and the indexes the
statistics read a period's cases and the open cases by (rule 12).

The values are each contact's latest version's, as the statistics read them: the kind of
the first incoming contact (by when it happened, then when it was recorded, then the
contact's id, so a tie gives one answer) and the time of the first outgoing one. The trigger locks the case's row before it reads the contacts,
so two contacts recorded on one case at the same moment are both counted (the second
waits, then reads on a fresh snapshot); ``FOR NO KEY UPDATE`` does not wait on the key
share the contact's own foreign key takes.

The filling-in goes tenant by tenant, so a case of a tenant no longer in ``tenants`` would
be skipped, hidden from every turn by the row-level policy: refused before anything
changes, as retention's facts conversion (2026-11-30T01:34:58) refuses such facts.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.sql import raw

ID = "2026-11-30T02:30:42:000000"
VERSION = "1.38.0"
DESCRIPTION = "cases keep their first contact kind and first reply"

# A check constraint naming the tenants there are is validated on every row, whatever the
# policy (a foreign key's validation reads through it), and is dropped again at once.
TENANTS_KNOWN = """
DO $$
DECLARE
    v_known text;
BEGIN
    SELECT 'ARRAY[' || coalesce(string_agg(quote_literal(t.id::text), ', '), '') || ']::uuid[]'
      INTO v_known FROM public.tenants t;
    EXECUTE format('ALTER TABLE public.cases ADD CONSTRAINT '
                   'cases_tenant_known CHECK (tenant_id = ANY (%s))', v_known);
    ALTER TABLE public.cases DROP CONSTRAINT cases_tenant_known;
EXCEPTION WHEN check_violation THEN
    RAISE EXCEPTION 'cases holds cases of a tenant not in tenants: their first contacts '
                    'would not be filled in'
        USING ERRCODE = '23514',
              HINT = 'Restore the tenant, or delete its cases, then migrate again.';
END
$$
"""

FORWARDS = [
    TENANTS_KNOWN,
    # The case's values from its contacts, each by its latest version.
    """
CREATE FUNCTION cases_first_contacts() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_tenant uuid;
    v_case uuid;
BEGIN
    -- The case the contact was on and the one it is on now (an insert has no OLD, a
    -- delete no NEW), each once and locked in one order.
    FOR v_tenant, v_case IN
        SELECT DISTINCT x.tenant_id, x.case_id
          FROM (VALUES (OLD.tenant_id, OLD.case_id), (NEW.tenant_id, NEW.case_id))
               AS x (tenant_id, case_id)
         WHERE x.case_id IS NOT NULL
         ORDER BY x.tenant_id, x.case_id
    LOOP
        PERFORM 1 FROM public.cases c WHERE c.tenant_id = v_tenant AND c.id = v_case
            FOR NO KEY UPDATE;
        UPDATE public.cases c SET (first_contact_kind, first_reply_at) = (
            SELECT (array_agg(v.kind ORDER BY v.occurred_at, v.recorded_at, v.contact)
                        FILTER (WHERE v.direction = 'incoming'))[1],
                   min(v.occurred_at) FILTER (WHERE v.direction = 'outgoing')
              FROM (SELECT DISTINCT ON (coalesce(x.original_id, x.id)) x.kind, x.direction,
                           x.occurred_at, x.recorded_at, coalesce(x.original_id, x.id) AS contact
                      FROM public.case_contacts x
                     WHERE x.tenant_id = v_tenant AND x.case_id = v_case
                     ORDER BY coalesce(x.original_id, x.id), x.version DESC) v)
         WHERE c.tenant_id = v_tenant AND c.id = v_case;
    END LOOP;
    RETURN NULL;
END
$$""",
    # A contact is only ever inserted by the application (the table is append-only to
    # it), but retention's erase deletes, and the owner can change one: the case follows.
    "CREATE TRIGGER case_contacts_first_contacts AFTER INSERT OR UPDATE OR DELETE"
    " ON case_contacts FOR EACH ROW EXECUTE FUNCTION cases_first_contacts()",
    # A period's cases, with their first reply for the managers' report read from the
    # index alone; the open cases for its caseloads (a small share of all the cases).
    "CREATE INDEX cases_opened ON cases (tenant_id, opened_on) INCLUDE (first_reply_at)",
    "CREATE INDEX cases_open ON cases (tenant_id, id) WHERE status = 'open'",
]

BACKWARDS = [
    "DROP INDEX cases_open",
    "DROP INDEX cases_opened",
    "DROP TRIGGER case_contacts_first_contacts ON case_contacts",
    "DROP FUNCTION cases_first_contacts()",
]

#: The current tenant's cases (``app.tenant_id``, the row-level policy) filled in, as the
#: trigger would have: one pass over their contacts.
FILL = """
UPDATE cases c SET first_contact_kind = f.kind, first_reply_at = f.reply
  FROM (SELECT v.case_id,
               (array_agg(v.kind ORDER BY v.occurred_at, v.recorded_at, v.contact)
                    FILTER (WHERE v.direction = 'incoming'))[1] AS kind,
               min(v.occurred_at) FILTER (WHERE v.direction = 'outgoing') AS reply
          FROM (SELECT DISTINCT ON (coalesce(x.original_id, x.id)) x.case_id, x.kind,
                       x.direction, x.occurred_at, x.recorded_at,
                       coalesce(x.original_id, x.id) AS contact
                  FROM case_contacts x
                 ORDER BY coalesce(x.original_id, x.id), x.version DESC) v
         GROUP BY v.case_id) f
 WHERE c.id = f.case_id
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="casework", description=DESCRIPTION)

    async def apply() -> None:
        for statement in FORWARDS:
            await raw(statement)
        for tenant in await raw("SELECT id FROM tenants ORDER BY id"):
            await raw("SELECT set_config('app.tenant_id', {}, true)", str(tenant["id"]))
            await raw(FILL)

    async def undo() -> None:
        for statement in BACKWARDS:
            await raw(statement)

    manager.add_raw(apply)
    manager.add_raw_backwards(undo)
    return manager
