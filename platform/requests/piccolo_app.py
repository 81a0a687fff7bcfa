"""Piccolo app: requests (the information request register, issue 17)."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.requests.tables import (
    FoiResponse,
    InformationRequest,
    Redaction,
    RequestDocument,
    RequestRelease,
    SubjectAccess,
)

APP_CONFIG = AppConfig(
    app_name="requests",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        InformationRequest,
        SubjectAccess,
        Redaction,
        RequestDocument,
        RequestRelease,
        FoiResponse,
    ],
    migration_dependencies=[
        "confide.platform.tasks.piccolo_app",
        "confide.platform.consent.piccolo_app",
    ],
    commands=[],
)
