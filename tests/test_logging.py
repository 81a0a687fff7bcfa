"""Log lines carry ids, never personal data, whatever a request contains."""

from __future__ import annotations

import json

import httpx
import pytest

NAME = "Jasmine Okonkwo-Bright"
BIRTH = "2011-03-14"
NOTE = "Mum says the school excluded her twice"


async def test_personal_data_in_a_request_never_reaches_the_log(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    params = {"name": NAME, "dob": BIRTH}
    await client.get("/t/alpha/", params=params, headers={"X-Request-ID": "req-12345678"})
    await client.get("/t/alpha/api/housekeeping/heartbeats", params={"limit": NAME})
    await client.post("/t/alpha/api/housekeeping/heartbeats", data={"note": NOTE, "name": NAME})
    await client.get(f"/t/alpha/people/{NAME}", params=params)
    await client.get(f"/t/{NAME.split()[0].lower()}/", params=params)
    out = capsys.readouterr().out

    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(lines) >= 5
    for fragment in (NAME, *NAME.split(), BIRTH, NOTE, "excluded", "Jasmine"):
        assert fragment not in out, f"{fragment!r} reached the log"

    first = next(line for line in lines if line.get("request_id") == "req-12345678")
    assert first["event"] == "request"
    assert first["tenant"] == "alpha"
    assert first["route"] == "/t/{tenant_slug}"
    assert first["status"] == 200
    assert all("request_id" in line for line in lines)


async def test_a_server_error_is_logged_by_type_not_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from litestar import Litestar, get

    from confide.frontend.errors import server_error
    from tests.conftest import http_client

    @get("/explode")
    async def explode() -> None:
        raise ValueError(f"duplicate key (name)=({NAME})")

    app = Litestar([explode], exception_handlers={Exception: server_error}, logging_config=None)
    async with http_client(app) as http:
        capsys.readouterr()
        response = await http.get("/explode")
    out = capsys.readouterr().out
    assert response.status_code == 500
    assert NAME not in out
    assert NAME not in response.text
    error = next(json.loads(line) for line in out.splitlines() if "unhandled_error" in line)
    assert error["error"] == "ValueError"


def test_library_exceptions_are_logged_without_their_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    capsys.readouterr()
    try:
        raise KeyError(f"no record for {NAME}, born {BIRTH}")
    except KeyError:
        logging.getLogger("some.library").exception("lookup failed")
    out = capsys.readouterr().out
    line = json.loads(out.strip().splitlines()[-1])
    assert line["error"] == "KeyError"
    assert line["frames"]
    assert NAME not in out
    assert BIRTH not in out
