"""Piccolo app: audit."""

import os

from piccolo.conf.apps import AppConfig

from confide.platform.audit.tables import AuditCheckpoint, AuditEntry

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[AuditEntry, AuditCheckpoint],
    migration_dependencies=["confide.tenants.piccolo_app"],
    commands=[],
)
