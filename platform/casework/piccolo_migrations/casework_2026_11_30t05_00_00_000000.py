"""A case's first contact kind and first reply follow the deletion of its contacts once per
statement, not once per contact.

Retention's erase deletes the contacts of a batch of cases in one statement; the row
trigger of ``2026-11-30T02:30:42`` locked the case and read its remaining contacts again
for every contact deleted. Deletions now have a statement trigger that reads the deleted
rows (a transition table) and updates each case they were on once, locked in one order;
the row trigger keeps inserts and updates (one contact at a time, from the application or
the owner's repair).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-30T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cases follow deleted contacts once per statement"

_DELETED = """
CREATE FUNCTION cases_first_contacts_deleted() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM public.cases c
      JOIN (SELECT DISTINCT g.tenant_id, g.case_id FROM gone g) d
        ON c.tenant_id = d.tenant_id AND c.id = d.case_id
     ORDER BY c.tenant_id, c.id
       FOR NO KEY UPDATE OF c;
    UPDATE public.cases c SET (first_contact_kind, first_reply_at) = (
        SELECT (array_agg(v.kind ORDER BY v.occurred_at, v.recorded_at, v.contact)
                    FILTER (WHERE v.direction = 'incoming'))[1],
               min(v.occurred_at) FILTER (WHERE v.direction = 'outgoing')
          FROM (SELECT DISTINCT ON (coalesce(x.original_id, x.id)) x.kind, x.direction,
                       x.occurred_at, x.recorded_at, coalesce(x.original_id, x.id) AS contact
                  FROM public.case_contacts x
                 WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
                 ORDER BY coalesce(x.original_id, x.id), x.version DESC) v)
      FROM (SELECT DISTINCT g.tenant_id, g.case_id FROM gone g) d
     WHERE c.tenant_id = d.tenant_id AND c.id = d.case_id;
    RETURN NULL;
END
$$"""

_ROW_TRIGGER = (
    "CREATE TRIGGER case_contacts_first_contacts AFTER {events}"
    " ON case_contacts FOR EACH ROW EXECUTE FUNCTION cases_first_contacts()"
)

FORWARDS = [
    "DROP TRIGGER case_contacts_first_contacts ON case_contacts",
    _ROW_TRIGGER.replace("{events}", "INSERT OR UPDATE"),
    _DELETED,
    "CREATE TRIGGER case_contacts_first_contacts_deleted AFTER DELETE ON case_contacts"
    " REFERENCING OLD TABLE AS gone FOR EACH STATEMENT"
    " EXECUTE FUNCTION cases_first_contacts_deleted()",
]

BACKWARDS = [
    "DROP TRIGGER case_contacts_first_contacts_deleted ON case_contacts",
    "DROP FUNCTION cases_first_contacts_deleted()",
    "DROP TRIGGER case_contacts_first_contacts ON case_contacts",
    _ROW_TRIGGER.replace("{events}", "INSERT OR UPDATE OR DELETE"),
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "casework", DESCRIPTION, FORWARDS, BACKWARDS)
