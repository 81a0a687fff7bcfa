"""A real ``confide serve`` process on a free port, for tests that need a real server:
one keep-alive TCP connection, slow clients, a process to kill."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    url: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path


def start(log: Path, env: dict[str, str] | None = None, port: int | None = None) -> Served:
    """Start ``confide serve`` with this run's settings (and ``env`` on top); wait until up."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "confide.platform.cli", "serve", "--port", str(port)],
        env={**os.environ, **(env or {})},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return Served(url, port, proc, log)
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"confide serve did not start; see {log}")
        time.sleep(0.1)


def stop(served: Served, timeout: float = 20) -> int:
    """SIGTERM, then SIGKILL if it has not stopped within ``timeout``; the exit code."""
    served.proc.terminate()
    try:
        return served.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        served.proc.kill()
        served.proc.wait()
        raise


@contextmanager
def serving(log: Path, env: dict[str, str] | None = None) -> Iterator[Served]:
    served = start(log, env)
    try:
        yield served
    finally:
        if served.proc.poll() is None:
            stop(served)
