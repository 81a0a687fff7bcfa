"""Every SQL statement of a domain lives in its ``queries.py``: read from the source.

A domain's other modules (services, schemas, web glue) hold rules, transactions and audit
entries; they reach rows only through the domain's named query functions. This test reads
each module's syntax tree and fails on a call that runs SQL anywhere else: the SQL helpers
(``core/sql``: ``raw``, ``paged``, ``connection``), a Piccolo table's query methods
(``Table.select(...)`` and the like, for any class imported from a ``tables`` module), or
an asyncpg connection's (``.fetch``, ``.fetchrow``, ``.fetchval``, ``.execute``); and on
importing a ``tables`` module at all, since the rows are the queries' business. The
surfaces are held apart by the import contract (``pyproject.toml``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Domain folders: their modules other than queries.py, tables.py and migrations.
DOMAINS = [
    ROOT / "platform" / name
    for name in ("audit", "casework", "consent", "housekeeping", "identity", "operators")
] + [ROOT / "tenants"]

# Where SQL may be: each domain's queries and tables, and its migrations.
ALLOWED = {"queries.py", "tables.py", "piccolo_app.py"}

TABLE_METHODS = {"select", "insert", "update", "delete", "objects", "exists", "count", "raw"}
CONNECTION_METHODS = {"fetch", "fetchrow", "fetchval", "execute", "executemany"}
SQL_MODULE = "confide.platform.core.sql"
CORE_TABLES = "confide.platform.core.tables"  # the base table and ref(), no table of its own


def _modules() -> list[Path]:
    found = []
    for folder in DOMAINS:
        for path in sorted(folder.rglob("*.py")):
            if path.name in ALLOWED or "piccolo_migrations" in path.parts:
                continue
            found.append(path)
    return found


def sql_outside_queries(source: str) -> list[str]:
    """What in ``source`` runs SQL itself: 'line: what', one per offending call or import."""
    tree = ast.parse(source)
    tables: set[str] = set()
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == SQL_MODULE:
                problems.append(f"{node.lineno}: imports {SQL_MODULE}")
            elif node.module.endswith(".tables") and node.module != CORE_TABLES:
                problems.append(f"{node.lineno}: imports {node.module}")
                tables.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            problems.extend(
                f"{node.lineno}: imports {alias.name}"
                for alias in node.names
                if alias.name == SQL_MODULE
            )
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        target = node.func.value
        if method in TABLE_METHODS and isinstance(target, ast.Name) and target.id in tables:
            problems.append(f"{node.lineno}: {target.id}.{method}()")
        elif method in CONNECTION_METHODS:
            problems.append(f"{node.lineno}: .{method}()")
    return sorted(problems, key=lambda problem: int(problem.split(":")[0]))


def test_no_domain_module_but_queries_runs_sql() -> None:
    offenders = {
        str(path.relative_to(ROOT)): problems
        for path in _modules()
        if (problems := sql_outside_queries(path.read_text()))
    }
    assert offenders == {}


def test_the_check_sees_each_way_of_running_sql() -> None:
    """The detector itself: each construct it must refuse, and what it must let pass."""
    source = (
        "from confide.platform.core.sql import raw\n"
        "from confide.platform.casework.tables import Case as C\n"
        "async def f(db):\n"
        "    await C.select()\n"
        "    await C.update({}).where()\n"
        "    await db.fetchrow('SELECT 1')\n"
        "    await queries.case_file()\n"
        "    C(id=1)\n"
    )
    assert sql_outside_queries(source) == [
        "1: imports confide.platform.core.sql",
        "2: imports confide.platform.casework.tables",
        "4: C.select()",
        "5: C.update()",
        "6: .fetchrow()",
    ]


# Session-level state would outlive a request on its pooled connection: the pool sends no
# reset query when a connection goes back (core/db), so nothing may set any.
SESSION_STATE = re.compile(
    r"set_config\([^)]*,\s*false\s*\)"  # a setting for the whole session
    r"|pg_advisory_lock\("  # a lock held past the transaction
    r"|pg_try_advisory_lock\("
    r"|(?-i:\bLISTEN\s+\w)"  # SQL is written in capitals; "listen on" is prose
    r"|\bWITH\s+HOLD\b"  # a cursor past the transaction
    r"|\bCREATE\s+(?:GLOBAL\s+|LOCAL\s+)?TEMP(?:ORARY)?\b"
    r"|\bSET\s+(?:SESSION|ROLE)\b",
    re.IGNORECASE,
)


def _session_state(text: str) -> list[str]:
    return [match.group(0) for match in SESSION_STATE.finditer(text)]


def test_nothing_sets_session_state_a_pooled_connection_would_carry() -> None:
    found = {
        str(path.relative_to(ROOT)): hits
        for folder in ("platform", "tenants", "frontend", "workers")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (hits := _session_state(path.read_text()))
    }
    assert found == {}


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT set_config('app.tenant_id', $1, false)",
        "SELECT pg_advisory_lock(1)",
        "LISTEN changes",
        "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
        "CREATE TEMP TABLE people (id int)",
        "SET SESSION statement_timeout = 0",
        "SET ROLE confide_owner",
    ],
)
def test_each_session_level_construct_is_found(sql: str) -> None:
    assert _session_state(f'await raw("{sql}")')


def test_transaction_level_constructs_are_not_flagged() -> None:
    source = (
        "SELECT set_config('app.tenant_id', $1, true); SELECT pg_advisory_xact_lock($1);"
        " SET LOCAL plan_cache_mode = force_custom_plan; UPDATE people SET name = $1"
    )
    assert _session_state(source) == []


def test_the_requests_domain_reads_statistics_releases_through_the_statistics_domain() -> None:
    """Requests and statistics are peers under the import contract: an FOI response's
    statistics releases come from the function the statistics domain exposes
    (``attachable_releases``, handed over by the app's composition), never from the
    requests domain's own SQL on the statistics domain's tables."""
    from confide.platform.statistics.piccolo_app import APP_CONFIG

    theirs = [table._meta.tablename for table in APP_CONFIG.table_classes]
    assert theirs
    named = {
        str(path.relative_to(ROOT)): sorted(
            name for name in theirs if re.search(rf"\b{name}\b", path.read_text())
        )
        for path in sorted((ROOT / "platform" / "requests").glob("*.py"))
    }
    assert {path: names for path, names in named.items() if names} == {}
