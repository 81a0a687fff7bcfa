"""Tasks that gave up: a dead-letter list beside the broker, which ``confide tasks failed``
shows to the platform's operators.

A task gives up when it fails for a reason that is not an outage, or when an
outage outlasts its retries. It then lands here, not silently nowhere: in a Redis
list (the newest ``KEEP``) when the broker is Redis, else in a file in the
embedded broker's folder. An entry holds the task's name and id, the tenant's id,
the error's type and the attempts made: never arguments or messages, which may
carry personal data.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis

from confide.platform.core.settings import Settings, get_settings

KEEP = 1000
_KEY = "confide:dead-letters"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    at: str
    task: str
    task_id: str
    tenant_id: str
    error: str
    attempts: int


def record(task: str, task_id: str, tenant_id: str, error: str, attempts: int) -> DeadLetter:
    letter = DeadLetter(datetime.now(UTC).isoformat(), task, task_id, tenant_id, error, attempts)
    line = json.dumps(asdict(letter))
    settings = get_settings()
    if settings.redis.redis_url:
        client = _client(settings)
        try:
            key = settings.redis.key_namespace + _KEY
            client.lpush(key, line)
            client.ltrim(key, 0, KEEP - 1)
        finally:
            client.close()
    else:
        with _file(settings).open("a") as out:
            out.write(line + "\n")
    return letter


def newest(limit: int = 100) -> list[DeadLetter]:
    """The most recent dead letters, newest first."""
    settings = get_settings()
    if settings.redis.redis_url:
        client = _client(settings)
        try:
            found = client.lrange(settings.redis.key_namespace + _KEY, 0, limit - 1)
            lines = [x.decode() if isinstance(x, bytes) else str(x) for x in found]
        finally:
            client.close()
    else:
        path = _file(settings)
        lines = path.read_text().splitlines()[::-1][:limit] if path.exists() else []
    return [DeadLetter(**json.loads(line)) for line in lines]


def _client(settings: Settings) -> redis.Redis:
    url = settings.redis.redis_url or ""
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def _file(settings: Settings) -> Path:
    folder = settings.redis.broker_folder or settings.core.data_dir
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "dead-letters.jsonl"
