"""Migrations in step with the tables, undone cleanly, an older history refused, and no
reference that defaults to a random id.

Each app's migrations are one auto migration made from its tables and, where Piccolo
cannot declare something, raw ones (``core/schema.raw_migration``). Piccolo's auto
migrations compare the tables with the migration files, not with the database: a column
or constraint declared without a migration, or changed by raw SQL behind Piccolo's back,
makes the next auto migration wrong. So ``piccolo migrations new <app> --auto`` must find
nothing to add for any app. It runs here as the real command, against the test database's
settings; any file it writes is removed.

A column holding another row's id is declared with ``core/tables.ref()``: a bare
``UUID()`` gets ``DEFAULT gen_random_uuid()``, and a row written without its case or its
actor would silently point at a random one.
"""

from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.helpers.command import run_async
from tests.helpers.environment import ADMIN_URL, OWNER_ROLE, ROOT, RUN, role_url


def _apps() -> dict[str, Path]:
    """Each app (every ``piccolo_app.py``) and its migrations folder, found without
    importing Piccolo's configuration, which connects to the database."""
    apps = {}
    for module in sorted(
        [*ROOT.glob("platform/*/piccolo_app.py"), ROOT / "tenants/piccolo_app.py"]
    ):
        name = ".".join(["confide", *module.relative_to(ROOT).with_suffix("").parts])
        config = importlib.import_module(name).APP_CONFIG
        apps[config.app_name] = Path(config.resolved_migrations_folder_path)
    return apps


APPS = _apps()
# ``piccolo``, as its console script runs it, after the prelude.
PICCOLO = "import sys; from piccolo.main import main; sys.exit(main())"
NEW_AUTO = ("migrations", "new", "all", "--auto", "--auto_input=n")
# A column declared on a table without its migration, in the command's own process.
UNDECLARED_COLUMN = """
from piccolo.columns import Varchar
from confide.platform.housekeeping import piccolo_app, tables
class Heartbeat(tables.Heartbeat, tablename="housekeeping_heartbeats"):
    added_without_a_migration = Varchar(length=10)
piccolo_app.APP_CONFIG.table_classes[:] = [Heartbeat]
"""


def _migration_files() -> set[Path]:
    return {path for folder in APPS.values() for path in folder.glob("*.py")}


def _auto_migrations(prelude: str = "") -> tuple[dict[str, str], list[Path]]:
    """``piccolo migrations new all --auto`` (``prelude`` runs first in its process): each
    app's part of its output, and the migration files it wrote, which are removed."""
    before = _migration_files()
    try:
        done = subprocess.run(
            [sys.executable, "-c", prelude + PICCOLO, *NEW_AUTO],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PICCOLO_CONF": "confide.platform.core.piccolo_conf"},
            timeout=120,
        )
    finally:
        written = sorted(_migration_files() - before)
        for path in written:
            path.unlink()
    assert done.returncode == 0, done.stdout + done.stderr
    parts: dict[str, str] = {}
    app = None
    lines = done.stdout.splitlines()
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if line.strip().lower() in APPS and set(following) == {"-"}:
            app = line.strip().lower()
            parts[app] = ""
        elif app is not None:
            parts[app] += line + "\n"
    return parts, written


@pytest.fixture(scope="module")
def auto_migrations() -> tuple[dict[str, str], list[Path]]:
    """Without the database fixture: a table changed without its migration also breaks the
    test database's set-up, and this should still say what changed."""
    return _auto_migrations()


def test_every_app_is_checked(database: Any) -> None:
    from confide.platform.core.piccolo_conf import APP_REGISTRY

    assert set(APPS) == set(APP_REGISTRY.app_configs)


@pytest.mark.parametrize("app", sorted(APPS))
def test_an_auto_migration_finds_nothing_to_add(
    auto_migrations: tuple[dict[str, str], list[Path]], app: str
) -> None:
    parts, written = auto_migrations
    assert "No changes detected" in parts[app], f"the tables of {app} changed:\n{parts[app]}"
    assert [path for path in written if path.parent == APPS[app]] == []


def test_a_column_declared_without_a_migration_is_found() -> None:
    parts, written = _auto_migrations(UNDECLARED_COLUMN)
    assert "Columns added to existing tables         1" in parts["housekeeping"]
    assert [path.parent for path in written] == [APPS["housekeeping"]]
    assert not _migration_files() & set(written)


