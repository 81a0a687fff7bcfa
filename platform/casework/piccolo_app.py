"""Piccolo app: case work."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.casework.tables import (
    Assignment,
    BreakGlass,
    BreakGlassReview,
    Case,
    CasePerson,
    Contact,
    Note,
    Person,
    PersonSearchKey,
    RecordChange,
)

APP_CONFIG = AppConfig(
    app_name="casework",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        Person,
        Case,
        CasePerson,
        Assignment,
        Contact,
        Note,
        BreakGlass,
        BreakGlassReview,
        RecordChange,
        PersonSearchKey,
    ],
    migration_dependencies=[
        "confide.platform.identity.piccolo_app",
        "confide.platform.schools.piccolo_app",
    ],
    commands=[],
)
