"""The embedded default: PostgreSQL and Celery with nothing installed beyond Python.

``confide run`` uses these helpers to start, under one data folder,

* PostgreSQL 16 from the ``pgserver`` package (its own binaries, data in
  ``<data_dir>/pg``, reachable only through a unix socket in that folder), and
* a real Celery worker and beat as subprocesses, over Kombu's ``filesystem://``
  transport (message files under ``<data_dir>/broker``), so no Redis is needed.

Facts found by trying them here (pgserver 0.1.4, PostgreSQL 16.2):

* As root, pgserver creates a system user ``pgserver`` (``useradd``), runs the
  server as that user, chowns the data folder to it, and adds read and execute
  permission for everyone on **every parent folder** of the data folder (up to
  ``/``). Choose ``data_dir`` with that in mind (not under a private home).
* The cluster is made with ``initdb --auth=trust --auth-local=trust`` and the
  server listens on no TCP address (``listen_addresses = ''``): any role may
  connect through the socket without a password, and nothing else can reach
  it. The socket lives in the data folder (mode 0700, owned by the server's
  user), or under the runtime folder when that path is too long for a socket.
* A cold start (``initdb``) takes about 0.7 s, a restart on existing data about
  0.1 s, a clean stop about 0.1 s.
* The pgserver build ships only ``plpgsql`` and ``vector``: no ``pg_trgm``,
  ``pgcrypto`` or other contrib extensions.

The Celery side never imports the Celery app: it only sets
``CELERY_BROKER_URL=filesystem://`` and ``CONFIDE_BROKER_FOLDER`` for the
child processes. The Celery app reads them (``RedisSettings`` in
``confide.platform.core.settings``) and, for ``filesystem://``, builds its
``broker_transport_options`` with ``confide.workers.broker.filesystem_transport_options``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from confide.workers.broker import filesystem_transport_options

__all__ = [
    "BROKER_URL",
    "CELERY_APP",
    "DATABASE",
    "EmbeddedPostgres",
    "filesystem_broker_settings",
    "start_child",
    "start_embedded_celery",
    "start_embedded_postgres",
    "stop_processes",
]

_log = logging.getLogger(__name__)

#: The database the embedded server holds Confide's data in.
DATABASE = "confide"
#: The superuser pgserver's ``initdb`` creates.
SUPERUSER = "postgres"
#: The role that owns Confide's schema: migrations and provisioning, never a superuser.
OWNER = "confide_owner"
#: The Celery app the embedded worker and beat load.
CELERY_APP = "confide.workers.celery_app:celery_app"
#: Kombu's file-system transport: works across processes on one machine.
BROKER_URL = "filesystem://"

#: How long consumed broker messages are kept in ``broker/processed``.
PROCESSED_KEEP_SECONDS = 7 * 24 * 3600

_HANDLE_LIST = ".handle_pids.json"  # pgserver's list of processes holding the server


@dataclass(frozen=True)
class EmbeddedPostgres:
    """A running embedded PostgreSQL server.

    ``owner_url`` connects as the owner to the ``confide`` database (for migrations
    and provisioning), through the unix socket; asyncpg and libpq both accept it, e.g.
    ``postgresql://confide_owner@/confide?host=/x/pg&port=5432``.
    """

    pgdata: Path
    socket_dir: Path
    port: int
    owner_url: str
    _server: Any = field(repr=False, compare=False)

    def stop(self) -> None:
        """Shut the server down cleanly (``pg_ctl stop`` in fast mode: committed data is kept).

        If another live process still holds this server through pgserver, it is
        left running for that process.
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._server.cleanup()
        if not _postmaster_running(self.pgdata):
            return
        if _live_handles(self.pgdata):
            _log.info("embedded postgres left running for another process")
            return
        _pg_ctl_stop(self.pgdata, self._server.system_user)


