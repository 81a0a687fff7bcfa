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
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
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


# Retention's facts made coarser (2026-11-30T01:34:58): the facts kept before it are
# converted, and back, tenant by tenant. One process per step, as the owner, on a scratch
# database secured as ``confide migrate`` secures it (the owner bound by row-level
# security): "before" runs every app's migrations but retention's after 22:55:43;
# "forwards" and "back" retention's; "figures" prints the statistics' year figures.
COARSER = "2026-11-30T01:34:58:000000"
FACT_STEPS = """
import json, os, sys
from uuid import UUID
from confide.platform.core.commands import as_owner
from piccolo.apps.migrations.commands.backwards import run_backwards
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards

async def step():
    name = sys.argv[1]
    if name == "before":
        # APP=ID: the app's migrations up to that one (retention's before 01:34:58 unless said)
        last = dict(arg.split("=") for arg in sys.argv[2:])
        last = last or {"retention": "2026-11-29T22:55:43:000000"}
        for app in BaseMigrationManager().get_sorted_app_names():
            assert (await run_forwards(app, migration_id=last.get(app, "all"))).success
        from confide.platform.core.schema import secure_schema
        await secure_schema(os.environ["DATABASE_APP_ROLE"])
    elif name == "forwards":
        done = await run_forwards(sys.argv[2] if len(sys.argv) > 2 else "retention")
        assert done.success, done.message
    elif name == "back":
        app = sys.argv[3] if len(sys.argv) > 3 else "retention"
        back = await run_backwards(app, migration_id=sys.argv[2], auto_agree=True)
        assert back.success, back.message
    else:
        from confide.platform.core.db import tenant_transaction
        from confide.platform.statistics import queries
        from confide.platform.statistics.schemas import Period
        figures = []
        for tenant in sys.argv[2:]:
            for kind in ("calendar", "financial", "academic"):
                for year in (2022, 2023, 2024):
                    period = Period(kind, year)
                    async with tenant_transaction(UUID(tenant)):
                        done = await queries.year_figures(
                            UUID(tenant), year, period.start, period.end, kind=kind)
                    figures.append([tenant, kind, year, sorted(
                        [c.contacted_by, c.referral_route, c.age_band, c.support_level,
                         c.outcome_class, c.year_end_status, c.channel, c.response,
                         c.phase, c.cases] for c in done.counts), done.topics])
        print(json.dumps(figures))

as_owner(step)
"""

# The facts as the old shape kept them: (year, month) opened, (year, month) closed, the
# channel, reply and phase; a month of None is a fact kept before months were (its
# channel, reply and phase "unknown", the same cases). Each month part of a year, and
# cases open at one kind's year end and closed by another's.
OLD_FACTS = {
    "a": [
        (2023, 1, 2023, 5, "phone", "0-1", "primary"),
        (2023, 3, 2023, 3, "email", "2-5", "unknown"),
        (2023, 4, 2024, 3, "phone", "0-1", "primary"),
        (2023, 8, 2023, 9, "letter", "none", "secondary"),
        (2023, 9, 2024, 1, "phone", "0-1", "primary"),
        (2023, 12, 2025, 6, "phone", "21+", "unknown"),
        (2024, 2, 2024, 2, "phone", "0-1", "primary"),
        (2022, 11, 2023, 4, "email", "6-20", "primary"),
        (2023, None, 2023, None, "unknown", "unknown", "unknown"),
        (2023, None, 2024, None, "unknown", "unknown", "unknown"),
        (2022, None, 2022, None, "unknown", "unknown", "unknown"),
    ],
    "b": [
        (2023, 6, 2023, 12, "phone", "0-1", "unknown"),
        (2023, 10, 2023, 10, "meeting", "2-5", "post_16"),
        (2023, None, 2025, None, "unknown", "unknown", "unknown"),
    ],
}

# The figures as the statistics counted them from the old shape (the erased part of
# ``statistics.queries._YEAR`` before 2026-11-30T01:34:58): a fact with a month by its
# month in the period and closed by its closing month; one without, for a calendar year
# only, closed by its closing year.
OLD_FIGURES = """
WITH p AS (SELECT $1::date AS start, $2::date AS finish, $3::integer AS year),
y AS (
    SELECT f.*, CASE WHEN f.month_closed IS NULL THEN coalesce(f.year_closed <= p.year, false)
                     ELSE make_date(f.year_closed, f.month_closed, 1) <= p.finish END AS closed
      FROM p, retention_facts f
     WHERE CASE WHEN f.month_opened IS NULL THEN f.year_opened = p.year
                ELSE make_date(f.year_opened, f.month_opened, 1) BETWEEN p.start AND p.finish END
)
SELECT 'case' AS kind, contacted_by, referral_route, age_band, support_level, outcome_class,
       CASE WHEN closed THEN 'closed' ELSE 'open' END AS status, channel, response, phase,
       NULL AS topic, count(*) AS n
  FROM y GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10
UNION ALL
SELECT 'topic', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, t, count(*)
  FROM y, jsonb_array_elements_text(y.topics) AS t GROUP BY t
"""

