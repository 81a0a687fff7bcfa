"""A large period's annual return built by the export worker (issue 18, rule 12): over
``CONFIDE_STATISTICS_INLINE_CASES`` cases, releasing the period queues an export of kind
``annual_return`` that a real Celery worker builds step by step with its progress; the
release it keeps is byte for byte the one a release in the request makes of the same data,
audited once as made by the manager who asked; asked again while it is built, the same
export; the asker no longer a manager when it finishes, it fails and nothing is kept; a
wrong year is still refused at once; caseworkers never see it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.helpers.casework import as_tenant
from tests.helpers.environment import OWNER_URL
from tests.helpers.exports import wait_until_finished
from tests.helpers.html import buttons, links, page_text
from tests.helpers.http import post
from tests.helpers.pages import submit
from tests.helpers.retention import old_case
from tests.helpers.tenants import TenantRef

NM = "/t/northmoor"
API = f"{NM}/api"


@pytest.fixture
def small_inline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any period of more than 2 cases is built by the worker, for the test."""
    from confide.platform.core.settings import reload_settings

    monkeypatch.setenv("CONFIDE_STATISTICS_INLINE_CASES", "2")
    reload_settings()
    yield
    monkeypatch.delenv("CONFIDE_STATISTICS_INLINE_CASES")
    reload_settings()


@contextlib.asynccontextmanager
async def figures_held() -> AsyncIterator[asyncpg.Connection]:
    """The information requests' table locked for the block: a worker building an annual
    return starts it (running, nought done) and then waits in its figures' statement
    until the block ends. Releasing a period in a request reads no information request."""
    holder = await asyncpg.connect(OWNER_URL)
    try:
        await holder.execute("BEGIN; LOCK TABLE information_requests IN ACCESS EXCLUSIVE MODE")
        yield holder
    finally:
        await holder.execute("ROLLBACK")
        await holder.close()


#: Calendar years no other test names (they share the services' database); each test takes
#: the first ones not released yet (the e2e journey takes any not released). There are no
#: more (the others are other tests'): a test that needs none of its year's release or
#: export afterwards deletes them, giving the year back.
FREE_YEARS = (2016, 2009, 2007, 2006, 2004, 2002, 2001, 2000)


async def _free_years(owner: asyncpg.Connection, tenant: TenantRef, n: int = 1) -> list[int]:
    rows = await as_tenant(
        owner, tenant,
        "SELECT extract(year FROM period_start)::int AS year FROM statistics_releases"
        " WHERE period_kind = 'calendar' UNION SELECT extract(year FROM period_start)::int"
        " FROM exports WHERE kind = 'annual_return'",
    )  # fmt: skip
    taken = {r["year"] for r in rows}
    return [y for y in FREE_YEARS if y not in taken][:n]


async def _cases_in(http: httpx.AsyncClient, year: int, n: int) -> None:
    """``n`` (at most 4) cases opened from September to December of ``year``: in its
    calendar, financial and academic year alike, none in another test's."""
    for i in range(n):
        await old_case(
            http, 0, at=datetime(year, 9 + i, 10, 12, tzinfo=UTC), topics=["Transport"],
            contacted_by="parent" if i % 2 else "young_person",
        )  # fmt: skip


async def _release(http: httpx.AsyncClient, year: int) -> httpx.Response:
    return await post(http, f"{API}/statistics/releases", {"year": year, "period": "calendar"})


async def _export_of(http: httpx.AsyncClient, export_id: str) -> dict[str, Any]:
    found = await http.get(f"{API}/exports/{export_id}")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


