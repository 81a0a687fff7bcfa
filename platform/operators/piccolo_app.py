"""Piccolo app: platform operators."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.operators.tables import Operator

APP_CONFIG = AppConfig(
    app_name="operators",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Operator],
    migration_dependencies=[],
    commands=[],
)
