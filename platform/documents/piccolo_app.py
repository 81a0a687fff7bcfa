"""Piccolo app: documents."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.documents.tables import DocumentVersion

APP_CONFIG = AppConfig(
    app_name="documents",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[DocumentVersion],
    migration_dependencies=[
        "confide.platform.casework.piccolo_app",
        "confide.platform.storage.piccolo_app",
    ],
    commands=[],
)