def start_embedded_postgres(
    data_dir: Path, *, database: str = DATABASE, app_role: str = "confide_app"
) -> EmbeddedPostgres:
    """Start (or join) PostgreSQL 16 with its data in ``data_dir / "pg"``.

    The data survives restarts: a second start reuses it, and a server left
    running by a process that died is joined rather than started twice. The
    database ``database`` and the login role ``app_role`` (``NOSUPERUSER
    NOBYPASSRLS``, owning nothing) are created when missing. The server is also
    stopped at interpreter exit if :meth:`EmbeddedPostgres.stop` was not called.

    Running as root opens read and execute permission on every parent folder
    of ``data_dir`` (see the module notes).
    """
    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "pg"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        _log.warning(
            "embedded postgres as root: runs as system user 'pgserver' and makes every "
            "parent folder of %s world-readable and traversable",
            data_dir,
        )
    _prune_dead_handles(pgdata)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver falls back to /tmp.
        warnings.simplefilter("ignore")
        from pgserver.postgres_server import get_server

        server = get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    if info.socket_dir is None:  # pragma: no cover - Windows only
        raise RuntimeError("embedded postgres is not listening on a unix socket")
    socket_dir = Path(info.socket_dir)
    port = int(info.port or 5432)
    _bootstrap(socket_dir, port, database, app_role)
    return EmbeddedPostgres(
        pgdata=pgdata,
        socket_dir=socket_dir,
        port=port,
        owner_url=_socket_url(OWNER, database, socket_dir, port),
        _server=server,
    )


def _socket_url(user: str, database: str, socket_dir: Path, port: int) -> str:
    host = quote(str(socket_dir), safe="/")
    return (
        f"postgresql://{quote(user, safe='')}@/{quote(database, safe='')}?host={host}&port={port}"
    )


# The owner is not the superuser: row-level security (FORCE) must bind migrations and
# provisioning too, as in production. A database made by an earlier version, owned by
# the superuser, is handed over.
_BOOTSTRAP_SQL = r"""
SELECT format('CREATE ROLE %I', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB CREATEROLE', :'owner') \gexec
SELECT format('CREATE ROLE %I', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT',
              :'role') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'owner') \gexec
\connect :db
SELECT format('ALTER SCHEMA public OWNER TO %I', :'owner') \gexec
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'owner')
  FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :'owner' \gexec
"""


