"""Piccolo app: exports."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.exports.tables import Export

APP_CONFIG = AppConfig(
    app_name="exports",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Export],
    migration_dependencies=[
        "confide.platform.tasks.piccolo_app",
        "confide.platform.retention.piccolo_app",
    ],
    commands=[],
)
