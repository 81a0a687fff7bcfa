"""Piccolo app: schools and settings."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.schools.tables import School

APP_CONFIG = AppConfig(
    app_name="schools",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[School],
    migration_dependencies=["confide.platform.identity.piccolo_app"],
    commands=[],
)
