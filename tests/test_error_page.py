"""The server-error page gives a reference staff can quote, and the reference finds the
request's log lines."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers.html import parse
from tests.helpers.http import http_client


def _exploding_app() -> Any:
    """Confide's request layer and error handler around routes that fail."""
    from litestar import Litestar, get

    from confide.frontend.errors import server_error
    from confide.frontend.templating import template_config
    from confide.platform.core.logs import configure_logging
    from confide.platform.core.web import RequestLayer

    configure_logging("INFO")

    @get("/explode")
    async def explode() -> None:
        raise ValueError("something in the data")

    @get("/t/x/api/explode")
    async def explode_api() -> None:
        raise ValueError("something in the data")

    return RequestLayer(
        Litestar(
            [explode, explode_api],
            exception_handlers={Exception: server_error},
            template_config=template_config(),
            logging_config=None,
        )
    )


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


async def test_the_error_page_shows_the_reference_its_log_lines_carry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with http_client(_exploding_app()) as http:
        capsys.readouterr()
        page = await http.get("/explode")
        api = await http.get("/t/x/api/explode")
    lines = _lines(capsys.readouterr().out)

    assert page.status_code == 500
    shown = parse(page).first("[data-testid=error-reference]")
    assert shown, "the error page shows no reference"
    reference = shown.text
    assert reference == page.headers["x-request-id"]
    logged = [line for line in lines if line.get("request_id") == reference]
    assert {line["event"] for line in logged} == {"unhandled_error", "request"}
    assert next(line for line in logged if line["event"] == "request")["status"] == 500
    assert next(line for line in logged if line["event"] == "unhandled_error")["error"] == (
        "ValueError"
    )

    assert api.status_code == 500
    assert api.json()["reference"] == api.headers["x-request-id"] != reference
    assert any(
        line["event"] == "unhandled_error" and line.get("request_id") == api.json()["reference"]
        for line in lines
    )
