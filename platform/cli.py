"""The ``confide`` command.

Administrative commands (``migrate``, ``tenants``, ``seed-demo``) connect as
the owner role; ``serve`` and the web app connect as the application role.
A missing or malformed setting stops any command with one line naming it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from confide.platform.core.commands import as_owner as _as_owner
from confide.platform.core.commands import fail as _fail
from confide.platform.core.settings import SettingsError, get_settings, reload_settings
from confide.tenants.demo import DEMO_TENANTS

R = TypeVar("R")


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            _fail(str(error))


@click.group(cls=_Group)
def main() -> None:
    """Confide: case work for SEND Information, Advice and Support services."""


@main.command()
def migrate() -> None:
    """Apply migrations, create the application role, grants and row-level security."""
    from confide.platform.core.schema import STALE_HISTORY_EXIT, SchemaError, StaleHistory
    from confide.platform.core.schema import migrate as run_migrate

    database = get_settings().database
    database.require_owner_url()
    try:
        tables = _as_owner(lambda: run_migrate(database.app_role, database.app_password))
    except StaleHistory as error:
        click.echo(f"confide: {error}", err=True)
        sys.exit(STALE_HISTORY_EXIT)
    except SchemaError as error:
        _fail(str(error))
    click.echo(f"migrated; row-level security on {len(tables)} tenant tables")


@main.group()
def tenants() -> None:
    """Provision and manage tenants (platform operators)."""


@tenants.command("create")
@click.argument("slug")
@click.option("--name", "display_name", required=True, help="The service's display name.")
@click.option(
    "--controller",
    type=click.Choice(["council", "charity"]),
    default="council",
    show_default=True,
    help="Who runs the service (the data controller's voice).",
)
@click.option("--sso-issuer", default=None, help="The tenant's OpenID provider (issuer URL).")
@click.option("--sso-client-id", default=None, help="Client ID registered at the provider.")
@click.option(
    "--sso-client-secret-stdin", is_flag=True, help="Read the client secret from standard input."
)
@click.option("--sso-groups-claim", default="groups", show_default=True)
@click.option("--sso-scopes", default="openid profile email", show_default=True)
@click.option(
    "--sso-role",
    "sso_roles",
    multiple=True,
    metavar="GROUP=ROLE",
    help="Map a provider group to caseworker, manager or tenant_admin (repeatable).",
)
@click.option("--sso-email-domain", "sso_domains", multiple=True, help="Allowed (repeatable).")
@click.option(
    "--public-url",
    default=None,
    metavar="URL",
    help="Where staff reach Confide (e.g. https://confide.example.org), for the addresses "
    "to register at the provider. Default: https://SLUG.CONFIDE_BASE_DOMAIN if set, "
    "else http://CONFIDE_HOST:CONFIDE_PORT.",
)
def tenants_create(
    slug: str,
    display_name: str,
    controller: str,
    sso_issuer: str | None,
    sso_client_id: str | None,
    sso_client_secret_stdin: bool,
    sso_groups_claim: str,
    sso_scopes: str,
    sso_roles: tuple[str, ...],
    sso_domains: tuple[str, ...],
    public_url: str | None,
) -> None:
    """Create a tenant with SLUG (its address: /t/SLUG/), and its sign-in if given.

    Prints the redirect URI and the post-sign-out URI to register at the provider.
    """
    from confide.platform.core.errors import Invalid
    from confide.tenants.schemas import ControllerKind
    from confide.tenants.services import create_tenant
    from confide.tenants.sso.services import check_sso

    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            _fail(f"--public-url {public_url!r}: give an address like https://confide.example.org")
    sso = None
    if sso_issuer or sso_client_id:
        secret = sys.stdin.readline().strip() if sso_client_secret_stdin else None
        sso = _sso_settings(
            sso_issuer or "",
            sso_client_id or "",
            secret,
            sso_groups_claim,
            sso_scopes,
            sso_roles,
            sso_domains,
        )

    async def provision() -> Any:
        from confide.platform.core.db import tenant_transaction
        from confide.tenants.sso.services import save_sso

        if sso is not None:
            await check_sso(sso, has_secret=False)
        tenant = await create_tenant(slug, display_name, ControllerKind(controller))
        if sso is not None:
            async with tenant_transaction(tenant.id):
                await save_sso(sso, changed_by=None)
        return tenant

    try:
        tenant = _as_owner(provision)
    except Invalid as error:
        _fail(error.message)
    click.echo(f"created tenant {tenant.slug} ({tenant.id})" + (" with sign-in" if sso else ""))
    _echo_provider_addresses(tenant.slug, public_url)


def _echo_provider_addresses(slug: str, public_url: str | None) -> None:
    from confide.tenants.sso.addresses import post_sign_out_uri, redirect_uri, tenant_root

    web = get_settings().web
    if public_url is None and not web.base_domain:
        public_url = f"http://{web.host}:{web.port}"
    root = tenant_root(public_url or "", slug, web.base_domain)
    click.echo("register these addresses at the tenant's OpenID provider:")
    click.echo(f"  redirect URI:             {redirect_uri(root)}")
    click.echo(f"  post-sign-out URI:        {post_sign_out_uri(root)}")


def _sso_settings(
    issuer: str,
    client_id: str,
    secret: str | None,
    groups_claim: str,
    scopes: str,
    roles: tuple[str, ...],
    domains: tuple[str, ...],
) -> Any:
    from confide.tenants.roles import StaffRole
    from confide.tenants.sso.schemas import SsoSettings

    mapping: dict[str, set[StaffRole]] = {}
    for pair in roles:
        group, _, role = pair.rpartition("=")
        if not group or role not in {r.value for r in StaffRole}:
            _fail(f"--sso-role {pair!r}: use GROUP=caseworker, GROUP=manager or GROUP=tenant_admin")
        mapping.setdefault(group, set()).add(StaffRole(role))
    return SsoSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=secret,
        scopes=scopes,
        groups_claim=groups_claim,
        role_mapping={group: tuple(sorted(r)) for group, r in mapping.items()},
        allowed_email_domains=tuple(d.lower() for d in domains),
    )


@tenants.command("list")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
def tenants_list(limit: int, offset: int) -> None:
    """List tenants, a page at a time."""
    from confide.tenants.services import list_tenants

    for tenant in _as_owner(lambda: list_tenants(limit=limit, offset=offset)):
        click.echo(
            f"{tenant.slug}\t{tenant.status}\t{tenant.controller_kind}\t{tenant.display_name}"
        )


def _set_status(slug: str, status: str) -> None:
    from confide.tenants.schemas import TenantStatus
    from confide.tenants.services import TenantError, set_status

    try:
        tenant = _as_owner(lambda: set_status(slug, TenantStatus(status)))
    except TenantError as error:
        _fail(error.message)
    click.echo(f"tenant {tenant.slug} is {tenant.status}")


@tenants.command("suspend")
@click.argument("slug")
def tenants_suspend(slug: str) -> None:
    """Suspend a tenant: its pages and tasks stop at once; its data is kept."""
    _set_status(slug, "suspended")


@tenants.command("restore")
@click.argument("slug")
def tenants_restore(slug: str) -> None:
    """Make a suspended tenant active again."""
    _set_status(slug, "active")


async def seed_demo_tenants(
    idp: str | None, cases: int = 40, say: Callable[[str], None] = click.echo
) -> list[str]:
    """Create the demo tenants that do not exist yet; safe to run again.

    With ``idp``, both sign in through the development provider at that URL,
    and each that has no cases yet gets its demo staff and ``cases`` synthetic cases.
    """
    from confide.platform.demo import seed_demo_cases
    from confide.platform.devidp import point_tenant_at
    from confide.tenants.schemas import ControllerKind
    from confide.tenants.services import create_tenant
    from confide.tenants.tables import Tenant

    created = []
    for slug, name, kind in DEMO_TENANTS:
        if not await Tenant.exists().where(Tenant.slug == slug):
            await create_tenant(slug, name, ControllerKind(kind))
            created.append(slug)
        if idp:
            await point_tenant_at(slug, idp)
            say((await seed_demo_cases(slug, idp, cases=cases)).describe())
    if not idp:
        say("demo cases skipped: they need the demo staff, who sign in through --idp")
    return created


@main.command("seed-demo")
@click.option("--idp", default=None, help="Sign demo tenants in through the dev provider here.")
@click.option(
    "--cases",
    type=click.IntRange(1, 2000),
    default=40,
    show_default=True,
    help="Synthetic cases for each demo tenant that has none yet (needs --idp).",
)
def seed_demo(idp: str | None, cases: int) -> None:
    """Create the demo tenants and their case work (synthetic data only, never real)."""
    created = _as_owner(lambda: seed_demo_tenants(idp, cases))
    click.echo(f"demo tenants: {', '.join(s for s, _, _ in DEMO_TENANTS)} (new: {len(created)})")


@main.command()
@click.option("--host", default=None, help="Defaults to CONFIDE_HOST.")
@click.option("--port", type=int, default=None, help="Defaults to CONFIDE_PORT.")
def serve(host: str | None, port: int | None) -> None:
    """Serve the web app (production); needs DATABASE_URL or DATABASE_APP_URL, and a secret key."""
    import uvicorn

    from confide.platform.core.serving import NoDelayH11Protocol, processes

    settings = get_settings()
    settings.core.require_secret_key()
    settings.database.application_url()
    uvicorn.run(
        "confide.platform.app:create_app",
        factory=True,
        host=host or settings.web.host,
        port=port or settings.web.port,
        proxy_headers=True,
        forwarded_allow_ips=settings.web.trusted_proxies,
        workers=processes(settings.web.web_workers),
        http=NoDelayH11Protocol,
        access_log=False,
        log_config=None,
    )


def _secret_key(data_dir: Path) -> str:
    """The embedded instance's secret key: made once, kept in the data folder (mode 0600)."""
    path = data_dir / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _port_if_free(port: int) -> int:
    """``port`` when nothing listens there, else 0 (any free port).

    Probed as the servers bind (``SO_REUSEADDR``): connections of a previous run
    still closing (TIME_WAIT) do not make the port busy.
    """
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return 0
    return port


