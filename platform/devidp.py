"""The development OpenID Connect provider: demo staff sign in without the internet.

``confide run`` (the embedded default) and the tests sign staff in through
this provider, over the same login path as production: discovery, the
authorization-code flow with PKCE, and an ID token signed with a key
published at the JWKS endpoint. It is the PyPI package ``oidc-provider-mock``
(a Flask app on Authlib's authorization server), assembled here with:

* the demo users of the two demo tenants preloaded (``DEMO_USERS``), with
  ``name``, ``email`` and ``groups`` claims;
* ``nonce`` required, and each nonce accepted once;
* PKCE required, ``S256`` only: an authorization request without
  ``code_challenge`` (or with ``plain``) fails, and the token request must
  carry the matching ``code_verifier``;
* ID tokens valid for one hour;
* a sign-in page listing the demo users by tenant, marked as a development
  sign-in, with "Deny" and a free-text ``sub`` field kept ("Deny" returns
  ``error=access_denied`` with the request's ``state``, which the package
  alone drops);
* ``code_challenge_methods_supported: ["S256"]`` in the discovery document.

There is no password: anyone who can reach it can sign in as anyone.
Never expose it beyond a development machine or a test run.

The issuer is the request's host URL (``flask.request.host_url``), so it
depends on the host name used to reach the provider: fetched as
``http://127.0.0.1:8001`` the issuer is ``http://127.0.0.1:8001``, fetched as
``http://localhost:8001`` it is ``http://localhost:8001``. The discovery
document and the ID tokens agree as long as the relying party uses one base
URL for discovery and for the token endpoint (it does when it follows the
discovery document), and that base URL is the issuer it must configure for
the tenant. Behind a proxy the ``Host`` header decides.

The package's own ``init_app`` and ``app()`` turn on Flask debug mode and
Werkzeug's interactive debugger (which runs code typed into a browser), and
mount a demo client; ``create_app`` builds the Flask app itself and does
neither.
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import click
import flask
import werkzeug.serving
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7636.challenge import compare_s256_code_challenge

with warnings.catch_warnings():
    # oidc-provider-mock 0.3 still imports authlib.jose: harmless until Authlib 2 (pinned <2).
    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import User
    from oidc_provider_mock import _app as provider
    from oidc_provider_mock._storage import AuthorizationCode, storage

from confide.tenants.roles import StaffRole
from confide.tenants.sso.discovery import is_loopback

__all__ = [
    "DEMO_USERS",
    "DemoUser",
    "create_app",
    "dev_idp",
    "point_tenant_at",
    "run_in_thread",
    "serve",
]

ID_TOKEN_LIFETIME = timedelta(hours=1)
_DISCOVERY_ENDPOINT = f"{provider.blueprint.name}.openid_config"
_AUTHORIZE_ENDPOINT = f"{provider.blueprint.name}.authorize"
_PATCH_LOCK = threading.Lock()


@dataclass(frozen=True)
class DemoUser:
    """A fictional member of staff of a demo tenant."""

    sub: str
    name: str
    email: str
    groups: tuple[str, ...]
    tenant_slug: str
    note: str

    def claims(self) -> dict[str, object]:
        return {"name": self.name, "email": self.email, "groups": list(self.groups)}


def _staff(tenant: str, people: list[tuple[str, str, str, str]]) -> tuple[DemoUser, ...]:
    return tuple(
        DemoUser(
            sub=f"{tenant}-{key}",
            name=name,
            email=f"{name.lower().replace(' ', '.')}@{tenant}.example",
            groups=(f"{tenant}-{group}",),
            tenant_slug=tenant,
            note=note,
        )
        for key, name, group, note in people
    )


DEMO_USERS: tuple[DemoUser, ...] = (
    *_staff(
        "northmoor",
        [
            ("cw-1", "Aisha Rahman", "caseworkers", "Caseworker"),
            ("cw-2", "Tom Hargreaves", "caseworkers", "Caseworker"),
            ("manager", "Fiona MacLeod", "managers", "Service manager"),
            ("admin", "Gareth Pryce", "admins", "Tenant admin"),
            ("other", "Kerry Whitfield", "other", "No mapped group: no role in Confide"),
        ],
    ),
    *_staff(
        "eastdale",
        [
            ("cw-1", "Priya Nair", "caseworkers", "Caseworker"),
            ("cw-2", "Callum Doherty", "caseworkers", "Caseworker"),
            ("manager", "Bronwen Ellis", "managers", "Service manager"),
            ("admin", "Seun Adeyemi", "admins", "Tenant admin"),
            ("other", "Harriet Lowe", "other", "No mapped group: no role in Confide"),
        ],
    ),
)


# --- PKCE, S256 only, required -------------------------------------------------------


class _S256CodeChallenge(CodeChallenge):  # type: ignore[misc]
    """Authlib's PKCE extension, made strict.

    Authlib's ``CodeChallenge(required=True)`` still lets an authorization
    request without ``code_challenge`` through (and then asks a verifier only
    of public clients), and accepts ``plain``. Here every authorization
    request must carry an ``S256`` challenge, so every code has one and its
    token request must carry the matching verifier, whatever the client.
    """

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    CODE_CHALLENGE_METHODS = {"S256": compare_s256_code_challenge}

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': this provider requires PKCE")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be 'S256'")
        super().validate_code_challenge(grant, redirect_uri)


@dataclass(kw_only=True, frozen=True)
class _PkceAuthorizationCode(AuthorizationCode):  # type: ignore[misc]
    """The package's stored code, plus the PKCE challenge it was issued for."""

    code_challenge: str
    code_challenge_method: str


