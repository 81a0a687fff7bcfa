"""The README's run command: ``confide run`` with nothing configured.

Embedded PostgreSQL, migrations, demo tenants, the web app, a Celery worker
and beat; Ctrl-C stops everything it started, and a second run reuses the data.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import ROOT

# What the Celery worker and beat print once they run.
STARTED = ("embedded@", " ready.", "beat: Starting...")


def _port_with_busy_neighbour() -> tuple[int, socket.socket]:
    """A free port whose next port we hold: the development provider wants that one, and
    must then take another."""
    for _ in range(50):
        port = _free_port()
        neighbour = socket.socket()
        try:
            neighbour.bind(("127.0.0.1", port + 1))
        except OSError:
            neighbour.close()
            continue
        neighbour.listen()
        return port, neighbour
    raise RuntimeError("no free pair of ports")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Directly under /tmp: pgserver opens every parent folder of its data to everyone.
    folder = Path(tempfile.mkdtemp(prefix="confide-run-", dir="/tmp"))
    yield folder / "data"
    shutil.rmtree(folder, ignore_errors=True)


def _start(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(CONFIDE_DATA_DIR=str(data_dir), CONFIDE_SECRET_KEY="", CONFIDE_REDIS_PREFIX="")
    return subprocess.Popen(
        [sys.executable, "-m", "confide.platform.cli", "run", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _wait_ready(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, "confide run exited early"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("confide run did not answer")


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGINT)
    return proc.wait(timeout=60)


def _leftovers(data_dir: Path) -> list[str]:
    found = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if str(data_dir) in line]


def test_confide_run_starts_everything_stops_cleanly_and_keeps_its_data(
    data_dir: Path, tmp_path: Path
) -> None:
    port, neighbour = _port_with_busy_neighbour()
    base = f"http://127.0.0.1:{port}"
    first = _start(data_dir, port, tmp_path / "first.log")
    try:
        _wait_ready(first, f"{base}/t/northmoor/")
        assert "Northmoor" in httpx.get(f"{base}/t/northmoor/").text
        assert "Eastdale" in httpx.get(f"{base}/t/eastdale/").text
        ready = httpx.get(f"{base}/readyz").json()
        assert (ready["status"], ready["database"], ready["broker"]) == ("ok", True, True)
        deadline = time.monotonic() + 30
        while not all(line in (tmp_path / "first.log").read_text() for line in STARTED):
            assert time.monotonic() < deadline, "the Celery worker or beat never started"
            time.sleep(0.2)
    finally:
        neighbour.close()
        assert _stop(first) == 0
    assert _leftovers(data_dir) == [], "confide run left processes behind"
    seeded = (tmp_path / "first.log").read_text()
    for slug in ("northmoor", "eastdale"):  # each tenant gets its own, none sees the other's
        assert f"{slug}: 4 demo staff, 40 synthetic cases" in seeded
    assert (data_dir / "pg" / "PG_VERSION").exists()
    assert (data_dir / "secret_key").stat().st_mode & 0o077 == 0

    second = _start(data_dir, port, tmp_path / "second.log")
    try:
        _wait_ready(second, f"{base}/t/eastdale/")
    finally:
        assert _stop(second) == 0
    log = (tmp_path / "second.log").read_text()
    assert "demo tenants: northmoor, eastdale (new: 0)" in log, "the data was not reused"
