"""The README's run command, exactly as README.md writes it, on a clean copy of this tree.

Nothing is configured (no Redis, no PostgreSQL, no Confide setting but the port): a fresh
virtual environment, the embedded PostgreSQL and broker folder. A caseworker signs in
through the development provider in Chromium, opens a case and signs out; the output is
the short summary; Ctrl-C stops everything; the same command again reuses the data, and
its development provider takes another port when the next one is busy.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from e2e.artifacts import ARTIFACTS
from e2e.casework_pages import visit
from e2e.pages import DevProviderPage
from tests.helpers.environment import ROOT

# Generous bounds, never assertions about speed: a fresh install downloads nothing when
# pip's cache is warm (scripts/test has just installed the same packages).
READY_WITHIN = 600
STOP_WITHIN = 90
UNSET = ("DATABASE_", "REDIS_", "CELERY_", "CONFIDE_", "PG", "VIRTUAL_ENV", "PYTHON")


README = ROOT / "README.md"


def readme_run_command() -> str:
    """The first shell block of the README's "Two commands" section: the run command."""
    section = README.read_text().split("## Two commands", 1)[1]
    block = re.search(r"```sh\n(.+?)\n```", section, re.DOTALL)
    assert block, "README.md's 'Two commands' section has no sh block"
    command = block.group(1).strip()
    assert "confide run" in command, command
    return command


def _copy_of_the_tree(target: Path) -> None:
    """What a clean clone holds: the tracked files (as they are now) and new unignored ones."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _free_pair() -> int:
    """A free port whose next port is free too (the development provider's), below the
    ephemeral range, where outgoing connections of other processes do not land."""
    for _ in range(200):
        port = secrets.randbelow(30_000 - 20_000) + 20_000
        try:
            with socket.socket() as web, socket.socket() as provider:
                web.bind(("127.0.0.1", port))
                provider.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        return port
    raise RuntimeError("no free pair of ports")


def _environment(port: int) -> dict[str, str]:
    """This environment without any Confide, database, Redis or virtual-environment setting."""
    venv_bin = str(ROOT / ".venv" / "bin")
    env = {k: v for k, v in os.environ.items() if not k.startswith(UNSET)}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env["CONFIDE_PORT"] = str(port)  # the command's text stays the README's
    return env


class ReadmeRun:
    """One run of the README's command in ``folder``, its output in ``log``."""

    def __init__(self, folder: Path, port: int, log: Path) -> None:
        self.log = log
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            ["bash", "-c", readme_run_command()],
            cwd=folder,
            env=_environment(port),
            stdin=subprocess.DEVNULL,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self) -> tuple[float, float]:
        """Seconds until ``confide run`` started (the install before it done), and until
        its summary said it was ready."""
        installed = None
        while "Press Ctrl-C to stop." not in self.output():
            assert self.proc.poll() is None, f"the command exited early:\n{self.output()[-3000:]}"
            assert time.monotonic() - self.started < READY_WITHIN, self.output()[-3000:]
            if installed is None and "Starting Confide" in self.output():
                installed = time.monotonic() - self.started
            time.sleep(0.2)
        ready = time.monotonic() - self.started
        return installed or ready, ready

    def ctrl_c(self) -> int:
        """What Ctrl-C in its terminal does: SIGINT to the foreground process group."""
        os.killpg(self.proc.pid, signal.SIGINT)
        return self.proc.wait(timeout=STOP_WITHIN)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def clean_copy() -> Iterator[Path]:
    # Directly under /tmp: the embedded PostgreSQL opens every parent folder of its data.
    folder = Path(tempfile.mkdtemp(prefix="confide-readme-", dir="/tmp"))
    copy = folder / "confide"
    _copy_of_the_tree(copy)
    yield copy
    shutil.rmtree(folder, ignore_errors=True)


def _summary_lines(output: str) -> list[str]:
    return output[output.index("Confide is running") :].splitlines()


def _provider(output: str) -> str:
    """The development provider's address, as the summary gives it (the port after the
    web app's, or any free one when that is busy)."""
    found = re.search(r"development provider (http://127\.0\.0\.1:\d+)\n", output)
    assert found, output
    return found.group(1)


def _leftovers(folder: Path) -> list[str]:
    found = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if str(folder) in line]


