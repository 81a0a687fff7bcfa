"""requirements/lock.txt fixes every dependency's version, and it is what is installed.

CI (scripts/test), the image and the README's run command install with ``-c
requirements/lock.txt``, so a new release of a dependency changes nothing until the lock
is refreshed (``bash scripts/lock``) and the suite has run on it. A dependency added to
pyproject.toml without refreshing the lock would be installed at whatever version is
newest that day: each one must be pinned.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version

from packaging.markers import Marker
from packaging.requirements import Requirement

from tests.helpers.environment import ROOT

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)\s*(?:;\s*(.+))?$")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, tuple[str, str | None]]:
    """Each locked package: its version and the marker that says where it is needed."""
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        found = PIN.match(line.strip())
        if found:
            pins[_name(found.group(1))] = (found.group(2), found.group(3))
    return pins


def test_every_dependency_of_the_project_is_pinned_by_the_lock() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pins = _pins()
    for text in wanted:
        requirement = Requirement(text)
        name = _name(requirement.name)
        assert name in pins, f"{name} is not in requirements/lock.txt: run bash scripts/lock"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"{name}=={pins[name][0]} does not satisfy {text!r}: run bash scripts/lock"
        )


def test_what_is_installed_is_what_the_lock_says() -> None:
    for name, (pinned, marker) in _pins().items():
        if marker and not Marker(marker).evaluate():
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            raise AssertionError(f"{name} is locked but not installed") from None
        assert installed == pinned, f"{name} {installed} is installed, the lock says {pinned}"
