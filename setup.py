"""Maps the fixed top-level folders into the ``confide`` namespace.

``platform/`` must never be importable as ``platform`` (the standard library
module), so it has no ``__init__.py`` and is installed as ``confide.platform``.
Every folder below a mapped root becomes a package, so a new module or asset
folder needs no listing here.
"""

from pathlib import Path

from setuptools import setup

ROOTS = {
    "confide.platform": "platform",
    "confide.tenants": "tenants",
    "confide.frontend": "frontend",
    "confide.workers": "workers",
}
SKIP = {"__pycache__", "node_modules", "styles"}


def _packages() -> list[str]:
    found = []
    for package, folder in ROOTS.items():
        root = Path(__file__).parent / folder
        for path in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
            rel = path.relative_to(root).parts
            if any(part in SKIP or part.startswith(".") for part in rel):
                continue
            found.append(".".join([package, *rel]))
    return found


setup(packages=_packages())
