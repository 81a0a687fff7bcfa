"""The real app served for a benchmark: ``confide serve`` on a free port, sessions written
straight into its store (no browser sign-in), and its Redis keys removed afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from _setup import CASEWORKERS, RUN, cpu_seconds

REDIS_URL = os.environ.get("CONFIDE_BENCH_REDIS_URL", "redis://localhost:6379/0")
REDIS_PREFIX = f"confide-bench-{RUN}:"
# What the served app needs besides the database: its sessions in this run's Redis keys,
# and cookies over plain HTTP on the loopback.
SERVED_SETTINGS = {
    "REDIS_URL": REDIS_URL,
    "CONFIDE_REDIS_PREFIX": REDIS_PREFIX,
    "CONFIDE_SECURE_COOKIES": "false",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def staff_session(tenant_id: UUID, staff_id: UUID, idle_minutes: int = 60) -> str:
    """A session token for one member of staff, in the store the server uses (as signing
    in makes one, without the identity provider)."""
    from confide.platform.identity import sessions as staff_sessions

    return await staff_sessions.start(
        tenant_id=tenant_id,
        user_id=staff_id,
        idle_minutes=idle_minutes,
        absolute_hours=4,
        id_token=None,
    )


async def sessions(tenants: dict[UUID, dict[str, Any]]) -> dict[UUID, list[str]]:
    """A session token for every caseworker, then the manager, in the store the server uses."""
    tokens: dict[UUID, list[str]] = {}
    for tenant, info in tenants.items():
        tokens[tenant] = [
            await staff_session(tenant, staff) for staff in info["staff"][: CASEWORKERS + 1]
        ]
    return tokens


def serve(
    port: int, command: list[str] | None = None, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``confide serve`` (or ``command``) on ``port``; wait until ``/healthz`` answers."""
    server = subprocess.Popen(
        command or [sys.executable, "-m", "confide.platform.cli", "serve", "--port", str(port)],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            stderr = server.stderr.read().decode() if server.stderr else ""
            raise RuntimeError(f"the server exited: {stderr[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code < 500:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    server.wait(10)
    raise RuntimeError("the server did not start within 60 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (a server's worker processes)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, total = [pid], 0.0
    while tree:
        current = tree.pop()
        try:
            total += cpu_seconds(current)
        except OSError:
            continue
        tree.extend(child for child, parent in parents.items() if parent == current)
    return total


def clear_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{REDIS_PREFIX}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
