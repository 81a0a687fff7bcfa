"""One kind of year per service, held by the database (rule 12).

A release of another kind of year than the tenant's policy names is refused, and so is a
change of the policy's kind of year once a release is kept: both checked under one
advisory lock per tenant, so a manager releasing a return and an administrator changing
the kind at the same moment cannot both succeed (the services check first, for the
message; these hold under a race). The refusal is a check violation naming
``statistics_one_kind_of_year``, which the services turn into the 400 naming the field.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T23:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "statistics one kind of year"

FORWARDS = [
    """
CREATE FUNCTION statistics_release_of_the_policys_kind() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    kind text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(
        'statistics_one_kind_of_year/' || NEW.tenant_id::text, 0));
    SELECT p.stats_year_kind INTO kind FROM tenant_policies p
     WHERE p.tenant_id = NEW.tenant_id;
    IF NEW.period_kind IS DISTINCT FROM coalesce(kind, 'calendar') THEN
        RAISE EXCEPTION 'a release of another kind of year than the policy names'
            USING ERRCODE = '23514', CONSTRAINT = 'statistics_one_kind_of_year';
    END IF;
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER statistics_releases_one_kind_of_year BEFORE INSERT ON statistics_releases"
    " FOR EACH ROW EXECUTE FUNCTION statistics_release_of_the_policys_kind()",
    """
CREATE FUNCTION statistics_year_kind_fixed_once_released() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.stats_year_kind IS NOT DISTINCT FROM OLD.stats_year_kind
       OR TG_OP = 'INSERT' AND NEW.stats_year_kind = 'calendar' THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(
        'statistics_one_kind_of_year/' || NEW.tenant_id::text, 0));
    IF EXISTS (SELECT 1 FROM statistics_releases r WHERE r.tenant_id = NEW.tenant_id) THEN
        RAISE EXCEPTION 'the kind of year cannot change once a return is released'
            USING ERRCODE = '23514', CONSTRAINT = 'statistics_one_kind_of_year';
    END IF;
    RETURN NEW;
END
$$""",
    "CREATE TRIGGER tenant_policies_one_kind_of_year BEFORE INSERT OR UPDATE ON tenant_policies"
    " FOR EACH ROW EXECUTE FUNCTION statistics_year_kind_fixed_once_released()",
]

BACKWARDS = [
    "DROP TRIGGER tenant_policies_one_kind_of_year ON tenant_policies",
    "DROP FUNCTION statistics_year_kind_fixed_once_released()",
    "DROP TRIGGER statistics_releases_one_kind_of_year ON statistics_releases",
    "DROP FUNCTION statistics_release_of_the_policys_kind()",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "statistics", DESCRIPTION, FORWARDS, BACKWARDS)
