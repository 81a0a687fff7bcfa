from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T15:26:19:704799"
VERSION = "1.38.0"
DESCRIPTION = "people: safe-contact exceptions"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="casework", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Contact",
        tablename="case_contacts",
        column_name="safe_contact_exception",
        db_column_name="safe_contact_exception",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 500,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="Contact",
        tablename="case_contacts",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "ContactKind",
                {
                    "PHONE": "phone",
                    "VOICEMAIL": "voicemail",
                    "EMAIL": "email",
                    "MEETING": "meeting",
                    "LETTER": "letter",
                    "VIDEO": "video",
                    "TEXT": "text",
                },
            )
        },
        old_params={
            "choices": Enum(
                "ContactKind",
                {
                    "PHONE": "phone",
                    "VOICEMAIL": "voicemail",
                    "EMAIL": "email",
                    "MEETING": "meeting",
                    "LETTER": "letter",
                    "VIDEO": "video",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
