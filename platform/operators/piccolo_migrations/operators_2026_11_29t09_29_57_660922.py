from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text

ID = "2026-11-29T09:29:57:660922"
VERSION = "1.38.0"
DESCRIPTION = (
    "password hash and TOTP secret are secret columns (never granted to the application role)"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="operators", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Operator",
        tablename="platform_operators",
        column_name="password_hash",
        db_column_name="password_hash",
        params={"secret": True},
        old_params={"secret": False},
        column_class=Text,
        old_column_class=Text,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Operator",
        tablename="platform_operators",
        column_name="totp_secret_encrypted",
        db_column_name="totp_secret_encrypted",
        params={"secret": True},
        old_params={"secret": False},
        column_class=Text,
        old_column_class=Text,
        schema=None,
    )

    return manager
