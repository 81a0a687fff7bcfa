"""Registry writes through two narrow doors: the application role reads the registry but
may not write to it, so an operator's acts from the web app go through these functions
(owned by the owner, SECURITY DEFINER, with a fixed search_path), which ``confide
migrate`` lets the application role execute (every ``app_`` function).

* ``app_tenant_create(id, slug, display_name, controller_kind)``: a new, active tenant.
* ``app_tenant_set_status(slug, status)``: suspend or restore; nothing else of a tenant
  changes, and no tenant is ever removed.

The checks declared on ``Tenant`` hold the registry's shape whoever writes (slug, name,
status, kind), so these doors cannot be used to plant a malformed tenant.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T11:24:45:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenant registry functions"

FORWARDS = [
    "CREATE FUNCTION app_tenant_create(p_id uuid, p_slug text, p_display_name text,"
    " p_controller_kind text) RETURNS SETOF public.tenants"
    " LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$"
    " INSERT INTO public.tenants (id, slug, display_name, status, controller_kind, created_at)"
    " VALUES (p_id, p_slug, p_display_name, 'active', p_controller_kind, now())"
    " RETURNING * $$",
    "CREATE FUNCTION app_tenant_set_status(p_slug text, p_status text)"
    " RETURNS SETOF public.tenants"
    " LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$"
    " UPDATE public.tenants SET status = p_status"
    " WHERE slug = p_slug AND p_status IN ('active', 'suspended') RETURNING * $$",
    "REVOKE ALL ON FUNCTION app_tenant_create(uuid, text, text, text) FROM PUBLIC",
    "REVOKE ALL ON FUNCTION app_tenant_set_status(text, text) FROM PUBLIC",
]

BACKWARDS = [
    "DROP FUNCTION app_tenant_set_status(text, text)",
    "DROP FUNCTION app_tenant_create(uuid, text, text, text)",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "tenants", DESCRIPTION, FORWARDS, BACKWARDS)
