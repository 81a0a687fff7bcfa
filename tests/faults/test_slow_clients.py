"""A dozen signed-in clients sending their bodies a byte a second hold no database
connection: everyone else is served throughout, readiness stays 200, and each slow
client gets a 408 once ``CONFIDE_BODY_TIMEOUT`` (4 s here) has passed."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import httpx

from tests.faults.checks import check_writes, observe_load
from tests.faults.load import Client, Load
from tests.faults.stack import Stack

SLOW_CLIENTS = 12


async def _slow_post(url: str, client: Client) -> tuple[int | None, float]:
    """A note posted one byte a second; the status line that came back, and when."""
    parts = urlsplit(url)
    body = b'{"body": "' + b"s" * 40 + b'"}'
    cookies = "; ".join(f"{k}={v}" for k, v in client.http.cookies.items())
    head = (
        f"POST /t/{client.slug}/api/cases/{client.case_id}/notes HTTP/1.1\r\n"
        f"host: {parts.netloc}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\ncookie: {cookies}\r\n"
        f"x-csrftoken: {client.http.cookies['confide_csrf']}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(head)
        await writer.drain()
        answer = asyncio.create_task(reader.readline())
        for byte in body:
            if answer.done():
                break
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.wait({answer}, timeout=1)
        line = await asyncio.wait_for(answer, timeout=30)
    except (ConnectionError, TimeoutError):
        return None, time.monotonic() - started
    finally:
        writer.close()
    status = int(line.split()[1]) if line.startswith(b"HTTP/") else None
    return status, time.monotonic() - started


async def test_slow_uploads_freeze_nobody(up: Stack, load: Load, clients: list[Client]) -> None:
    assert up.web is not None
    load.start()
    await asyncio.sleep(1)
    start = time.monotonic()
    slow = [
        asyncio.create_task(_slow_post(up.web.url, clients[i % len(clients)]))
        for i in range(SLOW_CLIENTS)
    ]
    probes: list[int] = []
    async with httpx.AsyncClient(base_url=up.web.url, timeout=10) as http:
        while not all(task.done() for task in slow) and time.monotonic() - start < 40:
            probes.append((await http.get("/readyz")).status_code)
            await asyncio.sleep(1)
    answers = await asyncio.gather(*slow)
    end = time.monotonic()
    await load.stop()
    during = load.between(start + 1, end)
    seen = {
        "others_during": {str(o.status): sum(1 for x in during if x.status == o.status)
                          for o in during},
        "others_slowest_s": round(max((o.took for o in during), default=0), 2),
        "readyz": probes,
        "slow_clients": sorted({str(status) for status, _ in answers}),
        "slow_answered_after_s": round(max(took for _, took in answers), 1),
    }  # fmt: skip
    await observe_load(f"{SLOW_CLIENTS} slow uploads (1 byte/s)", up, load, seen)
    assert {str(o.status) for o in during} <= {"200", "201"}, "others were refused or failed"
    assert seen["others_slowest_s"] < 2, "others waited on the slow clients"
    assert set(probes) == {200}, "readiness failed while clients were slow"
    assert [status for status, _ in answers] == [408] * SLOW_CLIENTS
    assert all(took < 10 for _, took in answers), "a slow body was allowed too long"
    await check_writes(up, load)
