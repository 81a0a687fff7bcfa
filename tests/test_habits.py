"""The suite's own habits, held by reading its source: no test module or conftest imports
another (what they share lives in helper modules, ``tests/helpers/`` and the like), and
tests read the date from the same clock as the code (``confide.platform.core.clock``:
England's calendar), never the server's."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers.environment import ROOT

SUITES = (ROOT / "tests", ROOT / "e2e")


def _suite_files(everything: bool = False) -> list[Path]:
    """Every test module and conftest of ``tests/`` and ``e2e/`` (``everything``: their
    helper modules too)."""
    return sorted(
        path
        for suite in SUITES
        for path in suite.rglob("*.py")
        if everything or path.name == "conftest.py" or path.name.startswith("test_")
    )


def _modules_named(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import statement may load (``from x import y`` may load ``x.y``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    return [base, *(f"{base}.{alias.name}" if base else alias.name for alias in node.names)]


def cross_imports(source: str) -> list[str]:
    """The test modules and conftests that ``source`` imports, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for module in _modules_named(node):
                last = module.rsplit(".", 1)[-1]
                if last == "conftest" or last.startswith("test_"):
                    found.append(module)
    return found


def test_no_test_module_or_conftest_imports_another() -> None:
    files = _suite_files()
    assert ROOT / "tests" / "conftest.py" in files
    offending = {
        str(path.relative_to(ROOT)): modules
        for path in files
        if (modules := cross_imports(path.read_text()))
    }
    assert offending == {}


def test_the_scan_sees_each_way_of_importing_one() -> None:
    """Top level or inside a function, ``import x.test_y`` or ``from x import test_y``, the
    root conftest; a helper whose name merely starts with ``test`` is no test module."""
    source = (
        "from conftest import TenantRef\n"
        "import tests.test_casework\n"
        "from tests import test_casework\n"
        "def f():\n"
        "    from tests.faults.conftest import check_writes\n"
        "from tests.helpers.http import post\n"
        "from tests.testing_tools import x\n"
    )
    assert cross_imports(source) == [
        "conftest",
        "tests.test_casework",
        "tests.test_casework",
        "tests.faults.conftest",
    ]


# The server's clock: its zone is not England's (between midnight and 1am in summer, UTC
# is still yesterday), and a naive ``datetime.now()`` has no zone at all.
SERVER_CLOCK = {"today", "utcnow", "utcfromtimestamp"}


def server_clock_reads(source: str) -> list[str]:
    """``date.today()``, ``datetime.today()``, ``datetime.utcnow()``, and ``datetime.now()``
    without a zone, wherever ``source`` calls them."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if owner_name not in {"date", "datetime"}:
            continue
        naive_now = node.func.attr == "now" and not node.args and not node.keywords
        if node.func.attr in SERVER_CLOCK or naive_now:
            found.append(f"{node.lineno}: {owner_name}.{node.func.attr}()")
    return found


def test_tests_read_the_date_from_the_services_clock() -> None:
    files = _suite_files(everything=True)
    assert ROOT / "tests" / "helpers" / "pages.py" in files
    offending = {
        str(path.relative_to(ROOT)): calls
        for path in files
        if (calls := server_clock_reads(path.read_text()))
    }
    assert offending == {}, "use confide.platform.core.clock.service_today()"


def test_the_clock_scan_sees_each_way_of_reading_the_servers_date() -> None:
    source = (
        "import datetime as dt\n"
        "from datetime import UTC, date, datetime\n"
        "a = date.today()\n"
        "b = datetime.now()\n"
        "c = datetime.utcnow()\n"
        "d = dt.date.today()\n"
        "e = datetime.now(UTC)\n"  # an instant, as the code takes one: allowed
        "f = datetime.now(tz=UTC)\n"
    )
    assert server_clock_reads(source) == [
        "3: date.today()",
        "4: datetime.now()",
        "5: datetime.utcnow()",
        "6: date.today()",
    ]
