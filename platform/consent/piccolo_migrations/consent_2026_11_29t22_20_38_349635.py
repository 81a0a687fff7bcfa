from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-11-29T22:20:38:349635"
VERSION = "1.38.0"
DESCRIPTION = "disclosures allowed on the service user word"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="consent", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Disclosure",
        tablename="disclosures",
        column_name="basis",
        db_column_name="basis",
        params={
            "choices": Enum(
                "Basis",
                {
                    "CONSENT": "consent",
                    "LEGAL": "legal",
                    "SERVICE_USER": "service_user",
                },
            )
        },
        old_params={"choices": Enum("Basis", {"CONSENT": "consent", "LEGAL": "legal"})},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
