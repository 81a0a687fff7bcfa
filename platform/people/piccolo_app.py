"""Piccolo app: people across cases (households, relationships, merges)."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.people.tables import Household, HouseholdMember, PersonMerge

APP_CONFIG = AppConfig(
    app_name="people",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Household, HouseholdMember, PersonMerge],
    migration_dependencies=["confide.platform.consent.piccolo_app"],
    commands=[],
)