@pytest.fixture
def scratch_database(database: Any) -> Iterator[str]:
    """A new, empty database of this run's owner: its URL."""
    name = f"confide_scratch_{RUN}"

    async def admin(statement: str) -> None:
        conn = await asyncpg.connect(ADMIN_URL)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    run_async(admin(f"CREATE DATABASE {name} OWNER {OWNER_ROLE}"))
    try:
        yield role_url(ADMIN_URL, OWNER_ROLE, name)
    finally:
        run_async(admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


# Every app's migrations forwards, then backwards, as the owner, in one process.
THERE_AND_BACK = """
from confide.platform.core.commands import as_owner
from piccolo.apps.migrations.commands.backwards import run_backwards
from piccolo.apps.migrations.commands.forwards import run_forwards

async def there_and_back():
    done = await run_forwards("all")
    assert done.success, done.message
    undone = await run_backwards("all", migration_id="all", auto_agree=True)
    assert undone.success, undone.message

as_owner(there_and_back)
"""


def test_every_migration_is_undone_by_its_backwards(scratch_database: str) -> None:
    subprocess.run(
        [sys.executable, "-c", THERE_AND_BACK],
        check=True,
        capture_output=True,
        env={**os.environ, "DATABASE_URL": scratch_database},
        timeout=120,
    )

    async def left() -> list[str]:
        conn = await asyncpg.connect(scratch_database)
        try:
            rows = await conn.fetch(
                "SELECT c.relname AS name FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S', 'p')"
                " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid"
                " AND d.deptype = 'e')"
                " UNION ALL SELECT p.proname FROM pg_proc p"
                " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
                " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid"
                " AND d.deptype = 'e') ORDER BY 1"
            )
        finally:
            await conn.close()
        return [row["name"] for row in rows]

    assert run_async(left()) == ["migration", "migration_id_seq"]


async def test_only_primary_keys_default_to_a_random_id(owner_conn: asyncpg.Connection) -> None:
    defaults = await owner_conn.fetch(
        "SELECT c.table_name || '.' || c.column_name AS name FROM information_schema.columns c"
        " WHERE c.table_schema = 'public' AND c.data_type = 'uuid'"
        " AND c.column_default IS NOT NULL AND NOT EXISTS (SELECT 1"
        " FROM information_schema.table_constraints t"
        " JOIN information_schema.key_column_usage k"
        " ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name"
        " WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema"
        " AND k.table_name = c.table_name AND k.column_name = c.column_name)"
        " ORDER BY 1"
    )
    assert [row["name"] for row in defaults] == []


def _confide_run(data: Path) -> tuple[int, str]:
    """``confide run`` on the test database: its exit status and what it said on stderr.
    Should it start everything after all, Ctrl-C stops it (and the test fails)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "CONFIDE_PORT": str(port), "CONFIDE_DATA_DIR": str(data)}
    run = subprocess.Popen(
        [sys.executable, "-m", "confide.platform.cli", "run"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = run.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGINT)
        _, stderr = run.communicate(timeout=60)
        raise AssertionError(f"confide run started on the older database:\n{stderr}") from None
    return run.returncode, stderr


async def test_a_database_made_by_the_older_migration_history_is_refused_plainly(
    owner_conn: asyncpg.Connection, tmp_path: Path
) -> None:
    # Case work's first migration before each app's were merged into one (issue 12).
    old = await owner_conn.fetchval(
        "INSERT INTO migration (name, app_name, ran_on)"
        " VALUES ('2026-11-25T19:05:17:611015', 'casework', now()) RETURNING id"
    )
    try:
        code, stderr = _confide_run(tmp_path)
    finally:
        await owner_conn.execute("DELETE FROM migration WHERE id = $1", old)
    # Its migrate step said why (exit 3, which confide run explains) into setup.log.
    assert (
        "confide: this database ran migrations this version does not have"
        " (casework 2026-11-25T19:05:17:611015): it was made before"
    ) in (tmp_path / "logs" / "setup.log").read_text()
    assert code == 2, stderr
    assert stderr.strip().splitlines()[-1] == (
        "confide: DATABASE_URL's database was made by an older Confide, whose migrations have"
        " since been merged (see CHANGELOG.md): point DATABASE_URL at a new, empty database"
    )


def test_confide_run_says_to_delete_an_older_embedded_data_folder() -> None:
    from confide.platform.cli import _stale_database

    folder = Path("/srv/confide/.confide")
    assert _stale_database(folder, embedded=True) == (
        "/srv/confide/.confide holds a database made by an older Confide, whose migrations"
        " have since been merged (see CHANGELOG.md): delete that folder"
        " (rm -r /srv/confide/.confide) and run again; it holds only what earlier runs made"
    )