class _PkceAuthorizationCodeGrant(provider.AuthorizationCodeGrant):  # type: ignore[misc]
    """The package's grant, carrying the strict PKCE extension and recording nonces."""

    def __init__(self, request: Any, server: Any) -> None:
        super().__init__(request, server)
        _S256CodeChallenge(required=True)(self)

    def save_authorization_code(self, code: str, request: Any) -> None:
        super().save_authorization_code(code, request)
        data = request.payload.data
        saved = storage.get_authorization_code(code)
        storage.store_authorization_code(
            _PkceAuthorizationCode(
                **dataclasses.asdict(saved),
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
            )
        )
        # The package never records nonces, so Authlib's replay check saw none.
        if saved.nonce:
            storage.add_nonce(saved.nonce)


# --- The Flask app -------------------------------------------------------------------


def create_app() -> flask.Flask:
    """The development provider as a Flask (WSGI) app, with its own keys and storage."""
    # Templates in ``devidp_templates/`` (the app's own folder) override the
    # package's; the package's blueprint has no template folder of its own, so
    # its remaining pages come from a templates-only blueprint below ours.
    app = flask.Flask(__name__, template_folder="devidp_templates", static_folder=None)
    app.register_blueprint(
        flask.Blueprint(
            "oidc-provider-mock-templates", "oidc_provider_mock", template_folder="templates"
        )
    )
    config = provider.Config(
        require_nonce=True,
        access_token_max_age=ID_TOKEN_LIFETIME,
        user_claims=[User(sub=user.sub, claims=user.claims()) for user in DEMO_USERS],
    )
    # The one patch: the package's blueprint set-up registers its grant class
    # by module-global name when the blueprint is registered. For that call
    # only, the name points at the PKCE subclass; it is restored at once.
    # The package's views check ``isinstance(grant, AuthorizationCodeGrant)``
    # against the original class, which the subclass satisfies. The lock keeps
    # two apps made at once from seeing each other's patch.
    with _PATCH_LOCK:
        original_grant = provider.AuthorizationCodeGrant
        provider.AuthorizationCodeGrant = _PkceAuthorizationCodeGrant
        try:
            app.register_blueprint(provider.blueprint, config=config)
        finally:
            provider.AuthorizationCodeGrant = original_grant

    package_discovery = app.view_functions[_DISCOVERY_ENDPOINT]

    def discovery() -> flask.Response:
        document = flask.make_response(package_discovery()).get_json()
        document["code_challenge_methods_supported"] = ["S256"]
        document["claims_supported"] = ["sub", "name", "email", "groups"]
        return flask.jsonify(document)

    app.view_functions[_DISCOVERY_ENDPOINT] = discovery

    package_authorize = app.view_functions[_AUTHORIZE_ENDPOINT]

    def authorize() -> flask.Response:
        response = flask.make_response(package_authorize())
        # The package's "Deny" redirects with error=access_denied but drops the
        # request's state, which RFC 6749 4.1.2.1 requires: put it back.
        state = flask.request.args.get("state")
        denied = flask.request.method == "POST" and flask.request.form.get("action") == "deny"
        if denied and state and response.status_code == 302 and response.location:
            response.location = add_params_to_uri(response.location, [("state", state)])
        return response

    app.view_functions[_AUTHORIZE_ENDPOINT] = authorize

    tenants: dict[str, list[DemoUser]] = {}
    for user in DEMO_USERS:
        tenants.setdefault(user.tenant_slug, []).append(user)

    @app.context_processor
    def demo_users() -> dict[str, object]:
        return {"demo_tenants": tenants}

    return app


