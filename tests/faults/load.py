"""Steady load from signed-in staff of two tenants: writers add notes, readers open cases.

A writer behaves as a careful client: each note has its own ``Idempotency-Key``,
and after a 5xx or no answer it sends the same request again, key and all, until
it gets an answer that is not an outage. Every request's start, duration and
status is kept for the fault's report.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.helpers.signin import sign_in

MARK = "fault-load"


@dataclass
class Outcome:
    at: float
    took: float
    kind: str
    status: int | None  # None: no answer (refused, reset, timed out)
    retry_after: str | None = None


@dataclass
class Client:
    slug: str
    http: httpx.AsyncClient
    case_id: str

    @property
    def csrf(self) -> dict[str, str]:
        return {"x-csrftoken": self.http.cookies["confide_csrf"]}


async def signed_in(url: str, slug: str, sub: str) -> Client:
    http = httpx.AsyncClient(base_url=url, timeout=15)
    await sign_in(http, slug, sub)
    client = Client(slug, http, "")
    created = await http.post(
        f"/t/{slug}/api/enquiries",
        json={
            "contacted_by": "parent",
            "young_person": {"first_name": "Load", "last_name": "Test"},
            "topics": ["Transport"],
            "support_level": 1,
            "consent_not_asked": "A load test's case",
        },
        headers=client.csrf,
    )
    assert created.status_code == 201, created.text
    client.case_id = created.json()["id"]
    return client


@dataclass
class Load:
    clients: list[Client]
    writers_per_client: int = 2
    readers_per_client: int = 1
    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (slug, marker)
    sent: list[tuple[str, str]] = field(default_factory=list)
    unresolved: list[tuple[str, str]] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> None:
        for client in self.clients:
            for _ in range(self.writers_per_client):
                self._tasks.append(asyncio.create_task(self._writer(client)))
            for _ in range(self.readers_per_client):
                self._tasks.append(asyncio.create_task(self._reader(client)))

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        self._tasks.clear()

    async def _send(self, kind: str, call: Any) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response: httpx.Response = await call
        except httpx.TransportError:
            self.outcomes.append(Outcome(started, time.monotonic() - started, kind, None))
            return None
        self.outcomes.append(
            Outcome(
                started,
                time.monotonic() - started,
                kind,
                response.status_code,
                response.headers.get("retry-after"),
            )
        )
        return response

    async def _writer(self, client: Client) -> None:
        while not self._stop.is_set():
            marker = uuid.uuid4().hex
            key = uuid.uuid4().hex
            self.sent.append((client.slug, marker))
            give_up = None
            while True:
                response = await self._send(
                    "write",
                    client.http.post(
                        f"/t/{client.slug}/api/cases/{client.case_id}/notes",
                        json={"body": f"{MARK} {marker}"},
                        headers={**client.csrf, "idempotency-key": key},
                    ),
                )
                if response is not None and response.status_code < 500:
                    if response.status_code == 201:
                        self.acknowledged.append((client.slug, marker))
                    break
                if self._stop.is_set():
                    give_up = give_up or time.monotonic() + 20
                    if time.monotonic() > give_up:
                        self.unresolved.append((client.slug, marker))
                        break
                await asyncio.sleep(0.2)
            await asyncio.sleep(0.05)

    async def _reader(self, client: Client) -> None:
        while not self._stop.is_set():
            response = await self._send(
                "read", client.http.get(f"/t/{client.slug}/api/cases/{client.case_id}")
            )
            await asyncio.sleep(0.1 if response is not None else 0.2)

    # The report

    def between(self, start: float, end: float) -> list[Outcome]:
        return [o for o in self.outcomes if start <= o.at < end]

    def recovery(self, back: float) -> float:
        """Seconds from ``back`` (the dependency restored) until every request succeeded."""
        failed = [o.at + o.took for o in self.outcomes if o.at >= back and not _ok(o)]
        return round(max(failed) - back, 2) if failed else 0.0

    def report(self, start: float, back: float, end: float) -> dict[str, Any]:
        during = self.between(start, back)
        return {
            "during": statuses(during),
            "during_slowest_s": round(max((o.took for o in during), default=0), 2),
            "after": statuses(self.between(back, end)),
            "recovered_in_s": self.recovery(back),
            "acknowledged_writes": len(self.acknowledged),
            "unresolved_writes": len(self.unresolved),
        }


def _ok(outcome: Outcome) -> bool:
    return outcome.status is not None and outcome.status < 400


def statuses(outcomes: Iterable[Outcome]) -> dict[str, int]:
    return dict(Counter(str(o.status or "no answer") for o in outcomes))


async def notes_by_marker(stack: Any) -> Counter[str]:
    rows = await stack.sql(
        "SELECT body FROM case_notes WHERE body LIKE $1", f"{MARK} %", tenant=None
    )
    return Counter(row["body"].split(" ", 1)[1] for row in rows)
