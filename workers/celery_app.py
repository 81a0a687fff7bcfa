"""The Celery app, configured from settings.

Start it with Celery's own command line:
``celery -A confide.workers.celery_app:celery_app worker`` (and ``beat``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import Celery, signals

from confide.platform.core.logs import bind_context, configure_logging
from confide.platform.core.settings import Settings, get_settings
from confide.workers.broker import filesystem_transport_options

TASK_MODULES = [
    "confide.workers.housekeeping",
    "confide.workers.audit",
    "confide.workers.notifications",
    "confide.workers.reviews",
    "confide.workers.retention",
    "confide.workers.requests",
    "confide.workers.exports",
]


def _broker(settings: Settings) -> tuple[str, dict[str, Any]]:
    url = settings.redis.broker_url()
    if url.startswith("filesystem://"):
        folder = settings.redis.broker_folder
        if folder is None:
            raise ValueError("CONFIDE_BROKER_FOLDER must be set for the filesystem:// broker")
        folders = filesystem_transport_options(folder)
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            Path(folders[key]).mkdir(parents=True, exist_ok=True)
        return url, folders
    # A task a killed worker held comes back to the queue after the visibility timeout
    # (Kombu's default is an hour); the sweep for such tasks runs a few times within it.
    visibility = settings.tasks.visibility_timeout
    options: dict[str, Any] = {
        "visibility_timeout": visibility,
        "unacked_restore_interval": max(1, min(60, visibility // 4)),
        "unacked_restore_throttle": 1,
    }
    if prefix := settings.redis.key_namespace:
        options["global_keyprefix"] = prefix
    return url, options


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    broker_url, transport_options = _broker(settings)
    app = Celery("confide", broker=broker_url, include=TASK_MODULES)
    app.conf.update(
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # A task still running at the visibility timeout would be handed to a second worker.
        task_time_limit=max(1, settings.tasks.visibility_timeout - 1),
        task_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=False,
        # Scheduled jobs add their entries as they are declared (``jobs.scheduled_job``).
        beat_schedule={
            "audit-checkpoints": {
                "task": "confide.audit.fan_out_checkpoints",
                "schedule": timedelta(minutes=settings.core.audit_checkpoint_minutes),
            },
        },
    )
    return app


celery_app = create_celery()


@signals.setup_logging.connect
def _logging(**_: Any) -> None:
    configure_logging(get_settings().core.log_level)


@signals.task_prerun.connect
def _bind_task_context(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    """Each task starts with a fresh logging context: ids only."""
    bind_context(task_id=task_id or "", task=getattr(task, "name", ""))


@signals.task_postrun.connect
def _clear_task_context(**_: Any) -> None:
    bind_context()
