"""Confide against the fault suite's own PostgreSQL and Redis: migrated, two demo tenants,
a real ``confide serve`` and a real Celery worker, each restartable after a fault."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from tests.faults.servers import Postgres, RedisServer
from tests.served import Served, free_port, start

OWNER = "confide"
APP_ROLE = "confide_app"
DATABASE = "confide"

# Short timeouts, so that each fault shows its effect within seconds.
WEB_ENV = {
    "DATABASE_ACQUIRE_TIMEOUT": "2",
    "DATABASE_STATEMENT_TIMEOUT": "2",
    "DATABASE_COMMAND_TIMEOUT": "3",
    "DATABASE_POOL_STUCK_AFTER": "8",
    "CONFIDE_BODY_TIMEOUT": "4",
}
WORKER_ENV = {
    "CONFIDE_TASK_VISIBILITY_TIMEOUT": "8",
    "CONFIDE_TASK_RETRY_BACKOFF_MAX": "2",
    "CONFIDE_TASK_MAX_RETRIES": "12",
}


@dataclass
class Stack:
    root: Path
    postgres: Postgres
    redis: RedisServer
    idp: str
    env: dict[str, str] = field(default_factory=dict)
    web: Served | None = None
    worker: subprocess.Popen[bytes] | None = None
    worker_log: Path | None = None

    @property
    def owner_url(self) -> str:
        return f"postgresql://{OWNER}@127.0.0.1:{self.postgres.port}/{DATABASE}"

    @property
    def superuser_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.postgres.port}/{DATABASE}"

    def confide(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "confide.platform.cli", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=180,
            check=False,
        )
        if check and result.returncode:
            raise AssertionError(f"confide {' '.join(args)}: {result.stdout}{result.stderr}")
        return result

    def start_web(self, **settings: str) -> Served:
        """``confide serve`` on the stack's port, with ``WEB_ENV`` and ``settings`` on top."""
        self.web = start(
            self.root / "web.log",
            {**self.env, **WEB_ENV, **settings},
            port=self.web.port if self.web else free_port(),
        )
        return self.web

    def start_worker(self, name: str = "faults") -> None:
        self.worker_log = self.root / "worker.log"
        self.worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "confide.workers.celery_app:celery_app",
                "worker",
                "--pool=solo",
                "-n",
                f"{name}-{secrets.token_hex(3)}@localhost",
                "--loglevel=INFO",
            ],
            env={**self.env, **WORKER_ENV},
            stdout=self.worker_log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while " ready." not in self.worker_log.read_text(errors="replace"):
            assert self.worker.poll() is None, "the worker died at start"
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.1)

    def ensure_up(self) -> None:
        """Every part running again after a test's fault."""
        if self.postgres.postmaster() is None:
            self.postgres.start()
        if self.redis.proc is None or self.redis.proc.poll() is not None:
            self.redis.start()
        if self.web is None or self.web.proc.poll() is not None:
            self.start_web()
        if self.worker is None or self.worker.poll() is not None:
            self.start_worker()

    def stop_all(self) -> None:
        for proc in (self.web.proc if self.web else None, self.worker):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
        self.redis.stop()
        self.postgres.stop_for_good()

    async def sql(self, query: str, *args: Any, tenant: Any = None) -> list[Any]:
        """Read as the superuser (row-level security does not apply to it)."""
        conn = await asyncpg.connect(self.superuser_url)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    def web_log_lines(self) -> list[dict[str, Any]]:
        text = (self.root / "web.log").read_text(errors="replace")
        return [json.loads(x) for x in text.splitlines() if x.startswith("{")]


def build(root: Path, idp: str) -> Stack:
    """Initialise, start and migrate; demo tenants signing in through ``idp``."""
    postgres = Postgres(root / "pg")
    redis_server = RedisServer(root / "redis")
    postgres.init()
    postgres.start()
    redis_server.start()
    stack = Stack(root, postgres, redis_server, idp)
    subprocess.run(
        [
            "psql",
            postgres.admin_url,
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            f"CREATE ROLE {OWNER} LOGIN CREATEROLE",
            "-c",
            f"CREATE DATABASE {DATABASE} OWNER {OWNER}",
        ],
        check=True,
        capture_output=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CONFIDE_"))}
    env.update(
        DATABASE_URL=stack.owner_url,
        DATABASE_APP_ROLE=APP_ROLE,
        REDIS_URL=redis_server.url,
        CONFIDE_SECRET_KEY=secrets.token_urlsafe(48),
        CONFIDE_LOG_LEVEL="INFO",
        CONFIDE_SECURE_COOKIES="false",
        CONFIDE_SIGNIN_LIMIT_PER_ADDRESS="100000",
        CONFIDE_SIGNIN_LIMIT_PER_TENANT="100000",
        CONFIDE_DATA_DIR=str(root / "data"),
    )
    env.pop("CELERY_BROKER_URL", None)
    stack.env = env
    stack.confide("migrate")
    subprocess.run(
        [
            "psql",
            f"postgresql://postgres@127.0.0.1:{postgres.port}/{DATABASE}",
            "-q",
            "-c",
            "ALTER FUNCTION word_similarity_commutator_op(text, text) LEAKPROOF",
        ],
        check=True,
        capture_output=True,
    )
    stack.confide("seed-demo", "--idp", idp, "--cases", "2")
    return stack
