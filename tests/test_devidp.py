"""The development OpenID provider, driven over real HTTP as a relying party would."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from click.testing import CliRunner
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from confide.platform.devidp import DEMO_USERS, dev_idp, run_in_thread
from tests.helpers.html import parse

CLIENT_ID = "confide-test"
REDIRECT_URI = "http://127.0.0.1:8000/t/northmoor/auth/callback"


@pytest.fixture(scope="module")
def idp() -> Iterator[str]:
    with run_in_thread() as base_url:
        yield base_url


@pytest.fixture
def http(idp: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=idp, timeout=10) as client:
        yield client


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _authorization_params(**overrides: str | None) -> dict[str, str]:
    """A full authorization request; an override of ``None`` leaves that parameter out."""
    verifier = secrets.token_urlsafe(48)
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email",
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
        "code_verifier": verifier,  # kept here for the token request, not sent
        **overrides,
    }
    return {key: value for key, value in params.items() if value is not None}


def _authorize(http: httpx.Client, params: dict[str, str], sub: str) -> dict[str, list[str]]:
    """Sign in as ``sub`` on the sign-in page; the query of the redirect back to the client."""
    query = {key: value for key, value in params.items() if key != "code_verifier"}
    page = http.get("/oauth2/authorize", params=query)
    assert page.status_code == 200, page.text
    # The page's forms have no action: the browser posts back to the same URL.
    signed_in = http.post("/oauth2/authorize", params=query, data={"sub": sub})
    assert signed_in.status_code == 302
    location = urlsplit(signed_in.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return parse_qs(location.query)


def _token(http: httpx.Client, code: str, verifier: str | None) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    if verifier is not None:
        form["code_verifier"] = verifier
    return http.post("/oauth2/token", data=form, auth=(CLIENT_ID, "any-secret"))


def _error_redirect(http: httpx.Client, params: dict[str, str]) -> dict[str, list[str]]:
    query = {key: value for key, value in params.items() if key != "code_verifier"}
    response = http.get("/oauth2/authorize", params=query)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return parse_qs(location.query)


def test_demo_users_cover_every_role_in_both_demo_tenants() -> None:
    assert len({user.sub for user in DEMO_USERS}) == len(DEMO_USERS)
    for tenant in ("northmoor", "eastdale"):
        groups = Counter(
            group for user in DEMO_USERS if user.tenant_slug == tenant for group in user.groups
        )
        assert groups == {
            f"{tenant}-caseworkers": 2,
            f"{tenant}-managers": 1,
            f"{tenant}-admins": 1,
            f"{tenant}-other": 1,
        }
    assert {user.tenant_slug for user in DEMO_USERS} == {"northmoor", "eastdale"}


def test_discovery_document(http: httpx.Client, idp: str) -> None:
    document = http.get("/.well-known/openid-configuration").json()
    assert document["issuer"] == idp
    assert document["authorization_endpoint"] == f"{idp}/oauth2/authorize"
    assert document["token_endpoint"] == f"{idp}/oauth2/token"
    assert document["jwks_uri"] == f"{idp}/jwks"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["response_types_supported"] == ["code"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert "groups" in document["claims_supported"]


def test_the_issuer_is_the_host_the_provider_is_reached_at(http: httpx.Client) -> None:
    document = http.get(
        "/.well-known/openid-configuration", headers={"host": "idp.example:8001"}
    ).json()
    assert document["issuer"] == "http://idp.example:8001"
    assert document["token_endpoint"] == "http://idp.example:8001/oauth2/token"


def test_sign_in_page_lists_demo_users_by_tenant_and_says_it_is_for_development(
    http: httpx.Client,
) -> None:
    query = {key: value for key, value in _authorization_params().items() if key != "code_verifier"}
    page = http.get("/oauth2/authorize", params=query)
    assert page.status_code == 200
    html = page.text
    assert "Development sign-in only" in html
    assert "not a real identity provider" in html
    document = parse(html)
    offered = [b.get("value") for b in document.select("button[name=sub], input[name=sub]")]
    for user in DEMO_USERS:
        assert user.sub in offered
        assert user.name in html
        assert user.note in html
    assert html.index("Aisha Rahman") < html.index("Eastdale") < html.index("Priya Nair")
    assert document.select("[name=action][value=deny]")
    assert document.one("input#sub[type=text][name=sub]")
    assert "cdn." not in html


def test_full_authorization_code_exchange_gives_a_valid_id_token(
    http: httpx.Client, idp: str
) -> None:
    user = next(u for u in DEMO_USERS if u.sub == "eastdale-manager")
    discovery = http.get("/.well-known/openid-configuration").json()
    params = _authorization_params()

    back = _authorize(http, params, user.sub)
    assert back["state"] == [params["state"]]
    token = _token(http, back["code"][0], params["code_verifier"])
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["token_type"] == "Bearer"

    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"]).json())
    id_token = jwt.decode(body["id_token"], keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": CLIENT_ID},
        sub={"essential": True, "value": user.sub},
        nonce={"essential": True, "value": params["nonce"]},
        exp={"essential": True},
        iat={"essential": True},
    ).validate(id_token.claims)
    claims: dict[str, Any] = id_token.claims
    assert claims["iss"] == idp
    assert claims["groups"] == ["eastdale-managers"]
    assert claims["name"] == user.name
    assert claims["email"] == user.email
    assert claims["exp"] - claims["iat"] == 3600

    userinfo = http.get("/userinfo", headers={"authorization": f"Bearer {body['access_token']}"})
    assert userinfo.json()["groups"] == ["eastdale-managers"]

    # The code is single-use.
    assert _token(http, back["code"][0], params["code_verifier"]).status_code == 400


def test_an_id_token_from_another_provider_fails_signature_validation(http: httpx.Client) -> None:
    params = _authorization_params()
    back = _authorize(http, params, "northmoor-cw-1")
    id_token = _token(http, back["code"][0], params["code_verifier"]).json()["id_token"]
    with run_in_thread() as other:
        other_keys = KeySet.import_key_set(httpx.get(f"{other}/jwks").json())
    with pytest.raises(BadSignatureError):
        jwt.decode(id_token, other_keys, algorithms=["RS256"])


@pytest.mark.parametrize(
    "verifier", [None, "wrong", "x" * 43], ids=["missing", "malformed", "another-verifier"]
)
def test_the_token_request_needs_the_matching_code_verifier(
    http: httpx.Client, verifier: str | None
) -> None:
    params = _authorization_params()
    back = _authorize(http, params, "northmoor-cw-2")
    refused = _token(http, back["code"][0], verifier)
    assert refused.status_code == 400
    assert refused.json()["error"] in {"invalid_request", "invalid_grant"}
    assert "id_token" not in refused.json()


@pytest.mark.parametrize(
    "overrides",
    [
        {"code_challenge": None, "code_challenge_method": None},
        {"code_challenge_method": None},
        {"code_challenge_method": "plain"},
    ],
    ids=["no-challenge", "no-method", "plain"],
)
def test_an_authorization_request_without_an_s256_challenge_fails(
    http: httpx.Client, overrides: dict[str, str | None]
) -> None:
    back = _error_redirect(http, _authorization_params(**overrides))
    assert back["error"] == ["invalid_request"]
    assert "code" not in back


def test_an_authorization_request_without_nonce_fails(http: httpx.Client) -> None:
    back = _error_redirect(http, _authorization_params(nonce=None))
    assert back["error"] == ["invalid_request"]
    assert "code" not in back


def test_a_nonce_is_accepted_once(http: httpx.Client) -> None:
    params = _authorization_params()
    _authorize(http, params, "northmoor-admin")
    again = _authorization_params(nonce=params["nonce"])
    back = _error_redirect(http, again)
    assert back["error"] == ["invalid_request"]


def test_deny_returns_access_denied_to_the_client(http: httpx.Client) -> None:
    params = _authorization_params()
    query = {key: value for key, value in params.items() if key != "code_verifier"}
    denied = http.post("/oauth2/authorize", params=query, data={"action": "deny"})
    assert denied.status_code == 302
    back = parse_qs(urlsplit(denied.headers["location"]).query)
    assert back["error"] == ["access_denied"]
    assert back["state"] == [params["state"]]


def test_dev_idp_command_offers_host_and_port() -> None:
    result = CliRunner().invoke(dev_idp, ["--help"])
    assert result.exit_code == 0
    assert "--host" in result.output
    assert "--port" in result.output
