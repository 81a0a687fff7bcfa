from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date
from piccolo.columns.defaults.date import DateNow

ID = "2026-11-30T03:09:36:788053"
VERSION = "1.38.0"
DESCRIPTION = "a task may have no due date"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tasks", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Task",
        tablename="tasks",
        column_name="due_on",
        db_column_name="due_on",
        params={"default": None, "null": True},
        old_params={"default": DateNow(), "null": False},
        column_class=Date,
        old_column_class=Date,
        schema=None,
    )

    return manager
