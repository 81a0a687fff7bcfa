"""Data: every tenant's data key wrapped before keys were bound to their tenant is bound
now, at deploy, instead of on the tenant's next use (``bind_legacy_key``; a bound key is
left as it is, so running it again changes nothing). Tenant by tenant (the owner is bound
by the row-level policy too). Needs the master keys (``CONFIDE_ENCRYPTION_KEYS``) that
wrapped the keys, as the app does.

Backwards: nothing to undo (a bound key is read by this version and the one before).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.sql import raw
from confide.platform.storage.services import bind_legacy_key

ID = "2026-11-30T01:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "bind every legacy data key to its tenant"


async def bind_all() -> int:
    """Bind each tenant's legacy key: how many were bound."""
    bound = 0
    for tenant in await raw("SELECT id FROM tenants ORDER BY id"):
        await raw("SELECT set_config('app.tenant_id', {}, true)", str(tenant["id"]))
        bound += await bind_legacy_key(tenant["id"])
    return bound


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="storage", description=DESCRIPTION)

    async def apply() -> None:
        await bind_all()

    async def undo() -> None:
        return None

    manager.add_raw(apply)
    manager.add_raw_backwards(undo)
    return manager