# --- Serving -------------------------------------------------------------------------


class _QuietRequestHandler(werkzeug.serving.WSGIRequestHandler):
    """No request lines: they quote whole query strings, authorization codes included."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _make_server(host: str, port: int) -> werkzeug.serving.BaseWSGIServer:
    return werkzeug.serving.make_server(
        host, port, create_app(), threaded=True, request_handler=_QuietRequestHandler
    )


def serve(host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the provider with Werkzeug (a thread per request) until interrupted."""
    server = _make_server(host, port)
    # Werkzeug's serve_forever returns on Ctrl-C and closes the socket.
    server.serve_forever()


@contextlib.contextmanager
def run_in_thread(port: int = 0) -> Iterator[str]:
    """Run a fresh provider on 127.0.0.1 in a thread; yield its base URL (its issuer)."""
    server = _make_server("127.0.0.1", port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@click.command("dev-idp")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
def dev_idp(host: str, port: int) -> None:
    """Run the development OpenID provider (demo users, no passwords; never for real use).

    Its issuer is the URL it is reached at: configure a tenant with exactly
    that base URL (for example http://127.0.0.1:8001).
    """
    if not is_loopback(host):
        click.echo(
            f"warning: {host} is not a loopback address; anyone who can reach this "
            "provider can sign in as any demo user",
            err=True,
        )
    click.echo(f"development OpenID provider on http://{host}:{port} (Ctrl-C stops it)", err=True)
    serve(host, port)


DEMO_ROLE_GROUPS = {
    "caseworkers": StaffRole.CASEWORKER,
    "managers": StaffRole.MANAGER,
    "admins": StaffRole.TENANT_ADMIN,
}


async def point_tenant_at(slug: str, issuer: str) -> None:
    """Make tenant ``slug`` sign in through this provider at ``issuer`` (run as owner).

    Groups ``<slug>-caseworkers``, ``-managers`` and ``-admins`` map to the roles;
    ``<slug>-other`` maps to nothing, so that demo user sees "no access". A tenant
    already set up exactly so is left alone: every ``confide run`` calls this, and a new
    secret, a discovery fetch and an ``sso_changed`` audit entry each time would be noise
    (this provider accepts any client secret).
    """
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.services import get_active_tenant
    from confide.tenants.sso.schemas import SsoSettings
    from confide.tenants.sso.services import get_sso, save_sso

    tenant = await get_active_tenant(slug)
    if tenant is None:
        raise ValueError(f"no active tenant {slug!r}")
    settings = SsoSettings(
        issuer=issuer,
        client_id=f"confide-{slug}",
        client_secret=secrets.token_urlsafe(24),
        role_mapping={f"{slug}-{suffix}": (role,) for suffix, role in DEMO_ROLE_GROUPS.items()},
    )
    async with tenant_transaction(tenant.id):
        current = await get_sso()
        if current is not None and (
            current.issuer,
            current.client_id,
            current.scopes,
            current.groups_claim,
            current.role_mapping,
            current.allowed_email_domains,
        ) == (
            settings.issuer,
            settings.client_id,
            settings.scopes,
            settings.groups_claim,
            settings.role_mapping,
            settings.allowed_email_domains,
        ):
            return
        await save_sso(settings, changed_by=None)