_FIRST_MONTH = {"calendar": 1, "financial": 4, "academic": 9}


def _fact_step(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", FACT_STEPS, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
        timeout=180,
    )


async def _add_tenants(url: str, tenants: dict[str, uuid.UUID], prefix: str) -> None:
    """The scratch database's tenants, made as the owner (slugs ``<prefix>-<name>``)."""
    conn = await asyncpg.connect(url)
    try:
        for slug, tenant in tenants.items():
            await conn.execute(
                "INSERT INTO tenants (id, slug, display_name) VALUES ($1, $2, $3)",
                tenant, f"{prefix}-{slug}", f"{prefix.title()} {slug}",
            )  # fmt: skip
    finally:
        await conn.close()


async def _as(url: str, tenant: uuid.UUID, sql: str, *args: Any) -> list[Any]:
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def _old_figures(url: str, tenants: dict[str, uuid.UUID]) -> list[Any]:
    """The year figures of each tenant, each kind of year 2022 to 2024, as the old shape
    gave them (a fact kept before the months, for a calendar year only)."""
    figures = []
    for tenant in tenants.values():
        for kind, first in _FIRST_MONTH.items():
            for year in (2022, 2023, 2024):
                start, finish = date(year, first, 1), date(year + 1, first, 1) - timedelta(1)
                rows = await _as(url, tenant, OLD_FIGURES, start, finish,
                                 year if kind == "calendar" else None)  # fmt: skip
                cases = sorted([*[*r.values()][1:10], r["n"]] for r in rows if r["kind"] == "case")
                topics = {r["topic"]: r["n"] for r in rows if r["kind"] == "topic"}
                figures.append([str(tenant), kind, year, cases, topics])
    return figures


def _erased_phase(figures: list[Any]) -> list[Any]:
    """The old figures with the erased-early group's phase "erased", not the kept cases'
    "unknown" (the conversion's one intended change), in the order the statistics give."""
    changed = []
    for tenant, kind, year, cases, topics in figures:
        cases = sorted([*c[:8], "erased" if c[6] == "unknown" else c[8], c[9]] for c in cases)
        changed.append([tenant, kind, year, cases, topics])
    return changed


def test_retention_facts_are_converted_and_back_with_the_same_year_figures(
    scratch_database: str,
) -> None:
    url = scratch_database
    before = _fact_step(url, "before")
    assert before.returncode == 0, before.stderr
    tenants = {slug: uuid.uuid4() for slug in OLD_FACTS}
    gone = uuid.uuid4()  # a tenant no longer in ``tenants``, whose facts stayed

    async def setup() -> None:
        await _add_tenants(url, tenants, "facts")
        for slug, facts in [*OLD_FACTS.items(), ("gone", OLD_FACTS["b"][:1])]:
            tenant = tenants.get(slug, gone)
            for n, (year, month, closed, closed_month, channel, response, phase) in enumerate(
                facts
            ):
                await _as(
                    url, tenant,
                    "INSERT INTO retention_facts (id, tenant_id, year_opened, month_opened,"
                    " year_closed, month_closed, topics, age_band, support_level,"
                    " outcome_class, referral_route, contacted_by, channel, response, phase,"
                    " year_erased) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, '5-10',"
                    " $7, 'recorded', 'self', $8, $9, $10, $11, 2026)",
                    tenant, year, month, closed, closed_month, '["Transport"]',
                    1 + n % 4, ["parent", "young_person"][n % 2], channel, response, phase,
                )  # fmt: skip

    run_async(setup())
    old = run_async(_old_figures(url, tenants))
    assert sum(n for figure in old for *_, n in figure[3]) > 20  # the test counts something

    # A fact of a tenant not in ``tenants`` is hidden from every tenant's turn: refused,
    # saying so, and nothing converted.
    refused = _fact_step(url, "forwards")
    assert refused.returncode != 0
    assert "retention_facts holds facts of a tenant not in tenants" in refused.stderr
    assert run_async(_old_figures(url, tenants)) == old
    run_async(_as(url, gone, "DELETE FROM retention_facts"))

    forwards = _fact_step(url, "forwards")
    assert forwards.returncode == 0, forwards.stderr
    figures = _fact_step(url, "figures", *map(str, tenants.values()))
    assert figures.returncode == 0, figures.stderr
    assert json.loads(figures.stdout.splitlines()[-1]) == _erased_phase(old)

    # Back again: a fact of an unknown tenant is refused the same way, then the old shape
    # gives the same figures as before.
    run_async(_as(url, gone, "INSERT INTO retention_facts (id, tenant_id, year_opened,"
                  " age_band, support_level, outcome_class, referral_route, contacted_by)"
                  " VALUES (gen_random_uuid(), $1, 2023, '5-10', 1, 'none', 'self', 'parent')",
                  gone))  # fmt: skip
    refused = _fact_step(url, "back", COARSER)
    assert "retention_facts holds facts of a tenant not in tenants" in refused.stderr
    run_async(_as(url, gone, "DELETE FROM retention_facts"))
    back = _fact_step(url, "back", COARSER)
    assert back.returncode == 0, back.stderr
    assert run_async(_old_figures(url, tenants)) == old


