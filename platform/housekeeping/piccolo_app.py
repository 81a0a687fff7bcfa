"""Piccolo app: housekeeping."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.housekeeping.tables import Heartbeat, JobRun

APP_CONFIG = AppConfig(
    app_name="housekeeping",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Heartbeat, JobRun],
    migration_dependencies=["confide.tenants.piccolo_app"],
    commands=[],
)
