"""The policy settings area (tenant admins, one page per group, no JavaScript), its
history of versions, the policy's reviews by managers, and the published policy families
read without signing in (rule 13, rule 16)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date

import asyncpg
import httpx
import pytest

from tests.helpers.casework import as_tenant
from tests.helpers.html import error_summary, field_error, form_values, page_text, parse, table_rows
from tests.helpers.pages import NM, submit
from tests.helpers.tenants import TenantRef

POLICY = f"{NM}/admin/policy"


@pytest.fixture
async def defaults_again(tenants: dict[str, TenantRef]) -> AsyncIterator[None]:
    """Other tests use the default settings: put them back however the test ends."""
    yield
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.document import set_policy_text
    from confide.tenants.policy.services import (
        set_access_settings,
        set_controller,
        set_policy_review_months,
        set_retention_settings,
    )

    for slug, name in (("northmoor", "Northmoor Council"), ("eastdale", "Eastdale Council")):
        async with tenant_transaction(tenants[slug].id):
            await set_retention_settings(6, 25)
            await set_access_settings(4, 30, 10)
            await set_policy_review_months(24)
            await set_controller("council", name, "dpo@example.org", "", "")
    async with tenant_transaction(tenants["northmoor"].id):
        from confide.tenants.policy.document import DEFAULT_TEXT

        await set_policy_text(dict(DEFAULT_TEXT), changed_by=None)


def _pairs(page: httpx.Response, **changes: str) -> list[tuple[str, str]]:
    values = {k: v for k, v in form_values(page.text).items() if k != "_csrf_token"}
    values.update(changes)
    return list(values.items())


async def _change(http: httpx.AsyncClient, slug: str, group: str, **changes: str) -> httpx.Response:
    path = f"/t/{slug}/admin/policy/{group}"
    return await submit(http, path, path, _pairs(await http.get(path), **changes))


async def test_an_admin_changes_a_group_and_the_history_shows_who_old_and_new(
    gareth: httpx.AsyncClient,
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]],
    defaults_again: None,
) -> None:
    overview = await gareth.get(POLICY)
    assert overview.status_code == 200
    assert parse(overview).one("[data-testid=retention_years]").text.strip() == "6"
    assert parse(overview).one("[data-testid=capacity_age]").text.strip() == "12"
    saved = await _change(gareth, "northmoor", "retention", years="8", birthday="25")
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{POLICY}/retention?saved=true"
    assert parse(await gareth.get(POLICY)).one("[data-testid=retention_years]").text.strip() == "8"
    history = await gareth.get(f"{POLICY}/history")
    rows = table_rows(history, "table[data-testid=changes]")
    assert rows[0][1:] == ["Gareth Pryce", "retention", "retention_years", "6", "8"]
    # Another tenant's settings and history are its own.
    seun = await sign_in_as("seun")
    east = await seun.get("/t/eastdale/admin/policy")
    assert parse(east).one("[data-testid=retention_years]").text.strip() == "6"
    assert "Gareth Pryce" not in page_text(await seun.get("/t/eastdale/admin/policy/history"))
    elsewhere = await seun.get(f"{POLICY}/history")  # no session at Northmoor: sign in there
    assert elsewhere.status_code == 303
    assert "retention" not in elsewhere.text


async def test_bad_settings_come_back_on_the_form_naming_each_field(
    gareth: httpx.AsyncClient, defaults_again: None
) -> None:
    bad = await _change(gareth, "northmoor", "access", break_glass_hours="0", idle_minutes="²")
    assert bad.status_code == 400
    fields = [href for href, _ in error_summary(bad)]
    assert fields == ["#break_glass_hours", "#idle_minutes"]
    assert field_error(bad, "break_glass_hours") == (
        "The break-glass time box must be between 1 and 72 hours"
    )
    bad = await _change(gareth, "northmoor", "controller", kind="owl", email="not an email")
    assert bad.status_code == 400
    assert [href for href, _ in error_summary(bad)] == ["#kind", "#email"]
    assert (await gareth.get(f"{POLICY}/no-such-group")).status_code == 404


async def test_only_the_tenant_admin_changes_settings(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    for http in (aisha, fiona):
        assert (await http.get(POLICY)).status_code == 403
        assert (await http.get(f"{POLICY}/retention")).status_code == 403
    assert (await aisha.get(f"{NM}/policy-review")).status_code == 403


async def test_the_public_page_shows_the_services_own_settings_and_its_controllers_voice(
    gareth: httpx.AsyncClient,
    client: httpx.AsyncClient,
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]],
    defaults_again: None,
) -> None:
    from tests.helpers.command import confide

    await _change(gareth, "northmoor", "retention", years="9", birthday="26")
    await _change(
        gareth,
        "northmoor",
        "document",
        review_months="12",
        introduction="Northmoor SENDIASS helps families across the moor.",
    )
    public = await client.get(f"{NM}/policy")
    assert public.status_code == 200
    page = parse(public)
    assert "9 years after our last contact" in page.one("[data-testid=retention]").text
    assert "26th birthday" in page.one("[data-testid=retention]").text
    assert "every 12 months" in page.one("[data-testid=review]").text
    assert page.one("[data-testid=text-introduction]").text == (
        "Northmoor SENDIASS helps families across the moor."
    )
    assert "the data controller" in page.one("[data-testid=controller]").text
    assert "a charity" not in page.one("[data-testid=controller]").text
    seun = await sign_in_as("seun")
    changed = await _change(
        seun, "eastdale", "controller", kind="charity", name="Eastdale Family Trust",
        email="privacy@trust.example",
    )  # fmt: skip
    assert changed.status_code == 303, changed.text
    east = parse(await client.get("/t/eastdale/policy"))
    assert "Eastdale Family Trust, a charity" in east.one("[data-testid=controller]").text
    assert "privacy@trust.example" in east.one("[data-testid=controller-contact]").text
    assert "6 years" in east.one("[data-testid=retention]").text, "Eastdale's own, not Northmoor's"
    assert "across the moor" not in page_text(await client.get("/t/eastdale/policy"))
    unknown = await client.get("/t/no-such-service/policy")
    assert unknown.status_code == 404
    confide("tenants", "suspend", "eastdale")
    try:
        suspended = await client.get("/t/eastdale/policy")
        assert suspended.status_code == 404
        assert suspended.text == unknown.text
    finally:
        confide("tenants", "restore", "eastdale")


async def test_a_manager_records_a_review_and_an_overdue_one_is_on_their_dashboard(
    bronwen: httpx.AsyncClient,
    priya: httpx.AsyncClient,
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    from confide.platform.core.clock import service_today

    today = service_today()
    long_ago = date(today.year - 3, today.month, 1)
    form = "/t/eastdale/policy-review"
    dashboard = "/t/eastdale/dashboard"
    seun = await sign_in_as("seun")

    def day(d: date) -> list[tuple[str, str]]:
        return [("reviewed_on-day", str(d.day)), ("reviewed_on-month", str(d.month)),
                ("reviewed_on-year", str(d.year))]  # fmt: skip

    future = await submit(bronwen, form, form, day(date(today.year + 1, 1, 1)))
    assert future.status_code == 400
    assert [href for href, _ in error_summary(future)] == ["#reviewed_on-day"]
    old = await submit(bronwen, form, form, [*day(long_ago), ("note", "Reviewed the old way")])
    assert old.status_code == 303, old.text
    banner = parse(await bronwen.get(dashboard)).first("[data-testid=policy-review-overdue]")
    assert banner is not None, "a review three years ago is overdue"
    assert parse(await priya.get(dashboard)).first("[data-testid=policy-review-overdue]") is None, (
        "the banner is for managers"
    )
    done = await submit(seun, form, form, [*day(today), ("note", "Checked against the law")])
    assert done.status_code == 303
    assert parse(await bronwen.get(dashboard)).first("[data-testid=policy-review-overdue]") is None
    rows = table_rows(await bronwen.get(form), "table[data-testid=reviews]")
    assert [r[1:] for r in rows[:2]] == [
        ["Seun Adeyemi", "Checked against the law"],
        ["Bronwen Ellis", "Reviewed the old way"],
    ]


async def test_a_review_recorded_by_another_process_is_seen_at_the_next_request(
    bronwen: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    """The policy each process keeps holds the latest review's day, and each request's BEGIN
    checks the row unchanged: a review recorded elsewhere (here straight in the table, as
    another process would) moves the banner at the next request."""
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import set_policy_review_months

    east = tenants["eastdale"]
    dashboard = "/t/eastdale/dashboard"
    overdue = "[data-testid=policy-review-overdue]"
    async with tenant_transaction(east.id):
        await set_policy_review_months(24)  # the row exists, whatever ran before
    [before] = await as_tenant(owner_conn, east, "SELECT policy_reviewed_on FROM tenant_policies")
    await as_tenant(owner_conn, east, "UPDATE tenant_policies SET policy_reviewed_on = NULL")
    try:
        await bronwen.get(dashboard)  # kept by this process now
        await as_tenant(
            owner_conn, east, "UPDATE tenant_policies SET policy_reviewed_on = '2001-01-01'"
        )
        assert parse(await bronwen.get(dashboard)).first(overdue) is not None
        await as_tenant(
            owner_conn, east, "UPDATE tenant_policies SET policy_reviewed_on = current_date"
        )
        assert parse(await bronwen.get(dashboard)).first(overdue) is None
    finally:
        await as_tenant(
            owner_conn,
            east,
            "UPDATE tenant_policies SET policy_reviewed_on = $1",
            before["policy_reviewed_on"],
        )
