from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.constraints import Check

ID = "2026-11-30T02:36:10:418263"
VERSION = "1.38.0"
DESCRIPTION = "a case's first contact kind is one of a contact's kinds, or none yet"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="casework", description=DESCRIPTION)

    manager.add_constraint(
        table_class_name="Case",
        tablename="cases",
        constraint_name="cases_first_contact_kind",
        constraint_class=Check,
        params={
            "condition": "first_contact_kind IN ('phone', 'voicemail', 'email', 'meeting', 'letter', 'video', 'text')"
        },
        schema=None,
    )

    return manager
