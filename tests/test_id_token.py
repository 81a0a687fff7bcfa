"""Every check on the ID token, against a provider whose keys we hold.

The provider here is a small real HTTP server publishing a JSON Web Key Set,
so the relying party fetches keys exactly as in production; the tokens are
minted with joserfc, good and bad.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from confide.platform.identity.oidc import SignInRejected, validate_id_token
from confide.tenants.sso.discovery import ProviderMetadata

CLIENT = "confide-northmoor"
NONCE = "n-0S6_WzA2Mj"


class _Keys:
    current = RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig"})
    published: list[RSAKey] = [current]


@pytest.fixture(scope="module")
def provider() -> Iterator[ProviderMetadata]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(KeySet(list(_Keys.published)).as_dict(private=False)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    yield ProviderMetadata(
        issuer=base,
        authorization_endpoint=f"{base}/authorize",
        token_endpoint=f"{base}/token",
        jwks_uri=f"{base}/jwks-{time.time_ns()}",
        end_session_endpoint=None,
        token_auth_methods=("client_secret_basic",),
        signing_algs=("RS256",),
    )
    server.shutdown()


def _token(provider: ProviderMetadata, key: RSAKey | None = None, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": CLIENT,
        "sub": "northmoor-cw-1",
        "exp": now + 600,
        "iat": now,
        "nonce": NONCE,
        **overrides,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    signing = key or _Keys.current
    return jwt.encode({"alg": "RS256", "kid": signing.kid}, claims, signing)


async def _validate(provider: ProviderMetadata, token: str, nonce: str = NONCE) -> dict[str, Any]:
    return await validate_id_token(
        token, metadata=provider, issuer=provider.issuer, client_id=CLIENT, nonce=nonce
    )


async def test_a_good_token_passes(provider: ProviderMetadata) -> None:
    claims = await _validate(provider, _token(provider))
    assert claims["sub"] == "northmoor-cw-1"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iss": "https://evil.example"}, "wrong_issuer"),
        ({"aud": "confide-eastdale"}, "wrong_audience"),
        ({"aud": ["confide-eastdale", CLIENT], "azp": "confide-eastdale"}, "wrong_audience"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"iat": int(time.time()) + 3600}, "issued_in_future"),
        ({"nonce": "someone-elses"}, "wrong_nonce"),
        ({"nonce": None}, "wrong_nonce"),
        ({"sub": ""}, "no_subject"),
    ],
)
async def test_each_claim_check_rejects(
    provider: ProviderMetadata, overrides: dict[str, Any], reason: str
) -> None:
    with pytest.raises(SignInRejected) as rejected:
        await _validate(provider, _token(provider, **overrides))
    assert rejected.value.reason == reason


async def test_a_signature_by_another_key_with_a_known_key_id_is_rejected(
    provider: ProviderMetadata,
) -> None:
    forger = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
    with pytest.raises(SignInRejected) as rejected:
        await _validate(provider, _token(provider, key=forger))
    assert rejected.value.reason == "bad_signature"


async def test_a_tampered_payload_is_rejected(provider: ProviderMetadata) -> None:
    header, payload, signature = _token(provider).split(".")
    other = _token(provider, sub="northmoor-manager").split(".")[1]
    with pytest.raises(SignInRejected) as rejected:
        await _validate(provider, f"{header}.{other}.{signature}")
    assert rejected.value.reason == "bad_signature"
    assert payload != other


async def test_unsigned_tokens_are_refused(provider: ProviderMetadata) -> None:
    unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."
    with pytest.raises(SignInRejected) as rejected:
        await _validate(provider, unsigned)
    assert rejected.value.reason == "algorithm_not_allowed"


async def test_key_rotation_is_followed_and_unknown_keys_refused(
    provider: ProviderMetadata,
) -> None:
    await _validate(provider, _token(provider))  # caches key-1
    rotated = RSAKey.generate_key(2048, parameters={"kid": "key-2", "use": "sig"})
    _Keys.published = [_Keys.current, rotated]
    import confide.tenants.sso.discovery as discovery

    discovery._jwks[provider.jwks_uri].fetched -= 60  # past the refetch floor
    claims = await _validate(provider, _token(provider, key=rotated))
    assert claims["sub"] == "northmoor-cw-1"

    stranger = RSAKey.generate_key(2048, parameters={"kid": "key-9"})
    with pytest.raises(SignInRejected) as rejected:
        await _validate(provider, _token(provider, key=stranger))
    assert rejected.value.reason == "unknown_key"
