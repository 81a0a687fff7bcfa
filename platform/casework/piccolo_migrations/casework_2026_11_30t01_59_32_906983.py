from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.constraints import Check

ID = "2026-11-30T01:59:32:906983"
VERSION = "1.38.0"
DESCRIPTION = "a contact's kind is one the service offers (never unknown)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="casework", description=DESCRIPTION)

    manager.add_constraint(
        table_class_name="Contact",
        tablename="case_contacts",
        constraint_name="case_contacts_kind",
        constraint_class=Check,
        params={
            "condition": "kind IN ('phone', 'voicemail', 'email', 'meeting', 'letter', 'video', 'text')"
        },
        schema=None,
    )

    return manager
