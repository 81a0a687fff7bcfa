"""Piccolo app: the tenant registry."""

import os

from piccolo.conf.apps import AppConfig

from confide.tenants.policy.tables import PolicyChange, PolicyReview, PolicyText, TenantPolicy
from confide.tenants.sso.tables import SsoProvider
from confide.tenants.tables import Tenant

APP_CONFIG = AppConfig(
    app_name="tenants",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Tenant, SsoProvider, TenantPolicy, PolicyChange, PolicyText, PolicyReview],
    migration_dependencies=[],
    commands=[],
)
