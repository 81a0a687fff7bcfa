"""What the exports tests share: waiting for a worker's build, and reading a bundle back
(the ZIP, its manifest, the PDF's text, the JSON)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import io
import json
import re
import subprocess
import time
import zipfile
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from tests.helpers.casework import NM
from tests.helpers.environment import OWNER_URL
from tests.helpers.http import post

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.DOTALL)
_TEXT = re.compile(rb"\((.*?)(?<!\\)\)\s*Tj")


async def request_bundle(
    http: httpx.AsyncClient, case_id: str, view: str = "full", api: str = NM
) -> dict[str, Any]:
    response = await post(http, f"{api}/cases/{case_id}/exports/bundle", {"view": view})
    assert response.status_code == 202, response.text
    found: dict[str, Any] = response.json()
    return found


async def wait_until_finished(
    http: httpx.AsyncClient,
    export_id: str,
    worker: subprocess.Popen[str] | None = None,
    api: str = NM,
) -> dict[str, Any]:
    """Poll the export until it is ready or failed (a minute at most)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = await http.get(f"{api}/exports/{export_id}")
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        if found["status"] in ("ready", "failed"):
            return found
        assert worker is None or worker.poll() is None, "the worker died"
        await asyncio.sleep(0.2)
    raise AssertionError(f"export {export_id} never finished")


@contextlib.asynccontextmanager
async def storage_keys_held() -> AsyncIterator[None]:
    """The storage keys' table locked for the block: a worker that reads or writes a
    stored file waits until it ends (what it does before that is done)."""
    holder = await asyncpg.connect(OWNER_URL)
    try:
        await holder.execute("BEGIN; LOCK TABLE storage_data_keys IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        await holder.execute("ROLLBACK")
        await holder.close()


async def approve_release(
    http: httpx.AsyncClient, base: str, worker: subprocess.Popen[str] | None = None
) -> dict[str, Any]:
    """Approve a subject access release (``base``: its API path) and wait for the worker's
    redacted bundle: the request's view once it is ready."""
    approved = await post(http, f"{base}/approve", {})
    assert approved.status_code == 202, approved.text
    built = await wait_until_finished(http, approved.json()["release_export_id"], worker)
    assert built["status"] == "ready", built
    standing = await http.get(base)
    assert standing.status_code == 200, standing.text
    found: dict[str, Any] = standing.json()
    assert found["release_ready"] is True, found
    return found


@dataclass
class Bundle:
    names: list[str]
    manifest: dict[str, Any]
    pdf_text: str
    data: dict[str, Any]
    json_text: str


def _inflate(stream: bytes) -> bytes:
    """A content stream as it reads: Flate, ASCII85 then Flate (ReportLab's), or as it is."""
    with contextlib.suppress(zlib.error):
        return zlib.decompress(stream)
    if stream.rstrip().endswith(b"~>"):
        with contextlib.suppress(ValueError, zlib.error):
            return zlib.decompress(base64.a85decode(stream.rstrip()[:-2]))
    return stream


def _shown(stream: bytes) -> list[str]:
    """The strings one content stream shows (``Tj``), inflated."""
    return [
        t.replace(rb"\(", b"(").replace(rb"\)", b")").replace(rb"\\", b"\\").decode("latin-1")
        for t in _TEXT.findall(_inflate(stream))
    ]


def pdf_text(pdf: bytes) -> str:
    """The text a PDF shows (its content streams' ``Tj`` strings, inflated), one per line."""
    return "\n".join(line for stream in _STREAM.findall(pdf) for line in _shown(stream))


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, as ``pdf_text`` reads it (ReportLab writes one content stream a
    page, in order)."""
    pages = ["\n".join(_shown(stream)) for stream in _STREAM.findall(pdf)]
    return [page for page in pages if page]


def archive_texts(content: bytes) -> list[tuple[str, str]]:
    """Every member of a ZIP as text to search: its name, then its content (a PDF's shown
    text too, its lines joined by spaces as well, so wrapped words are found)."""
    found: list[tuple[str, str]] = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            text = data.decode("latin-1")
            if name.endswith(".pdf"):
                shown = pdf_text(data)
                text += "\n" + shown + "\n" + shown.replace("\n", " ")
            found.append((name, name + "\n" + text))
    return found


def open_bundle(content: bytes) -> Bundle:
    """Read the ZIP back; every file's checksum must match its manifest's."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        files = {name: archive.read(name) for name in names}
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["name"]]).hexdigest() == entry["sha256"], entry
        assert len(files[entry["name"]]) == entry["bytes"]
    [pdf] = [n for n in names if n.endswith(".pdf") and not n.startswith("documents/")]
    [data] = [
        n
        for n in names
        if n.endswith(".json") and n != "manifest.json" and not n.startswith("documents/")
    ]
    assert files[pdf].startswith(b"%PDF-")
    return Bundle(
        names=names,
        manifest=manifest,
        pdf_text=pdf_text(files[pdf]),
        data=json.loads(files[data]),
        json_text=files[data].decode("utf-8"),
    )
