"""Signing keys that change at the provider: sign-in follows them without a restart.

The provider is a small real OpenID provider on a free port (discovery,
authorize, token with PKCE, JWKS), stopped and started again on the same port
with a new key, as a provider rotating its key is. A tenant of its own signs
in through it, over the whole app. Time passing is the discovery module's
clock moved on, as ``tests/test_operators.py`` moves the session clock.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.helpers.command import confide
from tests.helpers.http import http_client

CLIENT_ID = "confide-rotation"
GROUP = "rotation-caseworkers"
KID = "signing"


@dataclass
class ProviderState:
    """What the provider holds; it survives a restart only where a real one's would."""

    key: RSAKey  # published at the JWKS endpoint, and signs the tokens
    kid_in_tokens: bool = True
    forged_by: RSAKey | None = None  # when set, tokens are signed with it instead
    cache_control: str | None = "max-age=3600"
    jwks_fetches: int = 0
    codes: dict[str, dict[str, str]] = field(default_factory=dict)


class Provider:
    """A minimal real OpenID provider; ``restart`` brings it back on the same port."""

    def __init__(self) -> None:
        self.state = ProviderState(_key())
        self.server = self._serve(0)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"

    def _serve(self, port: int) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return server

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def restart(self, key: RSAKey, *, kid_in_tokens: bool = True) -> None:
        """Down, then up again with a new signing key (pending codes are lost, as they would be)."""
        self.stop()
        self.state = ProviderState(
            key, kid_in_tokens=kid_in_tokens, cache_control=self.state.cache_control
        )
        self.server = self._serve(self.server.server_port)

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "rotation-cw",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "Rotation Caseworker",
            "groups": [GROUP],
        }
        header = {"alg": "RS256", **({"kid": KID} if self.state.kid_in_tokens else {})}
        return jwt.encode(header, claims, self.state.forged_by or self.state.key)


def _key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig"})


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _json(self, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            state = provider.state
            if url.path == "/.well-known/openid-configuration":
                base = provider.issuer
                self._json(
                    {
                        "issuer": base,
                        "authorization_endpoint": f"{base}/authorize",
                        "token_endpoint": f"{base}/token",
                        "jwks_uri": f"{base}/jwks",
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                    }
                )
            elif url.path == "/jwks":
                state.jwks_fetches += 1
                cache = {"Cache-Control": state.cache_control} if state.cache_control else {}
                self._json(KeySet([state.key]).as_dict(private=False), cache)
            elif url.path == "/authorize":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                code = secrets.token_urlsafe(16)
                state.codes[code] = query
                back = urlencode({"code": code, "state": query["state"]})
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{back}")
                self.end_headers()
            else:
                self.send_error(404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            asked = provider.state.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            if asked is None or asked["code_challenge"] != challenge.rstrip(b"=").decode():
                self.send_response(400)
                self.end_headers()
                return
            token = provider.id_token(asked["nonce"])
            self._json({"access_token": "opaque", "token_type": "Bearer", "id_token": token})

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = Provider()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def slug(provider: Provider, database: Any) -> str:
    """A tenant of its own, signing in through the provider (made by the real command)."""
    name = f"rot-{secrets.token_hex(3)}"
    confide(
        "tenants", "create", name, "--name", "Rotation SENDIASS",
        "--sso-issuer", provider.issuer, "--sso-client-id", CLIENT_ID,
        "--sso-client-secret-stdin", "--sso-role", f"{GROUP}=caseworker",
        stdin="any-secret\n",
    )  # fmt: skip
    return name


@pytest.fixture(scope="module")
def clock() -> Iterator[list[float]]:
    """The discovery module's clock, moved on by the tests as time passing would."""
    from confide.tenants.sso import discovery

    now = [time.monotonic()]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(discovery, "_now", lambda: now[0], raising=False)
        yield now


async def _sign_in(app: Any, slug: str) -> httpx.Response:
    async with http_client(app) as browser:
        start = await browser.get(f"/t/{slug}/login")
        assert start.status_code == 303, start.text
        async with httpx.AsyncClient() as outside:
            authorized = await outside.get(start.headers["location"])
        back = urlsplit(authorized.headers["location"])
        return await browser.get(f"{back.path}?{back.query}")


def _signed_in(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"].endswith("/dashboard")


async def test_a_new_key_under_the_same_key_id_is_fetched_after_a_restart(
    app: Any, provider: Provider, slug: str, clock: list[float]
) -> None:
    assert _signed_in(await _sign_in(app, slug))
    provider.restart(_key())  # the same kid, another key; its JWKS says "fresh for an hour"
    clock[0] += 60  # past the refetch floor, well within the cached set's hour
    after = await _sign_in(app, slug)
    assert _signed_in(after), after.text
    assert provider.state.jwks_fetches == 1, "refetched once, on the signature failure"

    provider.restart(_key(), kid_in_tokens=False)  # and tokens that name no key at all
    clock[0] += 60
    assert _signed_in(await _sign_in(app, slug))
    assert provider.state.jwks_fetches == 1


async def test_refetches_after_a_signature_failure_are_rate_limited(
    app: Any, provider: Provider, slug: str, clock: list[float]
) -> None:
    clock[0] += 60
    assert _signed_in(await _sign_in(app, slug))
    provider.state.forged_by = _key()  # the published key's id, another key's signature
    fetches = provider.state.jwks_fetches
    clock[0] += 60
    failures = [await _sign_in(app, slug) for _ in range(4)]
    assert [f.status_code for f in failures] == [400] * 4
    assert provider.state.jwks_fetches == fetches + 1, "one refetch, then the floor holds"
    clock[0] += 31
    assert (await _sign_in(app, slug)).status_code == 400
    assert provider.state.jwks_fetches == fetches + 2
    provider.state.forged_by = None
    assert _signed_in(await _sign_in(app, slug))


@pytest.mark.parametrize(
    ("cache_control", "lifetime"),
    [
        ("max-age=600", 600),
        ("public, max-age=120, must-revalidate", 120),
        ("max-age=999999999", 86400),  # a day at most, whatever the provider says
        ("no-store", 30),  # never more often than the refetch floor
        (None, 3600),  # no max-age: an hour
    ],
)
async def test_the_key_set_is_kept_as_long_as_its_cache_headers_say(
    app: Any,
    provider: Provider,
    slug: str,
    clock: list[float],
    cache_control: str | None,
    lifetime: int,
) -> None:
    provider.state.cache_control = cache_control
    clock[0] += 86401  # whatever was cached has run out
    assert _signed_in(await _sign_in(app, slug))
    fetches = provider.state.jwks_fetches
    clock[0] += lifetime - 5
    assert _signed_in(await _sign_in(app, slug))
    assert provider.state.jwks_fetches == fetches, "fetched again while still fresh"
    clock[0] += 10
    assert _signed_in(await _sign_in(app, slug))
    assert provider.state.jwks_fetches == fetches + 1, "not fetched again once stale"
