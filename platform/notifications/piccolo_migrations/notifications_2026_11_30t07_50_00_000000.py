"""The header's unread count as a function (``app_unread_notifications``).

Every page's ``BEGIN`` counts the signed-in member of staff's unread notifications with its
checks (``notifications.services.UnreadTally``). Written as a subquery in that message it
was parsed and planned, under row-level security, at every page; a plpgsql function's
statement is planned once per session, as the checks beside it are (tenants' and
identity's migrations of 2026-11-30T07:10).

It counts in the transaction's tenant only (the tenant from its setting, never a
parameter; none set: 0), at most ``p_limit``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-30T07:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_unread_notifications: the header's count, planned once"

FORWARDS = [
    """CREATE FUNCTION app_unread_notifications(p_recipient uuid, p_limit integer)
RETURNS integer LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (SELECT count(*) FROM (SELECT 1 FROM public.notifications n
             WHERE n.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid
               AND n.recipient_id = p_recipient AND n.read_at IS NULL
             LIMIT greatest(p_limit, 0)) AS unread);
END
$$""",
]

BACKWARDS = ["DROP FUNCTION app_unread_notifications(uuid, integer)"]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "notifications", DESCRIPTION, FORWARDS, BACKWARDS)