def test_the_readme_run_command_signs_a_caseworker_in_opens_a_case_and_signs_out(
    clean_copy: Path, browser: Browser
) -> None:
    port = _free_pair()
    base = f"http://127.0.0.1:{port}"
    data = clean_copy / ".confide"
    first = ReadmeRun(clean_copy, port, ARTIFACTS / "readme-run-first.log")
    try:
        installed_after, ready_after = first.wait_ready()
        output = first.output()
        summary = _summary_lines(output)
        provider = _provider(output)
        for line in (
            "  Northmoor SEND Information, Advice and Support Service",
            f"    {base}/t/northmoor/",
            "  Eastdale SENDIASS",
            f"    {base}/t/eastdale/",
            f"  Sign in:  as any demo member of staff, at the development provider {provider}",
            f"  Data:     {data} (PostgreSQL included)",
            f"  Logs:     {data / 'logs'}/",
            "Press Ctrl-C to stop.",
        ):
            assert line in summary, f"{line!r} not in the summary:\n{output}"
        confide_output = output[output.index("Starting Confide") :]
        for noise in ("{", "migration", "superuser", "celery", "Uvicorn", "Traceback"):
            assert noise not in confide_output, f"{noise!r} in the output:\n{confide_output}"
        assert len(confide_output.splitlines()) <= 20

        page = browser.new_context().new_page()
        page.goto(f"{base}/")
        visit(page, "readme-run-root").page.get_by_test_id("demo-service-northmoor").click()
        assert page.url == f"{base}/t/northmoor/"
        page.get_by_test_id("sign-in").click()
        assert page.url.startswith(f"{provider}/"), f"Sign in stayed at {page.url}"
        DevProviderPage(page).choose("northmoor-cw-1")
        page.wait_for_url(f"{base}/t/northmoor/dashboard")
        assert page.get_by_test_id("signed-in-name").inner_text().strip() == "Aisha Rahman"
        case_link = page.get_by_test_id("case-link").first
        reference = case_link.inner_text().strip()
        case_link.click()
        opened = visit(page, "readme-run-case")
        assert opened.heading() == reference
        page.get_by_test_id("sign-out").click()
        page.wait_for_url(f"{base}/t/northmoor/signed-out")
        assert visit(page, "readme-run-signed-out").heading() == "You have signed out"
        page.context.close()
    finally:
        stopped = first.ctrl_c() if first.proc.poll() is None else first.proc.returncode
        first.kill()
    assert stopped == 0, first.output()[-3000:]
    assert first.output().rstrip().endswith(f"Stopped. The data is kept in {data}")
    assert _leftovers(clean_copy) == [], "the run left processes behind"
    assert (data / "pg" / "PG_VERSION").exists()
    assert (data / "secret_key").stat().st_mode & 0o077 == 0
    setup = (data / "logs" / "setup.log").read_text()
    for slug in ("northmoor", "eastdale"):
        assert f"{slug}: 4 demo staff, 40 synthetic cases" in setup
    assert '"route": "/t/{tenant_slug}/cases/{case_id}"' in (data / "logs" / "web.log").read_text()

    with socket.socket() as neighbour:  # the provider's usual port is busy this time
        # The first run's provider just closed its connections there (TIME_WAIT).
        neighbour.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        neighbour.bind(("127.0.0.1", port + 1))
        neighbour.listen()
        second = ReadmeRun(clean_copy, port, ARTIFACTS / "readme-run-second.log")
        try:
            second.wait_ready()
            elsewhere = _provider(second.output())
            assert elsewhere != f"http://127.0.0.1:{port + 1}"
            assert httpx.get(f"{elsewhere}/.well-known/openid-configuration").is_success
            assert "Eastdale SENDIASS" in httpx.get(f"{base}/t/eastdale/").text
        finally:
            stopped = second.ctrl_c() if second.proc.poll() is None else second.proc.returncode
            second.kill()
    assert stopped == 0, second.output()[-3000:]
    assert "demo tenants: northmoor, eastdale (new: 0)" in (data / "logs" / "setup.log").read_text()
    assert _leftovers(clean_copy) == []
    (ARTIFACTS / "readme-run-timing.txt").write_text(
        f"fresh venv and pip install: {installed_after:.0f} s; "
        f"first start (database, migrations, demo data): {ready_after - installed_after:.0f} s\n"
    )
