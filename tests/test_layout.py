"""The package layout: the folders live in the ``confide`` namespace, and nothing shadows
the standard library."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers.environment import ROOT

FOLDERS = {
    "platform": "confide/platform",
    "tenants": "confide/tenants",
    "frontend": "confide/frontend",
    "workers": "confide/workers",
}


def test_import_platform_from_the_repository_root_is_the_standard_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import platform, sys; print(platform.__file__); platform.system()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(result.stdout.strip()).parent != ROOT / "platform"
    assert not (ROOT / "platform" / "__init__.py").exists()
    assert str(ROOT) not in result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    [built] = out.glob("confide-*.whl")
    return zipfile.ZipFile(built)


def _shipped_files(folder: str) -> list[Path]:
    base = ROOT / folder
    wanted = {".py", ".html", ".css", ".js", ".mjs", ".svg"}
    skip = {"node_modules", "__pycache__", "styles"}
    return [
        p
        for p in base.rglob("*")
        if p.is_file()
        and p.suffix in wanted
        and not skip & set(p.relative_to(base).parts)
        and p.name != "build.mjs"
    ]


def test_the_wheel_contains_every_module_template_and_asset(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    missing = [
        f"{target}/{path.relative_to(ROOT / folder).as_posix()}"
        for folder, target in FOLDERS.items()
        for path in _shipped_files(folder)
        if f"{target}/{path.relative_to(ROOT / folder).as_posix()}" not in names
    ]
    assert not missing, f"not in the wheel: {missing}"
    assert "confide/frontend/templates/base.html" in names
    assert "confide/frontend/assets/confide.css" in names
    assert not any(n.startswith("platform/") for n in names)
