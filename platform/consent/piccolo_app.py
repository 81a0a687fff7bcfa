"""Piccolo app: consent and disclosure."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.consent.tables import (
    CapacityDecision,
    Consent,
    ConsentNotAsked,
    ConsentReview,
    Disclosure,
    TaskDelay,
    TellClientTask,
)

APP_CONFIG = AppConfig(
    app_name="consent",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        Consent,
        ConsentReview,
        ConsentNotAsked,
        CapacityDecision,
        Disclosure,
        TellClientTask,
        TaskDelay,
    ],
    migration_dependencies=["confide.platform.casework.piccolo_app"],
    commands=[],
)
