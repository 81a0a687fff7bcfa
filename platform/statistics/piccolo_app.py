"""Piccolo app: statistics (the annual return's releases, rule 12)."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.statistics.tables import StatisticsRelease

APP_CONFIG = AppConfig(
    app_name="statistics",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[StatisticsRelease],
    migration_dependencies=["confide.platform.exports.piccolo_app"],
    commands=[],
)
