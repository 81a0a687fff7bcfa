"""Person search keys: the link to the person, the key's collation and index, the backfill.

``person_search_keys.key`` is compared byte by byte (the C collation), so a prefix
look-up is a range on the same index as the exact look-ups; the index is on plain
columns (``tenant_id``, ``key``), which row-level security lets a query use (``=`` and
the range operators on text are LEAKPROOF; an expression index would not serve).

The backfill writes the keys of every person already there, tenant by tenant (the
owner is bound by the policy too), computed by ``casework.matching`` as new writes are.
"""

from uuid import UUID

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.casework.matching import person_keys
from confide.platform.core.sql import raw

ID = "2026-11-29T15:28:08:000000"
VERSION = "1.38.0"
DESCRIPTION = "person search keys: link, index, backfill"

FORWARDS = [
    "ALTER TABLE person_search_keys ADD CONSTRAINT person_search_keys_person_fkey"
    " FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)",
    'ALTER TABLE person_search_keys ALTER COLUMN key TYPE varchar(120) COLLATE "C"',
    "CREATE INDEX person_search_keys_lookup ON person_search_keys (tenant_id, key)",
]

BACKWARDS = [
    "DROP INDEX person_search_keys_lookup",
    'ALTER TABLE person_search_keys ALTER COLUMN key TYPE varchar(120) COLLATE "default"',
    "ALTER TABLE person_search_keys DROP CONSTRAINT person_search_keys_person_fkey",
]

BATCH = 5000


async def _backfill() -> None:
    for tenant in await raw("SELECT id FROM tenants ORDER BY id"):
        await raw("SELECT set_config('app.tenant_id', {}, true)", str(tenant["id"]))
        after = UUID(int=0)
        while True:
            people = await raw(
                "SELECT id, first_name, last_name, date_of_birth, phone, email, postcode"
                " FROM people WHERE tenant_id = {} AND id > {} ORDER BY id LIMIT {}",
                tenant["id"],
                after,
                BATCH,
            )
            if not people:
                break
            ids, slots, keys = [], [], []
            for p in people:
                for slot, key in enumerate(
                    person_keys(
                        p["first_name"],
                        p["last_name"],
                        p["date_of_birth"],
                        p["phone"],
                        p["email"],
                        p["postcode"],
                    )
                ):
                    ids.append(p["id"])
                    slots.append(slot)
                    keys.append(key)
            await raw(
                "INSERT INTO person_search_keys (id, tenant_id, person_id, slot, key)"
                " SELECT gen_random_uuid(), {}, k.person_id, k.slot, k.key"
                " FROM unnest({}::uuid[], {}::int[], {}::text[]) AS k(person_id, slot, key)"
                " ON CONFLICT (tenant_id, person_id, slot) DO UPDATE SET key = EXCLUDED.key",
                tenant["id"],
                ids,
                slots,
                keys,
            )
            after = people[-1]["id"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="casework", description=DESCRIPTION)

    async def apply() -> None:
        for statement in FORWARDS:
            await raw(statement)
        await _backfill()

    async def undo() -> None:
        for statement in BACKWARDS:
            await raw(statement)

    manager.add_raw(apply)
    manager.add_raw_backwards(undo)
    return manager
