"""How long ``confide run`` takes to answer its first request, cold and warm.

Cold: a new, empty data folder (embedded PostgreSQL is created, migrations
run, demo tenants are made). Warm: the same folder again. Prints seconds.

    .venv/bin/python bench/cold_start.py
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def first_answer(data_dir: Path) -> float:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env["CONFIDE_DATA_DIR"] = str(data_dir)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "confide.platform.cli", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/t/northmoor/", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("confide run exited")
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="confide-bench-", dir="/tmp") as folder:
        data_dir = Path(folder) / "data"
        cold = first_answer(data_dir)
        warm = first_answer(data_dir)
    print(f"confide run, first request answered: cold {cold:.2f} s, warm {warm:.2f} s")


if __name__ == "__main__":
    main()
