"""Piccolo app: identity (staff users)."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.identity.tables import IdempotencyKey, StaffUser

APP_CONFIG = AppConfig(
    app_name="identity",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[StaffUser, IdempotencyKey],
    migration_dependencies=["confide.tenants.piccolo_app"],
    commands=[],
)
