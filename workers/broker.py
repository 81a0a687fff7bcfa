"""Broker options that need no Celery app: the embedded launcher uses them too."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def filesystem_transport_options(folder: Path) -> dict[str, Any]:
    """Kombu ``broker_transport_options`` for the ``filesystem://`` transport in ``folder``.

    Producers and consumers share one configuration, so ``data_folder_in`` and
    ``data_folder_out`` are the same ``queue`` folder (a producer writes to
    "out", a consumer reads "in"). A consumer claims a message by renaming it
    into ``processed`` on the same file system, which is atomic, so two worker
    processes never take the same message; processed messages are kept there.
    ``control`` holds the exchange tables fanout needs (relative by default,
    which would depend on the working folder). The transport polls: the
    interval bounds the latency a task waits before it starts.
    """
    folder = folder.expanduser().resolve()
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "store_processed": True,
        "control_folder": str(folder / "control"),
        "polling_interval": 0.1,
    }