def _run_step(log: Path, *args: str, explain: dict[int, str] | None = None) -> None:
    """Run a ``confide`` subcommand in its own process (administrative steps use the owner),
    its output appended to ``log``; on failure, its last lines are shown, or the message
    ``explain`` gives for its exit status."""
    with log.open("a") as out:
        result = subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "confide.platform.cli", *args],
            check=False,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    explanation = (explain or {}).get(result.returncode)
    if explanation:
        _fail(explanation)
    if result.returncode:
        tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-15:])
        click.echo(tail, err=True)
        _fail(f"'confide {' '.join(args)}' failed; its output is in {log}")


def _wait_until_serving(web: subprocess.Popen[bytes], url: str, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if web.poll() is not None:
            _fail(f"the web server stopped while starting; see {log}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    _fail(f"the web server did not answer within a minute; see {log}")


def _stop_on_sigterm() -> None:
    """SIGTERM stops ``confide run`` as Ctrl-C does: children and PostgreSQL are stopped."""
    import signal

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def _summary(
    url: str, idp: str, data_dir: Path, logs: Path, embedded_db: bool, seconds: float
) -> list[str]:
    lines = [
        "",
        f"Confide is running (ready in {seconds:.0f} s). Its demo services hold invented",
        "people only, never real data:",
    ]
    for slug, name, _ in DEMO_TENANTS:
        lines += [f"  {name}", f"    {url}/t/{slug}/"]
    lines += [
        "",
        f"  Sign in:  as any demo member of staff, at the development provider {idp}",
        f"  Data:     {data_dir}" + (" (PostgreSQL included)" if embedded_db else ""),
        "            kept for the next run",
        f"  Logs:     {logs}/",
    ]
    if embedded_db and hasattr(os, "geteuid") and os.geteuid() == 0:
        lines += [
            "  As root:  PostgreSQL runs as the system user 'pgserver', and every folder above",
            "            the data folder is readable by everyone (see README)",
        ]
    return [*lines, "", "Press Ctrl-C to stop."]


def _stale_database(data_dir: Path, embedded: bool) -> str:
    """What to do about a database made before the migrations were merged (issue 12)."""
    if not embedded:
        return (
            "DATABASE_URL's database was made by an older Confide, whose migrations have since"
            " been merged (see CHANGELOG.md): point DATABASE_URL at a new, empty database"
        )
    return (
        f"{data_dir} holds a database made by an older Confide, whose migrations have since"
        f" been merged (see CHANGELOG.md): delete that folder (rm -r {data_dir}) and run"
        " again; it holds only what earlier runs made"
    )


@main.command()
@click.option("--port", type=int, default=None, help="Defaults to CONFIDE_PORT (8000).")
def run(port: int | None) -> None:
    """Run everything on this machine: PostgreSQL, migrations, demo tenants, web, worker, beat.

    With nothing configured, PostgreSQL is embedded (data in CONFIDE_DATA_DIR,
    kept across runs) and Celery uses a broker folder there; with DATABASE_URL
    or REDIS_URL set, those servers are used instead. The output is a short
    summary; every process writes its log under CONFIDE_DATA_DIR/logs.
    Ctrl-C stops it all.
    """
    from confide.platform.core.logs import configure_logging
    from confide.platform.core.schema import STALE_HISTORY_EXIT
    from confide.platform.devidp import run_in_thread
    from confide.platform.embedded import (
        start_child,
        start_embedded_celery,
        start_embedded_postgres,
        stop_processes,
    )

    settings = get_settings()
    data_dir = settings.core.data_dir.expanduser().resolve()
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    port = port or settings.web.port
    host = settings.web.host
    if _port_if_free(port) != port:
        _fail(f"port {port} is in use: stop what uses it, or set CONFIDE_PORT")
    # Left open to the end: pgserver still logs while the interpreter exits.
    configure_logging(settings.core.log_level, (logs / "run.log").open("a"))
    _stop_on_sigterm()
    embedded_broker = not (settings.redis.redis_url or settings.redis.celery_broker_url)
    click.echo("Starting Confide (a first run also creates its database and demo data)...")
    started = time.monotonic()
    postgres = None
    children: list[subprocess.Popen[bytes]] = []
    stack = contextlib.ExitStack()
    try:
        if not settings.database.url and not settings.database.app_url:
            postgres = start_embedded_postgres(data_dir, app_role=settings.database.app_role)
            os.environ["DATABASE_URL"] = postgres.owner_url
        if not settings.core.secret_key:
            os.environ["CONFIDE_SECRET_KEY"] = _secret_key(data_dir)
        os.environ.setdefault("CONFIDE_SECURE_COOKIES", "false")  # plain HTTP on this machine
        os.environ["CONFIDE_DEMO"] = "true"
        if embedded_broker:
            os.environ["CELERY_BROKER_URL"] = "filesystem://"
            os.environ["CONFIDE_BROKER_FOLDER"] = str(data_dir / "broker")
        settings = reload_settings()
        idp = stack.enter_context(run_in_thread(_port_if_free(port + 1)))
        stale = _stale_database(data_dir, embedded=postgres is not None)
        _run_step(logs / "setup.log", "migrate", explain={STALE_HISTORY_EXIT: stale})
        _run_step(logs / "setup.log", "seed-demo", "--idp", idp)
        children = start_embedded_celery(
            {}, data_dir, filesystem_broker=embedded_broker, log_folder=logs
        )
        serve = ["serve", "--host", host, "--port", str(port)]
        web = start_child(
            [sys.executable, "-m", "confide.platform.cli", *serve],
            dict(os.environ),
            data_dir,
            logs / "web.log",
        )
        children.append(web)
        url = f"http://{host}:{port}"
        _wait_until_serving(web, url, logs / "web.log")
        ready = time.monotonic() - started
        click.echo("\n".join(_summary(url, idp, data_dir, logs, postgres is not None, ready)))
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        stopped = next(child for child in children if child.poll() is not None)
        _fail(f"a process of Confide stopped (exit {stopped.returncode}); see the logs in {logs}")
    except KeyboardInterrupt:
        click.echo("\nStopping...")
    finally:
        stack.close()
        stop_processes(children)
        if postgres is not None:
            postgres.stop()
    click.echo(f"Stopped. The data is kept in {data_dir}")


@main.group()
def tasks() -> None:
    """Background work (Celery)."""


@tasks.command("failed")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
def tasks_failed(limit: int) -> None:
    """Tasks that gave up (a failure that is not an outage, or retries used up), newest first."""
    from confide.workers.dead_letters import newest

    letters = newest(limit)
    for letter in letters:
        click.echo(
            f"{letter.at}\t{letter.task}\t{letter.task_id}\ttenant {letter.tenant_id or '-'}"
            f"\t{letter.error}\t{letter.attempts} attempts"
        )
    if not letters:
        click.echo("no task has given up")


@main.group()
def audit() -> None:
    """The audit log: ``confide audit verify`` checks every tenant's chain and checkpoints."""


def _attach_lazily() -> None:
    from confide.platform.audit_commands import audit_checkpoint, audit_public_key, audit_verify
    from confide.platform.devidp import dev_idp
    from confide.platform.operator_commands import operators

    audit.add_command(audit_verify)
    audit.add_command(audit_checkpoint)
    audit.add_command(audit_public_key)
    main.add_command(dev_idp)
    main.add_command(operators)


_attach_lazily()


if __name__ == "__main__":
    main()
