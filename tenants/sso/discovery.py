"""OpenID discovery and signing keys of a tenant's provider, cached in the process.

An issuer must be HTTPS, except on loopback where the development provider
runs. The discovery document's ``issuer`` must equal the configured issuer
exactly (OpenID Connect Discovery 1.0, section 4.3): this is what ties a
tenant to its own provider.

Signing keys are kept as long as the JWKS response's ``Cache-Control:
max-age`` says (at least ``JWKS_MIN_REFETCH``, at most a day; an hour without
one). The relying party asks for a fresh copy at once when a token names a key
id we have not seen, or its signature fails (a provider may rotate its key
under the same id, or name none); whatever the reason, a provider's keys are
fetched at most once per ``JWKS_MIN_REFETCH``, so bogus tokens cannot make us
hammer it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

import httpx

DISCOVERY_TTL = 3600.0
JWKS_MIN_REFETCH = 30.0  # seconds between two fetches of one provider's keys, at least
JWKS_DEFAULT_TTL = 3600.0  # how long keys are kept when the provider sends no max-age
JWKS_MAX_TTL = 86400.0  # and at most, whatever max-age says
TIMEOUT = httpx.Timeout(5.0)


class DiscoveryError(Exception):
    """The provider cannot be used; the message says why, for an admin to act on."""


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    token_auth_methods: tuple[str, ...]
    signing_algs: tuple[str, ...]


@dataclass(slots=True)
class _CachedKeys:
    document: dict[str, Any]
    fresh_until: float
    fetched: float  # the last fetch begun, whether it worked or not


_metadata: dict[str, tuple[float, ProviderMetadata]] = {}
_jwks: dict[str, _CachedKeys] = {}


def _now() -> float:
    """The caches' clock (monotonic seconds)."""
    return time.monotonic()


def check_issuer_url(issuer: str) -> str:
    """The issuer as given, if it is an absolute https URL (or http on loopback)."""
    parts = urlsplit(issuer)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise DiscoveryError("the issuer must be a full URL such as https://login.example.com/")
    if parts.query or parts.fragment:
        raise DiscoveryError("the issuer must not have a query or fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise DiscoveryError("the issuer must use https")
    return issuer


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address: plain http is allowed only there."""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


async def _get_json(url: str) -> tuple[Any, httpx.Headers]:
    """The JSON body of a GET, and the response's headers."""
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
            response = await client.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as error:
        raise DiscoveryError(f"could not reach {url}: {type(error).__name__}") from None
    if response.status_code != 200:
        raise DiscoveryError(f"{url} answered {response.status_code}, not 200")
    try:
        return response.json(), response.headers
    except ValueError:
        raise DiscoveryError(f"{url} did not return JSON: not an OpenID provider") from None


def keys_lifetime(headers: httpx.Headers) -> float:
    """Seconds to keep a key set: ``max-age`` less ``Age``, within the floor and a day."""
    directives = {}
    for part in headers.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        directives[name.lower()] = value.strip().strip('"')
    max_age = directives.get("max-age", "")
    age = headers.get("age", "0").strip()
    if "no-store" in directives or "no-cache" in directives:
        seconds = 0.0
    elif max_age.isdigit():
        seconds = float(max_age) - (float(age) if age.isdigit() else 0.0)
    else:
        seconds = JWKS_DEFAULT_TTL
    return min(max(seconds, JWKS_MIN_REFETCH), JWKS_MAX_TTL)


async def discover(issuer: str, *, fresh: bool = False) -> ProviderMetadata:
    """The provider's metadata, from ``<issuer>/.well-known/openid-configuration``."""
    check_issuer_url(issuer)
    cached = _metadata.get(issuer)
    if cached and not fresh and _now() - cached[0] < DISCOVERY_TTL:
        return cached[1]
    document, _ = await _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if not isinstance(document, dict):
        raise DiscoveryError("the discovery document is not a JSON object: not an OpenID provider")
    required = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    missing = [key for key in required if not isinstance(document.get(key), str)]
    if missing:
        raise DiscoveryError(f"not an OpenID provider: discovery lacks {', '.join(missing)}")
    if document["issuer"] != issuer:
        raise DiscoveryError(
            f"issuer mismatch: the provider calls itself {document['issuer']!r}, "
            f"configured {issuer!r}"
        )
    metadata = ProviderMetadata(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        end_session_endpoint=document.get("end_session_endpoint"),
        token_auth_methods=tuple(
            document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        ),
        signing_algs=tuple(document.get("id_token_signing_alg_values_supported") or ["RS256"]),
    )
    _metadata[issuer] = (_now(), metadata)
    return metadata


async def signing_keys(jwks_uri: str, *, refresh: bool = False) -> dict[str, Any]:
    """The provider's JSON Web Key Set, from the cache while it is fresh.

    ``refresh`` asks for a new copy now (a key id we do not know, a signature
    that does not verify). Either way a provider's keys are fetched at most once
    per ``JWKS_MIN_REFETCH``: inside that, the cached set is the answer.
    """
    now = _now()
    cached = _jwks.get(jwks_uri)
    if cached is not None and (
        (not refresh and now < cached.fresh_until) or now - cached.fetched < JWKS_MIN_REFETCH
    ):
        return cached.document
    if cached is not None:
        cached.fetched = now  # concurrent callers meanwhile take the cached set
    document, headers = await _get_json(jwks_uri)
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise DiscoveryError(f"{jwks_uri} is not a JSON Web Key Set")
    _jwks[jwks_uri] = _CachedKeys(document, now + keys_lifetime(headers), now)
    return document


def forget(issuer: str) -> None:
    """Drop cached metadata (after an admin changes the configuration)."""
    _metadata.pop(issuer, None)
