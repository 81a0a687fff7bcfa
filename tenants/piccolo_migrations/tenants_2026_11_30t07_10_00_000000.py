"""The request's checks on the tenant as functions: still active (``app_tenant_active``)
and its policy row unchanged (``app_policy_unchanged``). Every request's ``BEGIN`` sends
them (``tenants.queries.still_active``); written as ``EXISTS`` subqueries in that message,
they were parsed and planned (under row-level security) at every request, where a plpgsql
function's statements are planned once per session.

Both read the tenant from the transaction's setting, never from a parameter, so a caller
can ask only about the tenant its transaction is set to; with none set they answer false.
As the owner (``SECURITY DEFINER``) they still see only that tenant's policy: row-level
security is ``FORCE``d on ``tenant_policies``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-30T07:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_tenant_active and app_policy_unchanged: a request's checks, planned once"

FORWARDS = [
    """CREATE FUNCTION app_tenant_active() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM public.tenants t
                    WHERE t.id = nullif(current_setting('app.tenant_id', true), '')::uuid
                      AND t.status = 'active');
END
$$""",
    # p_version: md5 of the whole row as the application read it (``policy_row``); NULL:
    # the tenant still has no row.
    """CREATE FUNCTION app_policy_unchanged(p_version text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
BEGIN
    IF v_tenant IS NULL THEN
        RETURN false;
    ELSIF p_version IS NULL THEN
        RETURN NOT EXISTS (SELECT 1 FROM public.tenant_policies p
                            WHERE p.tenant_id = v_tenant);
    END IF;
    RETURN EXISTS (SELECT 1 FROM public.tenant_policies p
                    WHERE p.tenant_id = v_tenant AND md5(p::text) = p_version);
END
$$""",
]

BACKWARDS = [
    "DROP FUNCTION app_policy_unchanged(text)",
    "DROP FUNCTION app_tenant_active()",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "tenants", DESCRIPTION, FORWARDS, BACKWARDS)
