"""A tenant admin sets the service's identity provider; mistakes come back clearly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest

from tests.helpers.html import error_summary, form_values, parse
from tests.helpers.http import csrf_token, http_client
from tests.helpers.signin import sign_in
from tests.helpers.tenants import TenantRef


@pytest.fixture(scope="module")
def not_a_provider() -> Iterator[str]:
    """An HTTP server that answers JSON, but not an OpenID discovery document."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"hello": "world"}')

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _form(page: str) -> dict[str, str]:
    """The form's current values, as a browser would submit them unchanged."""
    shown = form_values(page)
    fields: dict[str, str] = {}
    for name in (
        "issuer",
        "client_id",
        "scopes",
        "groups_claim",
        "allowed_email_domains",
        "groups_caseworker",
        "groups_manager",
        "groups_admin",
    ):
        fields[name] = shown.get(name, "")
    fields["_csrf_token"] = csrf_token(page)
    return fields


async def test_the_form_shows_the_settings_but_never_the_secret(
    gareth: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    dev_idp: str,
) -> None:
    page = (await gareth.get("/t/northmoor/admin/sso")).text
    form = _form(page)
    assert form["issuer"] == dev_idp
    assert form["client_id"] == "confide-northmoor"
    assert "northmoor-caseworkers" in form["groups_caseworker"]
    assert "A secret is saved" in page
    shown = parse(page)
    assert shown.one("code[data-testid=redirect-uri]").text == (
        "http://testserver/t/northmoor/auth/callback"
    )
    assert shown.one("code[data-testid=post-sign-out-uri]").text == "http://testserver/t/northmoor/"
    async with owner_conn.transaction():
        await owner_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["northmoor"].id)
        )
        stored = await owner_conn.fetchval("SELECT client_secret_encrypted FROM sso_providers")
    assert stored.startswith("gAAAA"), "the secret is not Fernet-encrypted"
    assert stored not in page


@pytest.mark.parametrize(
    ("issuer", "message"),
    [
        ("http://127.0.0.1:1", "could not reach"),
        ("http://idp.example.org", "must use https"),
        ("not a url", "must be a full URL"),
    ],
)
async def test_bad_issuers_are_explained(
    gareth: httpx.AsyncClient, issuer: str, message: str
) -> None:
    form = _form((await gareth.get("/t/northmoor/admin/sso")).text)
    response = await gareth.post("/t/northmoor/admin/sso", data={**form, "issuer": issuer})
    assert response.status_code == 400
    assert message in " ".join(m for _, m in error_summary(response))


async def test_a_server_that_is_not_an_openid_provider_is_explained(
    gareth: httpx.AsyncClient, not_a_provider: str
) -> None:
    form = _form((await gareth.get("/t/northmoor/admin/sso")).text)
    response = await gareth.post("/t/northmoor/admin/sso", data={**form, "issuer": not_a_provider})
    assert response.status_code == 400
    assert "not an OpenID provider" in response.text


async def test_an_issuer_that_calls_itself_something_else_is_explained(
    gareth: httpx.AsyncClient, dev_idp: str
) -> None:
    form = _form((await gareth.get("/t/northmoor/admin/sso")).text)
    response = await gareth.post("/t/northmoor/admin/sso", data={**form, "issuer": dev_idp + "/"})
    assert response.status_code == 400
    assert "issuer mismatch" in response.text


async def test_missing_fields_are_each_named_and_nothing_is_lost(gareth: httpx.AsyncClient) -> None:
    form = _form((await gareth.get("/t/northmoor/admin/sso")).text)
    bad = {
        **form,
        "client_id": "",
        "groups_caseworker": "",
        "groups_manager": "",
        "groups_admin": "",
        "scopes": "profile",
    }
    response = await gareth.post("/t/northmoor/admin/sso", data=bad)
    assert response.status_code == 400
    for message in (
        "Enter the client ID",
        "Map at least one group",
        "Scopes must include openid",
    ):
        assert message in response.text
    kept = form_values(response)
    assert kept["issuer"] == form["issuer"], "the admin's input was lost"
    unchanged = _form((await gareth.get("/t/northmoor/admin/sso")).text)
    assert unchanged["client_id"] == "confide-northmoor"


async def test_saving_is_audited_without_the_secret_and_sign_in_still_works(
    gareth: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    app: Any,
) -> None:
    form = _form((await gareth.get("/t/northmoor/admin/sso")).text)
    secret = "a-brand-new-client-secret-4711"
    saved = await gareth.post("/t/northmoor/admin/sso", data={**form, "client_secret": secret})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/t/northmoor/admin/sso?saved=true"
    page = (await gareth.get(saved.headers["location"])).text
    assert parse(page).select("[data-testid=saved]")
    assert secret not in page
    async with owner_conn.transaction():
        await owner_conn.execute(
            "SELECT set_config('app.tenant_id', $1, true)", str(tenants["northmoor"].id)
        )
        entry = await owner_conn.fetchrow(
            "SELECT actor_kind, detail::text AS detail FROM audit_entries"
            " WHERE action = 'sso_changed' ORDER BY seq DESC LIMIT 1"
        )
    assert entry["actor_kind"] == "staff"
    assert json.loads(entry["detail"])["secret_changed"] is True
    assert secret not in entry["detail"]
    async with http_client(app) as browser:
        assert (await sign_in(browser, "northmoor", "northmoor-cw-1")).status_code == 303


def _create(args: list[str], secret: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "confide.platform.cli", "tenants", "create", *args],
        input=secret + "\n",
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
    )


async def test_a_tenant_is_provisioned_with_its_sign_in_in_one_command(
    dev_idp: str, client: httpx.AsyncClient
) -> None:
    made = _create(
        [
            "zeta",
            "--name",
            "Zetaford SENDIASS",
            "--sso-issuer",
            dev_idp,
            "--sso-client-id",
            "zeta-client",
            "--sso-client-secret-stdin",
            "--sso-role",
            "zeta-caseworkers=caseworker",
            "--sso-role",
            "zeta-admins=tenant_admin",
        ],
        "zeta-secret",
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("created tenant zeta")
    assert "with sign-in" in made.stdout
    start = await client.get("/t/zeta/login")
    assert start.status_code == 303
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["client_id"] == ["zeta-client"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"]
    assert query["state"]

    refused = _create(
        [
            "eta",
            "--name",
            "Eta",
            "--sso-issuer",
            "http://127.0.0.1:1",
            "--sso-client-id",
            "x",
            "--sso-client-secret-stdin",
            "--sso-role",
            "g=manager",
        ],
        "s",
    )
    assert refused.returncode == 2
    assert "could not reach" in refused.stderr
    assert (await client.get("/t/eta/")).status_code == 404, "a half-provisioned tenant exists"
