"""The admin's confirmation, written only by the database and bound to the settings.

Before, the application role could insert a confirmation itself, and one confirmation let
the sweep run for ever, whatever the retention settings became: an admin who confirmed a
dry run under six years had in effect confirmed one under one year too. Now
``app_retention_confirm`` is the only way in (the application role may read
``retention_confirmations`` and ``retention_facts``, not write them): it checks that the
member of staff is an active admin of the tenant and copies the settings in force itself.
``app_retention_erase`` refuses unless a confirmation matches the settings now in force
(``app_retention_confirmed``, which the service asks too). A confirmation made before this migration is taken as made
under the tenant's settings today.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration
from confide.platform.retention.piccolo_migrations.retention_2026_11_29t18_50_00_000000 import (
    _ERASE as _ERASE_BEFORE,
)

ID = "2026-11-29T22:27:25:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_retention_confirm; the sweep runs only under the confirmed settings"

# The settings in force for the tenant: its policy's, else the defaults (as
# ``app_retention_due`` reads them).
_SETTINGS = """coalesce((SELECT p.retention_years FROM public.tenant_policies p
                     WHERE p.tenant_id = r.tenant_id LIMIT 1), 6),
           coalesce((SELECT p.retention_birthday FROM public.tenant_policies p
                     WHERE p.tenant_id = r.tenant_id LIMIT 1), 25)"""

# When the sweep was confirmed under the settings now in force; NULL: it was not.
_CONFIRMED = f"""CREATE FUNCTION app_retention_confirmed() RETURNS timestamptz
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT max(r.confirmed_at) FROM public.retention_confirmations r
     WHERE r.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid
       AND (r.retention_years, r.retention_birthday) = ({_SETTINGS})
$$"""  # noqa: S608 - constants only

_CONFIRM = """CREATE FUNCTION app_retention_confirm(p_staff uuid, p_cases_due integer)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
    v_id uuid := gen_random_uuid();
    v_years integer;
    v_birthday integer;
BEGIN
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'retention needs a tenant' USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.staff_users s
                    WHERE s.tenant_id = v_tenant AND s.id = p_staff
                      AND s.status = 'active' AND s.roles ? 'tenant_admin') THEN
        RAISE EXCEPTION 'only an active admin of the tenant confirms retention'
            USING ERRCODE = '42501';
    END IF;
    IF p_cases_due IS NULL OR p_cases_due < 0 THEN
        RAISE EXCEPTION 'cases due must be a count' USING ERRCODE = '22023';
    END IF;
    SELECT p.retention_years, p.retention_birthday INTO v_years, v_birthday
      FROM public.tenant_policies p WHERE p.tenant_id = v_tenant LIMIT 1;
    INSERT INTO public.retention_confirmations (id, tenant_id, confirmed_by, cases_due,
        retention_years, retention_birthday)
    VALUES (v_id, v_tenant, p_staff, p_cases_due, coalesce(v_years, 6),
        coalesce(v_birthday, 25));
    RETURN v_id;
END
$$"""

_OLD_CHECK = """    IF NOT EXISTS (SELECT 1 FROM public.retention_confirmations r
                    WHERE r.tenant_id = v_tenant) THEN"""
_NEW_CHECK = """    IF public.app_retention_confirmed() IS NULL THEN"""
assert _OLD_CHECK in _ERASE_BEFORE
_ERASE = _ERASE_BEFORE.replace(_OLD_CHECK, _NEW_CHECK, 1).replace(
    "has seen the dry run and confirmed it (rule 14).",
    "has seen the dry run and confirmed it, under the retention\n"
    "    -- settings now in force (rule 14).",
    1,
)

FORWARDS = [
    # What was confirmed before: under the settings in force today.
    f"""UPDATE retention_confirmations r
           SET (retention_years, retention_birthday) = ({_SETTINGS})""",  # noqa: S608
    _CONFIRMED,
    _CONFIRM,
    _ERASE,
]

BACKWARDS = [
    _ERASE_BEFORE,
    "DROP FUNCTION app_retention_confirm(uuid, integer)",
    "DROP FUNCTION app_retention_confirmed()",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "retention", DESCRIPTION, FORWARDS, BACKWARDS)
