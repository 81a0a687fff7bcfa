"""The request's check on the member of staff as a function: their row unchanged
(``app_staff_unchanged``). Every signed-in request's ``BEGIN`` sends it
(``identity.staff.session_check``); written as an ``EXISTS`` subquery in that message, it
was parsed and planned (under row-level security) at every request, where a plpgsql
function's statement is planned once per session.

It reads the tenant from the transaction's setting, never from a parameter, so a caller
can ask only about the staff of the tenant its transaction is set to; with none set it
answers false. As the owner (``SECURITY DEFINER``) it still sees only that tenant's rows:
row-level security is ``FORCE``d on ``staff_users``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-30T07:10:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_staff_unchanged: a request's check on its member of staff, planned once"

FORWARDS = [
    # p_version: md5 of the whole row as the application read it (``session_user``).
    """CREATE FUNCTION app_staff_unchanged(p_staff uuid, p_version text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM public.staff_users s
                    WHERE s.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid
                      AND s.id = p_staff AND md5(s::text) = p_version);
END
$$""",
]

BACKWARDS = [
    "DROP FUNCTION app_staff_unchanged(uuid, text)",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "identity", DESCRIPTION, FORWARDS, BACKWARDS)
