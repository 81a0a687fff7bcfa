"""Data: a document uploaded for a note or contact on the young person's side before that
side was forced on it (rule 15, rule 28) is put on their side, so it can never reach a
parent's share or view. The side of a note is its latest version's. Tenant by tenant (the
owner is bound by the row-level policy too).

Backwards: nothing to undo (which rows were on the wrong side is not kept, and a document
on a confidence belongs on the young person's side either way).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.sql import raw

ID = "2026-11-29T23:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "documents on a confidence on the young person's side"

#: The current tenant's documents (``app.tenant_id``, the row-level policy) moved.
MOVE = (
    "UPDATE case_documents d SET side = 'young_person_only'"
    " WHERE d.side <> 'young_person_only' AND ("
    " (d.note_id IS NOT NULL AND ("
    "   SELECT n.side FROM case_notes n WHERE n.tenant_id = d.tenant_id"
    "   AND n.case_id = d.case_id AND n.note_id = d.note_id"
    "   ORDER BY n.version DESC LIMIT 1) = 'young_person_only')"
    " OR (d.contact_id IS NOT NULL AND EXISTS ("
    "   SELECT 1 FROM case_contacts c WHERE c.tenant_id = d.tenant_id"
    "   AND c.case_id = d.case_id AND c.id = d.contact_id AND c.side = 'young_person_only')))"
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="documents", description=DESCRIPTION)

    async def apply() -> None:
        for tenant in await raw("SELECT id FROM tenants ORDER BY id"):
            await raw("SELECT set_config('app.tenant_id', {}, true)", str(tenant["id"]))
            await raw(MOVE)

    async def undo() -> None:
        return None

    manager.add_raw(apply)
    manager.add_raw_backwards(undo)
    return manager
