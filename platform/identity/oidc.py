"""The OpenID Connect relying party: authorization request, code exchange, ID token checks.

Authlib builds the authorization request (with PKCE) and makes the token
request; joserfc verifies the ID token. Every check has a reason code, so a
failed sign-in is audited with why, and the person sees a plain error page.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import KeySet

from confide.tenants.sso.discovery import DiscoveryError, ProviderMetadata, signing_keys

CLOCK_SKEW = 120  # seconds of tolerated clock difference with the provider
ALLOWED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)
KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC"}  # an allowed algorithm's key type


class SignInRejected(Exception):
    """The sign-in cannot go on; ``reason`` is a short code for the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


def _client(
    client_id: str, secret: str | None, scopes: str, redirect_uri: str, metadata: ProviderMetadata
) -> AsyncOAuth2Client:
    methods = metadata.token_auth_methods
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return AsyncOAuth2Client(
        client_id=client_id,
        client_secret=secret,
        scope=scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=method,
        timeout=10.0,
    )


def authorization_request(
    *,
    metadata: ProviderMetadata,
    client_id: str,
    scopes: str,
    redirect_uri: str,
    state: str,
    nonce: str,
    code_verifier: str,
) -> AuthorizationRequest:
    """Where to send the browser: authorization code flow with PKCE, state and nonce."""
    client = _client(client_id, None, scopes, redirect_uri, metadata)
    url, _ = client.create_authorization_url(
        metadata.authorization_endpoint, state=state, code_verifier=code_verifier, nonce=nonce
    )
    return AuthorizationRequest(url, state, nonce, code_verifier)


async def exchange_code(
    *,
    metadata: ProviderMetadata,
    client_id: str,
    client_secret: str,
    scopes: str,
    redirect_uri: str,
    code: str,
    code_verifier: str,
) -> str:
    """Trade the code for tokens at the token endpoint; returns the raw ID token."""
    async with _client(client_id, client_secret, scopes, redirect_uri, metadata) as client:
        try:
            token = await client.fetch_token(
                metadata.token_endpoint, code=code, code_verifier=code_verifier
            )
        except Exception:  # the provider refused, or answered nonsense
            raise SignInRejected("token_request_failed") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRejected("no_id_token")
    return id_token


def _header(id_token: str) -> dict[str, Any]:
    try:
        segment = id_token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, IndexError):
        raise SignInRejected("malformed_token") from None
    if not isinstance(header, dict):
        raise SignInRejected("malformed_token")
    return header


async def _key_set(metadata: ProviderMetadata, kid: str | None, *, refresh: bool) -> KeySet:
    try:
        keys = KeySet.import_key_set(
            await signing_keys(metadata.jwks_uri, refresh=refresh)  # type: ignore[arg-type]
        )
        if not refresh and kid and not _named(keys, kid):
            # An unknown key id: the provider may have rotated its keys.
            keys = KeySet.import_key_set(
                await signing_keys(metadata.jwks_uri, refresh=True)  # type: ignore[arg-type]
            )
    except (DiscoveryError, JoseError, ValueError):
        raise SignInRejected("keys_unavailable") from None
    if kid and not _named(keys, kid):
        raise SignInRejected("unknown_key")
    return keys


def _named(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys)


def _decode(id_token: str, keys: KeySet, kid: str | None, algorithm: str) -> dict[str, Any]:
    """The claims, if one of the provider's signing keys verifies the token.

    With a key id, that key; without one, each signing key of the algorithm's
    type in turn (a provider naming no key id may still publish two while it
    rotates). Raises ``JoseError`` when none verifies.
    """
    if kid:
        candidates = [keys.get_by_kid(kid)]
    else:
        key_type = KEY_TYPES[algorithm[:2]]
        candidates = [
            key for key in keys if key.key_type == key_type and key.get("use") in (None, "sig")
        ]
    failure: JoseError = BadSignatureError()
    for key in candidates:
        try:
            return dict(jwt.decode(id_token, key, algorithms=[algorithm]).claims)
        except JoseError as error:
            failure = error
    raise failure


async def _verified_claims(
    id_token: str, metadata: ProviderMetadata, kid: str | None, algorithm: str
) -> dict[str, Any]:
    """Check the signature; on a failure, look at the provider's keys once more.

    A provider may rotate its key under the same key id, or name none, so a
    failure against the cached set is retried once against a fresh one
    (``signing_keys`` rate-limits that fetch per provider).
    """
    try:
        return _decode(id_token, await _key_set(metadata, kid, refresh=False), kid, algorithm)
    except JoseError:
        pass
    try:
        return _decode(id_token, await _key_set(metadata, kid, refresh=True), kid, algorithm)
    except JoseError:
        raise SignInRejected("bad_signature") from None


async def validate_id_token(
    id_token: str,
    *,
    metadata: ProviderMetadata,
    issuer: str,
    client_id: str,
    nonce: str,
    now: float | None = None,
) -> dict[str, Any]:
    """Verify signature, issuer, audience, expiry and nonce; return the claims."""
    header = _header(id_token)
    algorithm = header.get("alg")
    if algorithm not in ALLOWED_ALGORITHMS or algorithm not in metadata.signing_algs:
        raise SignInRejected("algorithm_not_allowed")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    claims = await _verified_claims(id_token, metadata, kid, algorithm)
    now = time.time() if now is None else now
    if claims.get("iss") != issuer:
        raise SignInRejected("wrong_issuer")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or client_id not in audiences:
        raise SignInRejected("wrong_audience")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise SignInRejected("wrong_audience")
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or now > expires + CLOCK_SKEW:
        raise SignInRejected("expired")
    issued = claims.get("iat")
    if isinstance(issued, int | float) and issued > now + CLOCK_SKEW:
        raise SignInRejected("issued_in_future")
    if claims.get("nonce") != nonce:
        raise SignInRejected("wrong_nonce")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SignInRejected("no_subject")
    return dict(claims)


def groups_from(claims: dict[str, Any], claim: str) -> list[str]:
    """Group values from the configured claim.

    Entra ID replaces the groups claim by ``_claim_names`` when a user is in
    too many groups (overage); that user gets no groups here, and the admin
    should assign groups to the application so the claim stays small.
    """
    value = claims.get(claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def has_group_overage(claims: dict[str, Any], claim: str) -> bool:
    names = claims.get("_claim_names")
    return isinstance(names, dict) and claim in names
