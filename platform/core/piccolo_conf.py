"""Piccolo's configuration module (``PICCOLO_CONF``): the engine and the apps.

Apps are listed by import path, so the kernel does not import the domains.
"""

from piccolo.conf.apps import AppRegistry

from confide.platform.core.db import get_engine

DB = get_engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "confide.tenants.piccolo_app",
        "confide.platform.housekeeping.piccolo_app",
        "confide.platform.storage.piccolo_app",
        "confide.platform.audit.piccolo_app",
        "confide.platform.identity.piccolo_app",
        "confide.platform.schools.piccolo_app",
        "confide.platform.casework.piccolo_app",
        "confide.platform.consent.piccolo_app",
        "confide.platform.people.piccolo_app",
        "confide.platform.retention.piccolo_app",
        "confide.platform.tasks.piccolo_app",
        "confide.platform.operators.piccolo_app",
        "confide.platform.notifications.piccolo_app",
        "confide.platform.documents.piccolo_app",
        "confide.platform.requests.piccolo_app",
        "confide.platform.exports.piccolo_app",
        "confide.platform.statistics.piccolo_app",
    ]
)
