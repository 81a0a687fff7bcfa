"""Piccolo app: retention (legal holds, the first run's confirmation, erased cases' facts)."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.retention.tables import LegalHold, RetentionConfirmation, RetentionFact

APP_CONFIG = AppConfig(
    app_name="retention",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[LegalHold, RetentionConfirmation, RetentionFact],
    migration_dependencies=[
        "confide.platform.people.piccolo_app",
        "confide.platform.notifications.piccolo_app",
        "confide.platform.requests.piccolo_app",
    ],
    commands=[],
)
