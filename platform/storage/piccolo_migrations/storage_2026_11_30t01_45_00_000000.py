"""Data: every tenant's data key wrapped before keys were bound to their tenant is bound
now, at deploy, instead of on the tenant's next use (a bound key is left as it is, so
running it again changes nothing). Tenant by tenant (the owner is bound by the row-level
policy too). Needs the master keys (``CONFIDE_ENCRYPTION_KEYS``) that wrapped the keys,
as the app does.

A tenant whose key cannot be unwrapped here (the keys not set, or not the ones that
wrapped it) is skipped, logged with its id only, and counted: its key is still bound on
its next use, and one tenant's key never stops ``confide migrate`` for the others.

The logic is frozen here as it was when written (the binding's format, ``_BOUND``): a
migration must not change when the storage service does.

Backwards: nothing to undo (a bound key is read by this version and the one before).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.crypto import DecryptionError, SecretBox, secret_box
from confide.platform.core.logs import get_logger
from confide.platform.core.settings import SettingsError
from confide.platform.core.sql import raw

ID = "2026-11-30T01:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "bind every legacy data key to its tenant"

#: A bound wrapped key's plaintext: this, the tenant's id, ``:``, the key (base64).
_BOUND = "confide-data-key/2:"

log = get_logger(__name__)


def _box() -> SecretBox | None:
    try:
        return secret_box()
    except SettingsError:
        return None


async def bind_all() -> tuple[int, int]:
    """Bind each tenant's legacy key: how many were bound, and how many keys could not be
    unwrapped (skipped, bound on their tenant's next use)."""
    bound = skipped = 0
    box = _box()
    for tenant in await raw("SELECT id FROM tenants ORDER BY id"):
        tenant_id = str(tenant["id"])
        await raw("SELECT set_config('app.tenant_id', {}, true)", tenant_id)
        keys = await raw(
            "SELECT wrapped_key FROM storage_data_keys WHERE tenant_id = {}", tenant["id"]
        )
        if not keys:
            continue
        wrapped = str(keys[0]["wrapped_key"])
        try:
            if box is None:
                raise SettingsError("CONFIDE_ENCRYPTION_KEYS")
            plain = box.decrypt(wrapped)
        except (SettingsError, DecryptionError):
            log.warning("data_key_not_bound_at_deploy", tenant_id=tenant_id)  # the id only
            skipped += 1
            continue
        if plain.startswith(_BOUND):
            continue  # bound already (to this tenant, or left for a person if another's)
        changed = await raw(
            "UPDATE storage_data_keys SET wrapped_key = {}, rewrapped_at = now()"
            " WHERE tenant_id = {} AND wrapped_key = {} RETURNING id",
            box.encrypt(f"{_BOUND}{tenant_id}:{plain}"),
            tenant["id"],
            wrapped,
        )
        bound += len(changed)
    return bound, skipped


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="storage", description=DESCRIPTION)

    async def apply() -> None:
        bound, skipped = await bind_all()
        print(f"Data keys bound to their tenant: {bound}; left to bind on use: {skipped}")

    async def undo() -> None:
        return None

    manager.add_raw(apply)
    manager.add_raw_backwards(undo)
    return manager
