"""Piccolo app: tasks."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.tasks.tables import Task

APP_CONFIG = AppConfig(
    app_name="tasks",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Task],
    migration_dependencies=["confide.platform.consent.piccolo_app"],
    commands=[],
)
