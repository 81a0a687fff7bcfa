from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.constraints import Unique

ID = "2026-11-29T23:34:36:927672"
VERSION = "1.38.0"
DESCRIPTION = "a release consent form on its own request"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="requests", description=DESCRIPTION)

    manager.add_constraint(
        table_class_name="RequestDocument",
        tablename="request_documents",
        constraint_name="request_documents_request_id_key",
        constraint_class=Unique,
        params={
            "columns": ["tenant_id", "request_id", "id"],
            "nulls_distinct": True,
        },
        schema=None,
    )

    return manager
