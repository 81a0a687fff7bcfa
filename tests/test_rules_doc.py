"""``docs/rules.md`` holds what the code cites: every "rule N" in the code, templates,
tests and docs is a rule there, and every test it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.helpers.environment import ROOT

RULES = ROOT / "docs" / "rules.md"
CITING = ("platform", "tenants", "frontend", "workers", "tests", "e2e", "docs")
SUFFIXES = {".py", ".html", ".md", ".js", ".sh"}
# "rule 7", "rules 1 and 2", "rules 4, 5", "rules 1-2", "rules 4 to 7"
CITATION = re.compile(r"\b[Rr]ules? (\d+(?:(?:, | and |-| to )\d+)*)")
TEST_NAMED = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def rules_defined(text: str) -> set[int]:
    """The rule numbers ``docs/rules.md`` gives a heading to (``### N. Title``)."""
    return {int(n) for n in re.findall(r"^### (\d+)\. ", text, re.MULTILINE)}


def rules_cited(text: str) -> set[int]:
    """The rule numbers ``text`` cites."""
    cited: set[int] = set()
    for group in CITATION.findall(text):
        for part in re.split(r", | and ", group):
            bounds = re.split(r"-| to ", part)
            cited.update(range(int(bounds[0]), int(bounds[-1]) + 1))
    return cited


def _citing_files() -> list[Path]:
    return sorted(
        path
        for folder in CITING
        for path in (ROOT / folder).rglob("*")
        if path.suffix in SUFFIXES and path.is_file() and "artifacts" not in path.parts
    )


def test_every_rule_cited_is_in_the_rules() -> None:
    defined = rules_defined(RULES.read_text())
    assert defined == set(range(1, len(defined) + 1)), "rules are numbered 1, 2, 3 ..."
    missing = {
        str(path.relative_to(ROOT)): sorted(cited - defined)
        for path in _citing_files()
        if (cited := rules_cited(path.read_text(errors="replace"))) - defined
    }
    assert missing == {}, "cited rules that docs/rules.md does not have"


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_every_test_the_rules_name_exists() -> None:
    named = TEST_NAMED.findall(RULES.read_text())
    assert len(named) > 50
    absent = [
        f"{file}::{test}"
        for file, test in named
        if not (ROOT / file).is_file() or test not in _functions(ROOT / file)
    ]
    assert absent == []


def test_the_citations_are_read_as_written() -> None:
    text = (
        "(rules 1 and 2) rule 7; rules 4, 5 and 9; rules 4-6; rules 10 to 12;"
        " policy 3.2; Rule 16. 'rules' alone"
    )
    assert rules_cited(text) == {1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 16}
    assert rules_defined("### 1. One\n## 2. Not a rule\n### 3. Three\n") == {1, 3}