async def _until_running(http: httpx.AsyncClient, export_id: str, worker: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = await _export_of(http, export_id)
        if found["status"] == "running":
            return found
        assert worker.poll() is None, "the worker died"
        await asyncio.sleep(0.1)
    raise AssertionError("the build never started")


async def _made_audits(owner: asyncpg.Connection, tenant: TenantRef, release_id: str) -> list[Any]:
    return list(
        await as_tenant(
            owner, tenant,
            "SELECT actor_id, detail FROM audit_entries WHERE action = 'statistics_release_made'"
            " AND subject_id = $1",
            uuid.UUID(release_id),
        )
    )  # fmt: skip


async def _kept(owner: asyncpg.Connection, tenant: TenantRef, year: int) -> list[Any]:
    return list(
        await as_tenant(
            owner, tenant,
            "SELECT id, csv, csv_sha256, produced_by FROM statistics_releases"
            " WHERE period_kind = 'calendar' AND period_start = $1",
            date(year, 1, 1),
        )
    )  # fmt: skip


async def _staff_id(owner: asyncpg.Connection, tenant: TenantRef, subject: str) -> uuid.UUID:
    [row] = await as_tenant(owner, tenant, "SELECT id FROM staff_users WHERE subject = $1", subject)
    found: uuid.UUID = row["id"]
    return found


async def test_a_large_period_is_built_by_the_worker_with_progress_and_kept_as_inline(
    worker: subprocess.Popen[str],
    small_inline: None,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from confide.platform.core.settings import reload_settings

    northmoor = tenants["northmoor"]
    [year] = await _free_years(owner_conn, northmoor)
    await _cases_in(aisha, year, 4)
    async with figures_held():
        asked = await _release(fiona, year)
        assert asked.status_code == 202, asked.text
        body = asked.json()
        export = body["export"]
        assert export["kind"] == "annual_return"
        assert export["period_kind"] == "calendar"
        assert export["period_start"] == f"{year}-01-01"
        assert export["case_id"] is None
        assert body["poll"] == f"{API}/exports/{export['id']}"
        running = await _until_running(fiona, export["id"], worker)
        assert running["progress_done"] == 0
        assert running["progress_total"] == 4
        # Asked again while it is built: the same export, nothing queued twice.
        again = await _release(fiona, year)
        assert again.status_code == 202, again.text
        assert again.json()["export"]["id"] == export["id"]
        # The progress page (no JavaScript: a link to look again) and the return's page.
        page = await fiona.get(f"{NM}/statistics/annual-return/builds/{export['id']}")
        assert page.status_code == 200, page.text
        assert "step 0 of 4 (0%)" in page_text(page)
        assert ("Check progress again", f"{NM}/statistics/annual-return/builds/{export['id']}") in (
            links(page)
        )
        assert 'data-module="confide-export-progress"' in page.text
        shown = await fiona.get(f"{NM}/statistics/annual-return", params={"year": year})
        assert "is being released" in page_text(shown)
        assert ("See its progress", f"{NM}/statistics/annual-return/builds/{export['id']}") in (
            links(shown)
        )
        # A caseworker never sees it: not in their exports, not found by id.
        listed = (await aisha.get(f"{API}/exports")).json()
        assert export["id"] not in [e["id"] for e in listed["items"]]
        assert (await aisha.get(f"{API}/exports/{export['id']}")).status_code == 404
        assert (await aisha.get(f"{NM}/exports/{export['id']}/progress")).status_code == 404
        assert (
            await aisha.get(f"{NM}/statistics/annual-return/builds/{export['id']}")
        ).status_code == 403
    done = await wait_until_finished(fiona, export["id"], worker)
    assert done["status"] == "ready", done
    assert done["progress_done"] == done["progress_total"] == 4
    [kept] = await _kept(owner_conn, northmoor, year)
    fiona_id = await _staff_id(owner_conn, northmoor, "northmoor-manager")
    assert kept["produced_by"] == fiona_id
    [made] = await _made_audits(owner_conn, northmoor, str(kept["id"]))
    assert made["actor_id"] == fiona_id
    assert json.loads(made["detail"])["csv_sha256"] == kept["csv_sha256"]
    # Ready: the progress page links to the return, which shows the release.
    page = await fiona.get(f"{NM}/statistics/annual-return/builds/{export['id']}")
    assert ("View the annual return", f"{NM}/statistics/annual-return?year={year}") in links(page)
    released = await fiona.get(f"{API}/statistics/annual-return", params={"year": year})
    assert released.status_code == 200, released.text
    assert released.json()["year"] == year
    # Released again: the one kept (200), nothing made or queued.
    assert (await _release(fiona, year)).status_code == 200
    assert len(await _made_audits(owner_conn, northmoor, str(kept["id"]))) == 1
    # The same data released in the request instead: the very same CSV.
    await as_tenant(
        owner_conn, northmoor, "DELETE FROM statistics_releases WHERE id = $1", kept["id"]
    )
    monkeypatch.setenv("CONFIDE_STATISTICS_INLINE_CASES", "20000")
    reload_settings()
    inline = await _release(fiona, year)
    assert inline.status_code == 201, inline.text
    [again_kept] = await _kept(owner_conn, northmoor, year)
    assert again_kept["csv_sha256"] == kept["csv_sha256"]
    assert bytes(again_kept["csv"]) == bytes(kept["csv"])


async def test_an_asker_who_is_no_longer_a_manager_when_it_is_built_fails_it(
    worker: subprocess.Popen[str],
    small_inline: None,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    northmoor = tenants["northmoor"]
    [year] = await _free_years(owner_conn, northmoor)
    await _cases_in(aisha, year, 3)
    [row] = await as_tenant(
        owner_conn, northmoor, "SELECT roles FROM staff_users WHERE subject = 'northmoor-manager'"
    )
    roles = row["roles"]
    demote = "UPDATE staff_users SET roles = $1::jsonb WHERE subject = 'northmoor-manager'"
    try:
        async with figures_held():
            asked = await _release(fiona, year)
            assert asked.status_code == 202, asked.text
            export_id = asked.json()["export"]["id"]
            await _until_running(fiona, export_id, worker)
            # Mid-build, she is a caseworker now (her provider's groups changed).
            await as_tenant(owner_conn, northmoor, demote, '["caseworker"]')
        deadline = time.monotonic() + 60
        while True:
            [found] = await as_tenant(
                owner_conn, northmoor, "SELECT status, failure FROM exports WHERE id = $1",
                uuid.UUID(export_id),
            )  # fmt: skip
            if found["status"] not in ("queued", "running"):
                break
            assert time.monotonic() < deadline
            assert worker.poll() is None
            await asyncio.sleep(0.2)
        # A caseworker now: her own annual return is the managers' (not listed, not found).
        assert (await fiona.get(f"{API}/exports/{export_id}")).status_code == 404
        listed = (await fiona.get(f"{API}/exports")).json()
        assert export_id not in [e["id"] for e in listed["items"]]
    finally:
        await as_tenant(owner_conn, northmoor, demote, roles)
    assert (found["status"], found["failure"]) == ("failed", "not_a_manager")
    assert await _kept(owner_conn, northmoor, year) == []
    # A manager again: the progress page says what failed, and the period can be released.
    page = await fiona.get(f"{NM}/statistics/annual-return/builds/{export_id}")
    assert page.status_code == 200, page.text
    assert "no longer a manager" in page_text(page)
    again = await _release(fiona, year)
    assert again.status_code == 202, again.text
    assert again.json()["export"]["id"] != export_id
    assert (await wait_until_finished(fiona, again.json()["export"]["id"], worker))["status"] == (
        "ready"
    )


async def test_a_wrong_year_is_refused_at_once_and_the_page_goes_to_the_progress(
    worker: subprocess.Popen[str],
    small_inline: None,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    from confide.platform.core.clock import service_today

    northmoor = tenants["northmoor"]
    before = await as_tenant(
        owner_conn, northmoor, "SELECT count(*) AS n FROM exports WHERE kind = 'annual_return'"
    )
    refused = await _release(fiona, service_today().year)
    assert refused.status_code == 400, refused.text
    assert "has ended" in refused.json()["errors"]["year"]
    financial = await post(
        fiona, f"{API}/statistics/releases", {"year": 2012, "period": "financial"}
    )
    assert financial.status_code == 400
    assert "period" in financial.json()["errors"]
    after = await as_tenant(
        owner_conn, northmoor, "SELECT count(*) AS n FROM exports WHERE kind = 'annual_return'"
    )
    assert after[0]["n"] == before[0]["n"]
    # The page's confirmation: a large period goes to its progress page.
    [year] = await _free_years(owner_conn, northmoor)
    await _cases_in(aisha, year, 3)
    confirm = f"{NM}/statistics/annual-return/release?year={year}"
    done = await submit(
        fiona, confirm, f"{NM}/statistics/annual-return/release",
        [("year", str(year)), ("period", "calendar")],
    )  # fmt: skip
    assert done.status_code == 303, done.text
    location = done.headers["location"]
    assert location.startswith(f"{NM}/statistics/annual-return/builds/")
    export_id = location.rsplit("/", 1)[1]
    assert (await wait_until_finished(fiona, export_id, worker))["status"] == "ready"
    page = await fiona.get(location)
    assert ("View the annual return", f"{NM}/statistics/annual-return?year={year}") in links(page)
    # A manager's exports list names it (no case, no download).
    listed = await fiona.get(f"{NM}/exports")
    assert f"Annual return {year}" in page_text(listed)
    # Another service's manager: not found, by page or API.
    ed = "/t/eastdale"
    assert (await bronwen.get(f"{ed}/statistics/annual-return/builds/{export_id}")).status_code == (
        404
    )
    assert (await bronwen.get(f"{ed}/api/exports/{export_id}")).status_code == 404


async def test_a_release_kept_meanwhile_makes_the_export_ready_and_nothing_twice(
    worker: subprocess.Popen[str],
    small_inline: None,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    northmoor = tenants["northmoor"]
    busy_year, year = await _free_years(owner_conn, northmoor, 2)
    await _cases_in(aisha, busy_year, 3)
    await _cases_in(aisha, year, 3)
    async with figures_held():
        # The worker (one task at a time) is busy with another period's figures, so this
        # period's build waits in the queue.
        busy = await _release(fiona, busy_year)
        assert busy.status_code == 202, busy.text
        await _until_running(fiona, busy.json()["export"]["id"], worker)
        asked = await _release(fiona, year)
        assert asked.status_code == 202, asked.text
        export_id = asked.json()["export"]["id"]
        assert (await _export_of(fiona, export_id))["status"] == "queued"
        # Meanwhile another release of the period is kept (as by a request, say).
        await as_tenant(
            owner_conn, northmoor,
            "INSERT INTO statistics_releases (id, tenant_id, period_kind, period_start,"
            " period_end, produced_by, published, csv, csv_sha256, xlsx, xlsx_sha256)"
            " SELECT gen_random_uuid(), $1, 'calendar', $2, $3, id, '{}'::jsonb, ''::bytea,"
            " 'meanwhile', ''::bytea, 'meanwhile' FROM staff_users"
            " WHERE subject = 'northmoor-manager'",
            northmoor.id, date(year, 1, 1), date(year, 12, 31),
        )  # fmt: skip
    done = await wait_until_finished(fiona, export_id, worker)
    assert done["status"] == "ready", done
    [kept] = await _kept(owner_conn, northmoor, year)
    assert kept["csv_sha256"] == "meanwhile"
    assert await _made_audits(owner_conn, northmoor, str(kept["id"])) == []


async def test_a_stalled_build_is_asked_for_again_and_only_the_new_one_keeps_the_release(
    worker: subprocess.Popen[str],
    small_inline: None,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    northmoor = tenants["northmoor"]
    [year] = await _free_years(owner_conn, northmoor)
    await _cases_in(aisha, year, 3)
    async with figures_held():
        first = await _release(fiona, year)
        assert first.status_code == 202, first.text
        stalled_id = first.json()["export"]["id"]
        await _until_running(fiona, stalled_id, worker)
        # No attempt begun for over half an hour, as a build whose task the broker lost.
        await as_tenant(
            owner_conn, northmoor,
            "UPDATE exports SET requested_at = now() - interval '31 minutes',"
            " started_at = now() - interval '31 minutes' WHERE id = $1",
            uuid.UUID(stalled_id),
        )  # fmt: skip
        again = await _release(fiona, year)
        assert again.status_code == 202, again.text
        export_id = again.json()["export"]["id"]
        assert export_id != stalled_id
        stalled = await _export_of(fiona, stalled_id)
        assert (stalled["status"], stalled["failure"]) == ("failed", "stalled")
    done = await wait_until_finished(fiona, export_id, worker)
    assert done["status"] == "ready", done
    # The stalled attempt, finishing after all, kept nothing: one release, made once.
    assert (await _export_of(fiona, stalled_id))["status"] == "failed"
    [kept] = await _kept(owner_conn, northmoor, year)
    assert len(await _made_audits(owner_conn, northmoor, str(kept["id"]))) == 1


async def _stalled_build(
    owner: asyncpg.Connection, tenant: TenantRef, year: int, *, progressed: timedelta | None = None
) -> uuid.UUID:
    """A running annual return of the calendar ``year`` whose task was lost: asked for and
    started 31 minutes ago (its last step done ``progressed`` ago, or never), no worker
    holding it."""
    export_id = uuid.uuid4()
    manager = await _staff_id(owner, tenant, "northmoor-manager")
    await as_tenant(
        owner, tenant,
        "INSERT INTO exports (id, tenant_id, kind, status, requested_by, period_kind,"
        " period_start, requested_at, started_at, progress_total, progressed_at)"
        " VALUES ($1, $2, 'annual_return', 'running', $3, 'calendar', $4,"
        " now() - interval '31 minutes', now() - interval '31 minutes', 4,"
        " now() - $5::interval)",
        export_id, tenant.id, manager, date(year, 1, 1), progressed,
    )  # fmt: skip
    return export_id


async def _give_back(owner: asyncpg.Connection, tenant: TenantRef, year: int) -> None:
    """The calendar year free again for the next test (its cases stay: they count for
    nothing a test asserts)."""
    for table in ("statistics_releases", "exports"):
        await as_tenant(
            owner, tenant,
            f"DELETE FROM {table} WHERE period_kind = 'calendar' AND period_start = $1",
            date(year, 1, 1),
        )  # fmt: skip


async def _status(owner: asyncpg.Connection, tenant: TenantRef, export_id: uuid.UUID) -> Any:
    [row] = await as_tenant(
        owner, tenant, "SELECT status, failure FROM exports WHERE id = $1", export_id
    )
    return (row["status"], row["failure"])


async def test_a_stalled_build_is_released_again_from_the_pages_and_a_progressing_one_is_not(
    worker: subprocess.Popen[str],
    small_inline: None,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Seen red: with ``building_release`` counting a stalled build, the return's page said
    it was being built and the confirmation went to its progress page, for ever; with
    ``progress`` not setting ``progressed_at``, a build running past 30 minutes with its
    steps coming was failed as stalled."""
    from confide.platform.exports.schemas import BundleView, ExportKind, ExportStatus, ExportView

    northmoor = tenants["northmoor"]
    [year] = await _free_years(owner_conn, northmoor)
    await _cases_in(aisha, year, 3)
    confirm = f"{NM}/statistics/annual-return/release?year={year}"
    # Started 31 minutes ago but its last step a minute ago: still being built.
    busy = await _stalled_build(owner_conn, northmoor, year, progressed=timedelta(minutes=1))
    shown = await fiona.get(f"{NM}/statistics/annual-return", params={"year": year})
    assert "is being released" in page_text(shown)
    asked = await fiona.get(confirm)
    assert asked.status_code == 303
    assert asked.headers["location"] == f"{NM}/statistics/annual-return/builds/{busy}"
    again = await _release(fiona, year)
    assert again.status_code == 202, again.text
    assert again.json()["export"]["id"] == str(busy)
    assert await _status(owner_conn, northmoor, busy) == ("running", None)
    # Its steps stopped coming too (the task was lost): the pages offer the release again.
    await as_tenant(
        owner_conn, northmoor,
        "UPDATE exports SET progressed_at = now() - interval '31 minutes' WHERE id = $1", busy,
    )  # fmt: skip
    shown = await fiona.get(f"{NM}/statistics/annual-return", params={"year": year})
    assert "has not been released yet" in page_text(shown)
    assert f"Release the return for {year}" in buttons(shown)
    page = await fiona.get(confirm)
    assert page.status_code == 200, page.text
    done = await submit(
        fiona, confirm, f"{NM}/statistics/annual-return/release",
        [("year", str(year)), ("period", "calendar")],
    )  # fmt: skip
    assert done.status_code == 303, done.text
    location = done.headers["location"]
    assert location.startswith(f"{NM}/statistics/annual-return/builds/")
    assert location != f"{NM}/statistics/annual-return/builds/{busy}"
    assert await _status(owner_conn, northmoor, busy) == ("failed", "stalled")
    export_id = location.rsplit("/", 1)[1]
    built = await wait_until_finished(fiona, export_id, worker)
    assert built["status"] == "ready"
    assert built["progressed_at"] is not None  # each step done says so
    # The rule itself, without the database: the latest sign of life counts.
    now = datetime.now(UTC)
    ago = [now - timedelta(minutes=m) for m in (31, 31, 1)]
    view = ExportView(
        id=uuid.uuid4(), kind=ExportKind.ANNUAL_RETURN, case_id=None, case_reference="",
        view=BundleView.FULL, include_documents=False, status=ExportStatus.RUNNING,
        progress_done=1, progress_total=4, failure=None, size_bytes=None, sha256=None,
        requested_by=uuid.uuid4(), requested_at=ago[0], finished_at=None, expires_at=None,
        started_at=ago[1], progressed_at=ago[2],
    )  # fmt: skip
    after = timedelta(minutes=30)
    assert not view.stalled(after, now)
    assert replace(view, progressed_at=None).stalled(after, now)
    assert not replace(view, progressed_at=None, started_at=now).stalled(after, now)


async def test_a_stalled_build_that_finished_before_it_was_failed_is_shown_not_queued_again(
    small_inline: None,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Read as stalled, then kept by its worker before the request marks it failed: the
    request finds the release (to the return's page), queues nothing. Seen red: without
    checking what the UPDATE matched, a new export was queued for a kept period."""
    northmoor = tenants["northmoor"]
    [year] = await _free_years(owner_conn, northmoor)
    await _cases_in(aisha, year, 3)
    stalled = await _stalled_build(owner_conn, northmoor, year)
    holder = await asyncpg.connect(OWNER_URL)
    try:
        await holder.execute("BEGIN")
        await holder.execute("SELECT set_config('app.tenant_id', $1, true)", str(northmoor.id))
        await holder.execute("SELECT 1 FROM exports WHERE id = $1 FOR UPDATE", stalled)
        xid = await holder.fetchval("SELECT pg_current_xact_id()::text")
        confirm = f"{NM}/statistics/annual-return/release?year={year}"
        pairs = [("year", str(year)), ("period", "calendar")]
        asked = asyncio.ensure_future(
            submit(fiona, confirm, f"{NM}/statistics/annual-return/release", pairs)
        )
        deadline = time.monotonic() + 30
        while not await owner_conn.fetchval(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'"
            " AND transactionid::text = $1",
            xid,
        ):  # the request waits to mark it failed
            assert time.monotonic() < deadline
            assert not asked.done()
            await asyncio.sleep(0.05)
        # Meanwhile its worker keeps the release and makes it ready.
        await holder.execute(
            "INSERT INTO statistics_releases (id, tenant_id, period_kind, period_start,"
            " period_end, produced_by, published, csv, csv_sha256, xlsx, xlsx_sha256)"
            " SELECT gen_random_uuid(), $1, 'calendar', $2, $3, requested_by, '{}'::jsonb,"
            " ''::bytea, 'its worker', ''::bytea, 'its worker' FROM exports WHERE id = $4",
            northmoor.id, date(year, 1, 1), date(year, 12, 31), stalled,
        )  # fmt: skip
        await holder.execute(
            "UPDATE exports SET status = 'ready', finished_at = now() WHERE id = $1", stalled
        )
        await holder.execute("COMMIT")
        response = await asked
    finally:
        await holder.close()
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{NM}/statistics/annual-return?year={year}"
    assert await _status(owner_conn, northmoor, stalled) == ("ready", None)
    queued = await as_tenant(
        owner_conn, northmoor,
        "SELECT id FROM exports WHERE kind = 'annual_return' AND period_start = $1",
        date(year, 1, 1),
    )  # fmt: skip
    assert [r["id"] for r in queued] == [stalled]
    await _give_back(owner_conn, northmoor, year)


async def test_a_threshold_changed_while_it_is_built_is_the_one_the_release_is_kept_under(
    worker: subprocess.Popen[str],
    small_inline: None,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Seen red: the worker kept the release under the threshold read at its start."""
    northmoor = tenants["northmoor"]
    [year] = await _free_years(owner_conn, northmoor)
    await _cases_in(aisha, year, 3)
    rows = await as_tenant(
        owner_conn, northmoor, "SELECT stats_suppression_threshold AS t FROM tenant_policies"
    )
    before = rows[0]["t"] if rows else 5  # the default, with no settings saved
    if not rows:
        await as_tenant(
            owner_conn, northmoor,
            "INSERT INTO tenant_policies (id, tenant_id) VALUES (gen_random_uuid(), $1)",
            northmoor.id,
        )  # fmt: skip
    change = "UPDATE tenant_policies SET stats_suppression_threshold = $1"
    try:
        async with figures_held():
            asked = await _release(fiona, year)
            assert asked.status_code == 202, asked.text
            export_id = asked.json()["export"]["id"]
            await _until_running(fiona, export_id, worker)
            # Started under ``before``; an admin changes it while the figures are counted.
            await as_tenant(owner_conn, northmoor, change, before + 3)
        assert (await wait_until_finished(fiona, export_id, worker))["status"] == "ready"
        [kept] = await as_tenant(
            owner_conn, northmoor,
            "SELECT (published->'cases'->>'threshold')::int AS t FROM statistics_releases"
            " WHERE period_kind = 'calendar' AND period_start = $1",
            date(year, 1, 1),
        )  # fmt: skip
    finally:
        await as_tenant(owner_conn, northmoor, change, before)
        if not rows:
            await as_tenant(owner_conn, northmoor, "DELETE FROM tenant_policies")
    assert kept["t"] == before + 3
    await _give_back(owner_conn, northmoor, year)


def test_an_annual_return_asked_for_is_labelled_so_in_the_audit_trail() -> None:
    """Seen red: every export asked for read "Asked for the case bundle"."""
    from confide.frontend.labels import action_label
    from confide.platform.audit.actions import Action

    assert action_label(Action.EXPORT_REQUESTED, "annual_return") == "Asked for the annual return"
    assert action_label(Action.EXPORT_REQUESTED, "full") == "Asked for the case bundle"
    assert action_label(Action.EXPORT_REQUESTED, None) == "Asked for the case bundle"
    assert action_label("no_such_action") == "no_such_action"


def _build_outcome(log: str) -> str | None:
    """What the first build the worker's log tells of came to, if it has finished."""
    for line in log.splitlines():
        if line.startswith("{") and (entry := json.loads(line))["event"] == "export_build_done":
            found: str = entry["outcome"]
            return found
    return None


async def test_a_tenant_suspended_before_the_build_is_kept_leaves_it_gone_not_ready(
    worker: subprocess.Popen[str],
    worker_log: Path,
    small_inline: None,
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """The service suspended after the figures are counted and before the release is kept:
    the finish step does nothing and the task says "gone" (the export stays running until
    it stalls, as when the start step meets a suspended service). Seen red: it said
    "already_ready"."""
    from tests.helpers.command import confide

    northmoor = tenants["northmoor"]
    [year] = await _free_years(owner_conn, northmoor)
    await _cases_in(aisha, year, 3)
    holder = await asyncpg.connect(OWNER_URL)
    try:
        async with figures_held():
            asked = await _release(fiona, year)
            assert asked.status_code == 202, asked.text
            export_id = uuid.UUID(asked.json()["export"]["id"])
            await _until_running(fiona, str(export_id), worker)
            # The export's row held: the figures' step, once counted, waits to say so.
            await holder.execute("BEGIN")
            await holder.execute("SELECT set_config('app.tenant_id', $1, true)", str(northmoor.id))
            await holder.execute("SELECT 1 FROM exports WHERE id = $1 FOR UPDATE", export_id)
            xid = await holder.fetchval("SELECT pg_current_xact_id()::text")
        deadline = time.monotonic() + 30
        while not await owner_conn.fetchval(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'"
            " AND transactionid::text = $1",
            xid,
        ):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        confide("tenants", "suspend", "northmoor")
        try:
            seen = len(await asyncio.to_thread(worker_log.read_text))
            await holder.execute("COMMIT")
            deadline = time.monotonic() + 30
            while not _build_outcome((await asyncio.to_thread(worker_log.read_text))[seen:]):
                assert time.monotonic() < deadline
                assert worker.poll() is None
                await asyncio.sleep(0.1)
        finally:
            confide("tenants", "restore", "northmoor")
    finally:
        await holder.close()
    assert _build_outcome((await asyncio.to_thread(worker_log.read_text))[seen:]) == "gone"
    assert await _status(owner_conn, northmoor, export_id) == ("running", None)
    assert await _kept(owner_conn, northmoor, year) == []
    await _give_back(owner_conn, northmoor, year)