# The cases' first contact and reply (casework 2026-11-30T02:30:42) filled in for the cases
# there are, as the statistics worked them out from each case's contacts before.
FIRST_CONTACTS = "2026-11-30T02:30:41:512377"
BEFORE_FIRST_CONTACTS = [
    "casework=2026-11-30T01:59:32:906983",
    "retention=2026-11-30T01:59:33:278342",
]

# Each case's contacts: (kind, direction, hour of its day) and the corrections of each, in
# order. A correction can change the kind, the direction or the time; ties on the time
# go by when the contact was recorded (the list's order).
CASE_CONTACTS: dict[str, list[list[tuple[str, str, int, list[tuple[str, str, int]]]]]] = {
    "a": [
        [("phone", "incoming", 9, []), ("email", "outgoing", 11, [])],
        [("email", "incoming", 12, []), ("letter", "incoming", 10, [("phone", "incoming", 10)])],
        [("phone", "incoming", 9, [("email", "incoming", 14)]), ("text", "incoming", 11, [])],
        [("video", "incoming", 9, []), ("meeting", "incoming", 9, [])],
        [("email", "outgoing", 8, []), ("phone", "outgoing", 10, [("phone", "incoming", 10)])],
        [("phone", "outgoing", 15, [("phone", "outgoing", 16), ("phone", "outgoing", 13)])],
        [],
    ],
    "b": [
        [("voicemail", "incoming", 9, [("phone", "incoming", 9)]), ("email", "outgoing", 9, [])],
        [("meeting", "outgoing", 9, [("meeting", "incoming", 9)])],
    ],
}

# The old per-case computation (statistics and retention's erase before 02:30:42): each
# contact by its latest version; the first incoming one's kind, the first outgoing time.
OLD_FIRST_CONTACTS = """
SELECT c.id, k.first_kind, k.first_reply FROM cases c
  LEFT JOIN LATERAL (
      SELECT (array_agg(v.kind ORDER BY v.occurred_at, v.recorded_at)
                  FILTER (WHERE v.direction = 'incoming'))[1] AS first_kind,
             min(v.occurred_at) FILTER (WHERE v.direction = 'outgoing') AS first_reply
        FROM (SELECT DISTINCT ON (coalesce(x.original_id, x.id))
                     x.kind, x.direction, x.occurred_at, x.recorded_at
                FROM case_contacts x
               WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
               ORDER BY coalesce(x.original_id, x.id), x.version DESC) v
  ) k ON true
 ORDER BY c.id
"""


async def _add_cases(
    url: str, tenant: uuid.UUID, cases: list[list[tuple[str, str, int, list[Any]]]]
) -> None:
    """The tenant's staff member and its cases with their contacts, straight into the tables."""
    staff = uuid.uuid4()
    await _as(url, tenant, "INSERT INTO staff_users (tenant_id, id, issuer, subject, display_name,"
              " roles) VALUES ($1, $2, 'https://test.invalid', $3, 'Staff', '[\"caseworker\"]')",
              tenant, staff, f"sub-{staff}")  # fmt: skip
    for n, contacts in enumerate(cases):
        case = uuid.uuid4()
        day = datetime(2024, 3, 1 + n, tzinfo=UTC)
        await _as(url, tenant, "INSERT INTO cases (tenant_id, id, reference, anonymous,"
                  " contacted_by, opened_on, created_by) VALUES ($1, $2, $3, true, 'parent',"
                  " $4, $5)", tenant, case, f"T-{n}", day.date(), staff)  # fmt: skip
        recorded = day + timedelta(days=1)
        for kind, direction, hour, corrections in contacts:
            first = None
            for version, (k, d, h) in enumerate([(kind, direction, hour), *corrections], 1):
                recorded += timedelta(minutes=1)
                contact = uuid.uuid4()
                await _as(
                    url, tenant,
                    "INSERT INTO case_contacts (tenant_id, id, case_id, kind, direction,"
                    " occurred_at, summary, recorded_by, recorded_at, original_id, version,"
                    " correction_reason) VALUES ($1, $2, $3, $4, $5, $6, 'Spoke', $7, $8, $9,"
                    " $10, $11)",
                    tenant, contact, case, k, d, day + timedelta(hours=h), staff, recorded,
                    first, version, None if first is None else "Recorded wrongly",
                )  # fmt: skip
                first = first or contact


