"""Running the real ``confide`` command, and set-up coroutines, from synchronous code."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run set-up code on its own loop and thread: the browser journeys hold one here."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def confide(
    *args: str, check: bool = True, env: dict[str, str] | None = None, stdin: str | None = None
) -> Any:
    """Run the real ``confide`` command (``stdin``: what it reads on standard input)."""
    return subprocess.run(
        [sys.executable, "-m", "confide.platform.cli", *args],
        capture_output=True,
        text=True,
        check=check,
        input=stdin,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
