from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Integer

ID = "2026-11-29T22:23:55:987509"
VERSION = "1.38.0"
DESCRIPTION = "exports.size_bytes as bigint: a file of 2 GiB or more fits"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="exports", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Export",
        tablename="exports",
        column_name="size_bytes",
        db_column_name="size_bytes",
        params={},
        old_params={},
        column_class=BigInt,
        old_column_class=Integer,
        schema=None,
    )

    return manager
