"""Piccolo app: storage."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.storage.tables import DataKey

APP_CONFIG = AppConfig(
    app_name="storage",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[DataKey],
    migration_dependencies=["confide.tenants.piccolo_app"],
    commands=[],
)
