from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-11-29T18:44:54:539693"
VERSION = "1.38.0"
DESCRIPTION = "information requests"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tasks", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Task",
        tablename="tasks",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "TaskKind",
                {
                    "CONSENT_REVIEW": "consent_review",
                    "TELL_CLIENT": "tell_client",
                    "FOLLOW_UP": "follow_up",
                    "INFORMATION_REQUEST": "information_request",
                },
            )
        },
        old_params={
            "choices": Enum(
                "TaskKind",
                {
                    "CONSENT_REVIEW": "consent_review",
                    "TELL_CLIENT": "tell_client",
                    "FOLLOW_UP": "follow_up",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