def _bootstrap(socket_dir: Path, port: int, database: str, app_role: str) -> None:
    """Create the database and the application role if missing (idempotent)."""
    from pgserver._commands import POSTGRES_BIN_PATH

    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    subprocess.run(  # noqa: S603 - fixed binary, arguments passed as a list
        [
            str(POSTGRES_BIN_PATH / "psql"),
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            f"--set=role={app_role}",
            f"--set=owner={OWNER}",
            f"--set=db={database}",
            f"--host={socket_dir}",
            f"--port={port}",
            f"--username={SUPERUSER}",
            "--dbname=postgres",
        ],
        input=_BOOTSTRAP_SQL.encode(),
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


def _postmaster_pid(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _postmaster_running(pgdata: Path) -> bool:
    pid = _postmaster_pid(pgdata)
    return pid is not None and _pid_alive(pid)


def _read_handles(pgdata: Path) -> list[int]:
    try:
        values = json.loads((pgdata / _HANDLE_LIST).read_text())
    except (OSError, ValueError):
        return []
    return [int(v) for v in values] if isinstance(values, list) else []


def _live_handles(pgdata: Path) -> list[int]:
    return [pid for pid in _read_handles(pgdata) if _pid_alive(pid)]


def _prune_dead_handles(pgdata: Path) -> None:
    """Forget processes that died holding the server.

    pgserver stops the server only when the last holder in its list lets go; a
    holder killed without cleanup would otherwise keep it running for ever.
    """
    path = pgdata / _HANDLE_LIST
    if path.exists():
        path.write_text(json.dumps(_live_handles(pgdata)))


def _pg_ctl_stop(pgdata: Path, system_user: str | None) -> None:
    from pgserver._commands import POSTGRES_BIN_PATH

    subprocess.run(  # noqa: S603 - fixed binary, arguments passed as a list
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-w", "-m", "fast", "stop"],
        user=system_user,
        check=True,
        capture_output=True,
        timeout=120,
    )


def filesystem_broker_settings(data_dir: Path) -> tuple[str, dict[str, Any]]:
    """The broker URL and transport options under ``data_dir / "broker"``.

    Creates the folders, and removes processed messages older than a week.
    """
    options = filesystem_transport_options(data_dir / "broker")
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        Path(options[key]).mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PROCESSED_KEEP_SECONDS
    for message in Path(options["processed_folder"]).glob("*.msg"):
        with contextlib.suppress(OSError):
            if message.stat().st_mtime < cutoff:
                message.unlink()
    return BROKER_URL, options


def _child_setup() -> None:  # pragma: no cover - runs in the child before exec
    """New session (a terminal's Ctrl-C reaches the parent only); die with the parent."""
    os.setsid()
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_embedded_celery(
    env: dict[str, str],
    data_dir: Path,
    *,
    app: str = CELERY_APP,
    filesystem_broker: bool = True,
    concurrency: int = 2,
    loglevel: str = "INFO",
    log_folder: Path | None = None,
) -> list[subprocess.Popen[bytes]]:
    """Start a Celery worker and a beat as subprocesses, by default over the file-system broker.

    With ``filesystem_broker=False`` the children use the broker the settings
    name (``REDIS_URL``).

    ``env`` is added to this process's environment for the children (pass the
    database URLs, secret key and so on). On top of it the children get
    ``CELERY_BROKER_URL=filesystem://`` and ``CONFIDE_BROKER_FOLDER=<data_dir>/broker``;
    the Celery app reads those and calls :func:`filesystem_transport_options`.
    Beat keeps its schedule in ``<data_dir>/celerybeat-schedule``. With
    ``log_folder``, each child's output (banner, warnings, JSON lines) is
    appended to ``worker.log`` and ``beat.log`` there instead of this process's.

    Each child runs in its own session, so stop them with :func:`stop_processes`;
    on Linux they also receive SIGTERM if the thread that started them exits.
    Call this from the main thread, before other threads are started (the
    children are set up by a ``preexec_fn``).
    """
    data_dir = data_dir.expanduser().resolve()
    child_env = {**os.environ, **env}
    if filesystem_broker:
        url, _options = filesystem_broker_settings(data_dir)
        child_env |= {"CELERY_BROKER_URL": url, "CONFIDE_BROKER_FOLDER": str(data_dir / "broker")}
    base = [sys.executable, "-m", "celery", "-A", app]
    worker = [
        *base,
        "worker",
        f"--loglevel={loglevel}",
        f"--concurrency={concurrency}",
        "--hostname=embedded@%h",
        # gossip, mingle and heartbeats talk to other workers: there are none.
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    beat = [
        *base,
        "beat",
        f"--loglevel={loglevel}",
        f"--schedule={data_dir / 'celerybeat-schedule'}",
    ]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for name, command in (("worker", worker), ("beat", beat)):
            log = log_folder / f"{name}.log" if log_folder else None
            procs.append(start_child(command, child_env, data_dir, log))
    except BaseException:
        stop_processes(procs)
        raise
    _log.info("embedded celery started: worker pid %s, beat pid %s", *(p.pid for p in procs))
    return procs


def start_child(
    command: list[str], env: dict[str, str], cwd: Path, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own session, dying with this process; its output is
    appended to ``log`` when given. Stop it with :func:`stop_processes`."""
    output = None
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        output = log.open("ab")
    try:
        return subprocess.Popen(  # noqa: S603 - our own interpreter, arguments as a list
            command,
            env=env,
            cwd=str(cwd),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            preexec_fn=_child_setup,  # setsid and prctl only: safe before exec
        )
    finally:
        if output is not None:
            output.close()  # the child holds its own copy


def stop_processes(procs: list[subprocess.Popen[bytes]], timeout: float = 15.0) -> None:
    """SIGTERM every process still running, wait up to ``timeout`` seconds, then SIGKILL.

    A Celery worker over ``filesystem://`` needs 3 to 6 s for a warm shutdown
    (its loop polls with a 2 s timeout), longer if a task is running.
    A process that leads its own process group (as those from
    :func:`start_embedded_celery` do) is killed with its group, so a Celery
    worker's pool children go with it.
    """
    for proc in procs:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    for proc in procs:
        if proc.poll() is None:
            _log.warning("process %s did not stop in %.0f s: killing it", proc.pid, timeout)
            _kill_group(proc.pid)
            proc.wait()


def _kill_group(pid: int) -> None:
    """SIGKILL the process group ``pid`` leads, or ``pid`` alone if it leads none.

    Only called for a child not yet reaped, so ``pid`` cannot have been reused.
    """
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
