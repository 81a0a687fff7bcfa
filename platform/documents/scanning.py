"""The scanning hook: every uploaded file may be scanned for malware before it is stored.

Off by default. With ``CONFIDE_STORAGE_CLAMD_ADDRESS`` (``host:port``) each file goes to a
ClamAV daemon over TCP with its ``INSTREAM`` command (``zINSTREAM\\0``, then chunks each
preceded by its length in 4 bytes, big-endian, then a zero length; the answer ends with
a NUL: ``stream: OK``, or ``stream: <name> FOUND``). A file found infected is refused; a
scanner that cannot be reached or answers anything else refuses the upload too (fail
closed), and says so without the file's content.
"""

from __future__ import annotations

import asyncio
import struct

from confide.platform.core.settings import get_settings

_CHUNK = 64 * 1024


class ScanFailed(Exception):
    """The scanner could not give a verdict (unreachable, timed out, an error answer)."""


class Infected(Exception):
    """The scanner found malware in the file."""


def enabled() -> bool:
    return get_settings().storage.clamd_address is not None


async def scan(data: bytes) -> None:
    """Nothing if scanning is off or the file is clean; ``Infected`` or ``ScanFailed``."""
    settings = get_settings().storage
    if settings.clamd_address is None:
        return
    host, _, port = settings.clamd_address.rpartition(":")
    try:
        async with asyncio.timeout(settings.clamd_timeout):
            answer = await _instream(host, int(port), data)
    except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
        raise ScanFailed(type(error).__name__) from None
    if answer.endswith("OK") and "FOUND" not in answer:
        return
    if answer.endswith("FOUND"):
        raise Infected()
    raise ScanFailed("unexpected answer")


async def _instream(host: str, port: int, data: bytes) -> str:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(b"zINSTREAM\0")
        for start in range(0, len(data), _CHUNK):
            piece = data[start : start + _CHUNK]
            writer.write(struct.pack(">I", len(piece)) + piece)
            await writer.drain()
        writer.write(struct.pack(">I", 0))
        await writer.drain()
        answer = await reader.readuntil(b"\0")
    finally:
        writer.close()
    return answer.rstrip(b"\0").decode("utf-8", "replace").strip()
