"""How `confide serve` runs uvicorn: processes, and no Nagle stall on keep-alive.

With more than one process uvicorn binds the listening socket itself, with protocol
number 0, and hands it to the workers. asyncio sets ``TCP_NODELAY`` on an accepted
connection only when the listening socket says ``IPPROTO_TCP``, so on N processes
every connection kept Nagle's algorithm: a response written in two sends (head,
then body) waited for the client's delayed ACK, about 43 ms per keep-alive request
after the first (uvicorn issue #3149). One process binds through asyncio and never
had the stall. The protocol below sets the option on every TCP connection itself.
"""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Literal

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with ``TCP_NODELAY`` on each connection.

    (uvicorn narrows ``connection_made`` to a full transport; so does this.)
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def processes(setting: int | Literal["auto"]) -> int:
    """Web processes to run: the setting, or one per core this process may use."""
    if setting != "auto":
        return setting
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
