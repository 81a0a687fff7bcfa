"""A request's context (its transaction, its tenant) ends with it, on a real server.

uvicorn stops reading a connection whose unread body passes 64 KB and starts again
from inside the request, when the app drains the body; asyncio then keeps the
context of that moment for every later read on the connection. So the test sends
one large body for one tenant, then requests for another tenant and the first,
all on one keep-alive TCP connection to a real ``confide serve``.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.tenants import TenantRef
from tests.personas import sign_in_as
from tests.served import Served, serving


@pytest.fixture(scope="module")
def server(database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("served") / "server.log") as served:
        yield served


@pytest.fixture
async def signed_in(
    server: Served, pool: None, tenants: dict[str, TenantRef], dev_idp: str
) -> AsyncIterator[httpx.AsyncClient]:
    """Aisha, signed in at the served app (her session written into the shared store)."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        await sign_in_as(http, "aisha", tenants, dev_idp)
        yield http


async def _new_case(http: httpx.AsyncClient) -> str:
    body = {
        "contacted_by": "parent",
        "young_person": {"first_name": "Kit", "last_name": "Marlow"},
        "topics": ["Transport"],
        "support_level": 1,
        "consent_not_asked": "Asked on the next call",
    }
    created = await http.post(
        "/t/northmoor/api/enquiries",
        json=body,
        headers={"x-csrftoken": http.cookies["confide_csrf"]},
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _request(
    conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, bytes]:
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


async def test_a_large_body_leaves_nothing_behind_on_its_connection(
    server: Served, signed_in: httpx.AsyncClient
) -> None:
    case_id = await _new_case(signed_in)
    cookies = "; ".join(f"{name}={value}" for name, value in signed_in.cookies.items())
    headers = {"cookie": cookies, "x-csrftoken": signed_in.cookies["confide_csrf"]}
    note = json.dumps({"body": "\U0001f600" * 19_000}, ensure_ascii=False).encode()
    assert len(note) > 70_000

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        status, text = _request(
            conn,
            "POST",
            f"/t/northmoor/api/cases/{case_id}/notes",
            {**headers, "content-type": "application/json"},
            note,
        )
        assert status == 201, text[:300]
        assert conn.sock is not None
        local = conn.sock.getsockname()
        answers = [
            _request(conn, "GET", "/t/eastdale/", {}, b""),
            _request(conn, "GET", f"/t/northmoor/api/cases/{case_id}", headers, b""),
            _request(conn, "GET", "/t/eastdale/login", {}, b""),
        ]
        assert conn.sock is not None
        assert conn.sock.getsockname() == local, "the requests went over a new connection"
    finally:
        conn.close()
    assert [status for status, _ in answers] == [200, 200, 303], [t[:200] for _, t in answers]
    assert json.loads(answers[1][1])["id"] == case_id


def test_the_server_log_has_no_error(server: Served) -> None:
    lines = [json.loads(x) for x in Path(server.log).read_text().splitlines() if x.startswith("{")]
    assert not [x for x in lines if x.get("level") == "error"], "an error was logged"
