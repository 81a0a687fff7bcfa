"""Registry writes through two narrow doors: the application role reads the registry but
may not write to it, so an operator's acts from the web app go through these functions
(owned by the owner, SECURITY DEFINER, with a fixed search_path), which ``confide
migrate`` lets the application role execute (every ``app_`` function).

* ``app_tenant_create(id, slug, display_name, controller_kind)``: a new, active tenant.
* ``app_tenant_set_status(slug, status)``: suspend or restore; nothing else of a tenant
  changes, and no tenant is ever removed.

Checks on the table hold the registry's shape whoever writes (slug, name, status, kind),
so these doors cannot be used to plant a malformed tenant.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenant registry functions and checks"

FORWARDS = [
    # No braces: Piccolo's raw() reads {...} as a placeholder.
    "ALTER TABLE tenants ADD CONSTRAINT tenants_slug_check"
    " CHECK (length(slug) <= 40 AND slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'),"
    " ADD CONSTRAINT tenants_display_name_check"
    " CHECK (length(btrim(display_name)) BETWEEN 1 AND 120),"
    " ADD CONSTRAINT tenants_status_check CHECK (status IN ('active', 'suspended')),"
    " ADD CONSTRAINT tenants_controller_kind_check"
    " CHECK (controller_kind IN ('council', 'charity'))",
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
    "ALTER TABLE tenants DROP CONSTRAINT tenants_slug_check,"
    " DROP CONSTRAINT tenants_display_name_check, DROP CONSTRAINT tenants_status_check,"
    " DROP CONSTRAINT tenants_controller_kind_check",
]


class _Raw(Table, tablename="tenants"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def create() -> None:
        for statement in FORWARDS:
            await _Raw.raw(statement)

    async def drop() -> None:
        for statement in BACKWARDS:
            await _Raw.raw(statement)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
