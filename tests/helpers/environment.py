"""The run's own PostgreSQL roles and database, Redis prefix and settings.

Settings are read from the environment, so importing this module sets them, before
Confide is imported: the root ``conftest.py`` imports it first.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).parents[2]
ADMIN_URL = os.environ.get(
    "CONFIDE_TEST_ADMIN_URL", "postgresql://postgres@localhost:5432/postgres"
)
REDIS_URL = os.environ.get("CONFIDE_TEST_REDIS_URL", "redis://localhost:6379/0")
RUN = secrets.token_hex(4)
OWNER_ROLE = f"confide_owner_{RUN}"
APP_ROLE = f"confide_app_{RUN}"
DATABASE = f"confide_test_{RUN}"
REDIS_PREFIX = f"confide-test-{RUN}:"
# The run's stored files (the folder backend), removed at the end (the root conftest.py).
STORAGE_FOLDER = Path(tempfile.mkdtemp(prefix=f"confide-test-{RUN}-files-"))
# Also for a run that never makes the database (tests/test_compose.py alone, say).
atexit.register(shutil.rmtree, STORAGE_FOLDER, ignore_errors=True)


def role_url(base: str, user: str, database: str) -> str:
    """``base``'s server, as ``user`` on ``database``."""
    rest = base.split("://", 1)[1].rsplit("@", 1)[-1]
    host = rest.split("/", 1)[0]
    return f"postgresql://{user}@{host}/{database}"


OWNER_URL = role_url(ADMIN_URL, OWNER_ROLE, DATABASE)
APP_URL = role_url(ADMIN_URL, APP_ROLE, DATABASE)

os.environ.update(
    {
        "DATABASE_URL": OWNER_URL,
        "DATABASE_APP_ROLE": APP_ROLE,
        "REDIS_URL": REDIS_URL,
        "CONFIDE_REDIS_PREFIX": REDIS_PREFIX,
        "CONFIDE_SECRET_KEY": secrets.token_urlsafe(48),
        "CONFIDE_LOG_LEVEL": "INFO",
        # The test clients speak plain HTTP; one test checks the Secure flag over HTTPS.
        "CONFIDE_SECURE_COOKIES": "false",
        # Every test signs in from the same address; tests/test_signin.py checks the limit.
        "CONFIDE_SIGNIN_LIMIT_PER_ADDRESS": "100000",
        "CONFIDE_OPERATOR_SIGNIN_LIMIT_PER_ADDRESS": "100000",
        # No beat runs in the tests: a day's schedule keeps the shared tenants' audit logs
        # "anchored in time" however long a run takes (test_audit_checkpoints.py uses 15).
        "CONFIDE_AUDIT_CHECKPOINT_MINUTES": "1440",
        "CONFIDE_STORAGE_BACKEND": "folder",
        "CONFIDE_STORAGE_FOLDER": str(STORAGE_FOLDER),
    }
)
for _name in (
    "DATABASE_APP_URL",
    "CELERY_BROKER_URL",
    "CONFIDE_BASE_DOMAIN",
    "CONFIDE_STORAGE_CLAMD_ADDRESS",
):
    os.environ.pop(_name, None)
