from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.constraints import Unique

ID = "2026-11-30T02:34:36:280921"
VERSION = "1.38.0"
DESCRIPTION = "one subject access request per release build"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="requests", description=DESCRIPTION)

    manager.add_constraint(
        table_class_name="SubjectAccess",
        tablename="subject_access_requests",
        constraint_name="subject_access_requests_release_export_key",
        constraint_class=Unique,
        params={
            "columns": ["tenant_id", "release_export_id"],
            "nulls_distinct": True,
        },
        schema=None,
    )

    return manager