def _first_contacts(url: str, tenants: list[uuid.UUID], sql: str) -> list[list[Any]]:
    return [
        [str(row[0]), row[1], row[2]]
        for tenant in tenants
        for row in run_async(_as(url, tenant, sql))
    ]


def test_the_cases_first_contacts_are_filled_in_as_the_old_per_case_computation(
    scratch_database: str,
) -> None:
    url = scratch_database
    before = _fact_step(url, "before", *BEFORE_FIRST_CONTACTS)
    assert before.returncode == 0, before.stderr
    tenants = {slug: uuid.uuid4() for slug in CASE_CONTACTS}
    gone = uuid.uuid4()  # a tenant no longer in ``tenants``, whose cases stayed

    async def setup() -> None:
        await _add_tenants(url, tenants, "contacts")
        for slug, cases in [*CASE_CONTACTS.items(), ("gone", CASE_CONTACTS["b"][:1])]:
            await _add_cases(url, tenants.get(slug, gone), cases)

    run_async(setup())
    old = _first_contacts(url, [*tenants.values()], OLD_FIRST_CONTACTS)
    assert len(old) == 9
    assert len({(k is None, r is None) for _, k, r in old}) == 4  # each with and without

    # A case of a tenant not in ``tenants`` is hidden from every tenant's turn: refused,
    # saying so, and nothing changed.
    refused = _fact_step(url, "forwards", "casework")
    assert refused.returncode != 0
    assert "cases holds cases of a tenant not in tenants" in refused.stderr
    for table in ("case_contacts", "cases", "staff_users"):
        run_async(_as(url, gone, f"DELETE FROM {table}"))

    forwards = _fact_step(url, "forwards", "casework")
    assert forwards.returncode == 0, forwards.stderr
    kept = "SELECT id, first_contact_kind, first_reply_at FROM cases ORDER BY id"
    assert _first_contacts(url, [*tenants.values()], kept) == old

    back = _fact_step(url, "back", FIRST_CONTACTS, "casework")
    assert back.returncode == 0, back.stderr
    columns = "SELECT column_name, 1, 1 FROM information_schema.columns WHERE table_name = 'cases'"
    assert {c for c, *_ in _first_contacts(url, [tenants["a"]], columns)}.isdisjoint(
        {"first_contact_kind", "first_reply_at"}
    )
    assert _first_contacts(url, [*tenants.values()], OLD_FIRST_CONTACTS) == old


# The annual return's export undone (exports 2026-11-30T04:51:42): its rows deleted tenant by
# tenant, since the owner is bound by the row-level policy too, and the checks added back.
ANNUAL_RETURN_EXPORTS = "2026-11-30T04:51:42:000000"


def test_the_annual_return_exports_are_undone_with_rows_present(scratch_database: str) -> None:
    """Seen red: a plain DELETE, as the owner with no tenant set, deleted nothing, and the
    kind check added back failed on the annual return's row."""
    url = scratch_database
    before = _fact_step(url, "before", "exports=all")
    assert before.returncode == 0, before.stderr
    tenants = {"a": uuid.uuid4(), "b": uuid.uuid4()}

    async def setup() -> None:
        await _add_tenants(url, tenants, "exports")
        for tenant in tenants.values():
            staff = uuid.uuid4()
            await _as(
                url, tenant,
                "INSERT INTO staff_users (id, tenant_id, issuer, subject, display_name)"
                " VALUES ($1, $2, 'https://idp.example', 'manager', 'A manager')",
                staff, tenant,
            )  # fmt: skip
            for status in ("ready", "running"):
                await _as(
                    url, tenant,
                    "INSERT INTO exports (id, tenant_id, kind, status, requested_by,"
                    " period_kind, period_start) VALUES ($1, $2, 'annual_return', $3, $4,"
                    " 'calendar', DATE '2024-01-01')",
                    uuid.uuid4(), tenant, status, staff,
                )  # fmt: skip

    run_async(setup())
    back = _fact_step(url, "back", ANNUAL_RETURN_EXPORTS, "exports")
    assert back.returncode == 0, back.stderr
    for tenant in tenants.values():
        assert run_async(_as(url, tenant, "SELECT id FROM exports")) == []
    checks = run_async(
        _as(
            url, tenants["a"],
            "SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint"
            " WHERE conname = 'exports_kind_check'",
        )
    )  # fmt: skip
    assert "annual_return" not in checks[0]["d"]
    again = _fact_step(url, "forwards", "exports")
    assert again.returncode == 0, again.stderr
