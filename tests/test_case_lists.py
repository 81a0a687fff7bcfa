"""Each service's own enquiry topics and support level names, set by its tenant admin."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.helpers.casework import as_tenant, enquiry
from tests.helpers.html import error_summary, form_values, parse
from tests.helpers.http import csrf_token, post
from tests.helpers.pages import NM, enquiry_form, record_enquiry, submit, text
from tests.helpers.tenants import TenantRef

LISTS = f"{NM}/admin/case-lists"
NEW_TOPICS = ["EHC needs assessment", "Annual review", "Post-16 transition", "Mediation"]
NEW_LEVELS = ["Signposting", "Advice line", "Casework", "Tribunal support"]


@pytest.fixture
async def back_to_defaults(tenants: dict[str, TenantRef]) -> AsyncIterator[None]:
    """Other tests use the default lists: put them back however the test ends."""
    yield
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import (
        DEFAULT_SUPPORT_LEVELS,
        DEFAULT_TOPICS,
        set_case_lists,
    )

    async with tenant_transaction(tenants["northmoor"].id):
        await set_case_lists(DEFAULT_TOPICS, DEFAULT_SUPPORT_LEVELS)


def lists_form(topics: list[str], levels: list[str]) -> list[tuple[str, str]]:
    pairs = [("topics", "\n".join(topics))]
    pairs += [(f"support_level_{i}", name) for i, name in enumerate(levels, start=1)]
    return pairs


def _field(page: str, name: str) -> str:
    """What the lists form holds in the field ``name``, as it would be sent."""
    return form_values(page)[name]


async def _stored(owner: asyncpg.Connection, tenant: TenantRef) -> tuple[Any, Any]:
    rows = await as_tenant(
        owner, tenant, "SELECT enquiry_topics, support_level_names FROM tenant_policies"
    )
    return (rows[0]["enquiry_topics"], rows[0]["support_level_names"]) if rows else (None, None)


async def test_the_defaults_are_used_when_a_service_has_set_none(
    app: Any, aisha: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import (
        DEFAULT_SUPPORT_LEVELS,
        DEFAULT_TOPICS,
        get_policy,
    )

    assert DEFAULT_TOPICS[:6] == (
        "EHC needs assessment",
        "EHC plan",
        "School placement",
        "Exclusion",
        "Transport",
        "Tribunal or mediation",
    )
    assert len(DEFAULT_SUPPORT_LEVELS) == 4
    async with tenant_transaction(tenants["eastdale"].id):
        policy = await get_policy()
    assert policy.topics == DEFAULT_TOPICS
    assert policy.support_levels == DEFAULT_SUPPORT_LEVELS
    form = text(await aisha.get(f"{NM}/enquiries/new"))
    offered = [box.get("value") for box in parse(form).select("input[name=topics]")]
    assert offered == list(DEFAULT_TOPICS)
    for level, name in enumerate(DEFAULT_SUPPORT_LEVELS, start=1):
        assert f"Level {level}: {name}" in form


async def test_an_admin_changes_the_lists_and_caseworkers_get_them(
    aisha: httpx.AsyncClient,
    gareth: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    back_to_defaults: None,
) -> None:
    nm = tenants["northmoor"]
    older = await record_enquiry(aisha, topics=["Transport", "Exclusion"], support_level="3")

    page = text(await gareth.get(LISTS))
    assert "Transport" in _field(page, "topics")
    assert _field(page, "support_level_3") == "Individual support"
    saved = await submit(gareth, LISTS, LISTS, lists_form(NEW_TOPICS, NEW_LEVELS))
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{LISTS}?saved=true"
    after = text(await gareth.get(saved.headers["location"]))
    assert parse(after).select("[data-testid=saved]")
    assert _field(after, "topics").splitlines() == NEW_TOPICS
    assert _field(after, "support_level_4") == "Tribunal support"
    topics, levels = await _stored(owner_conn, nm)
    assert json.loads(topics) == NEW_TOPICS
    assert json.loads(levels) == NEW_LEVELS

    # The new-enquiry form offers the service's own lists.
    form = text(await aisha.get(f"{NM}/enquiries/new"))
    offered = [box.get("value") for box in parse(form).select("input[name=topics]")]
    assert offered == list(NEW_TOPICS)
    assert "Level 2: Advice line" in form
    assert "Level 3: Individual support" not in form

    # A topic no longer (or never) on the list is a field error, on the page and the API.
    for unknown in ("Transport", "Astrology"):
        refused = await submit(
            aisha, f"{NM}/enquiries/new", f"{NM}/enquiries/new", enquiry_form(topics=[unknown])
        )
        assert refused.status_code == 400
        assert 'id="topics-error"' in refused.text
        assert "Choose topics from the list" in text(refused)
    api = await post(aisha, f"{NM}/api/enquiries", enquiry(topics=["Transport"]))
    assert api.status_code == 400
    assert set(api.json()["errors"]) == {"topics"}
    newer = await record_enquiry(aisha, topics=["Post-16 transition"], support_level="4")
    assert "Post-16 transition" in text(await aisha.get(f"{NM}/cases/{newer}"))

    # The older case still shows the topic that was taken off, and the level's new name.
    case = text(await aisha.get(f"{NM}/cases/{older}"))
    assert parse(case).one("[data-testid=case-topics]").text == "Transport, Exclusion"
    assert "Level 3: Casework" in case

    # Audited with counts and flags only, never the text.
    rows = await as_tenant(
        owner_conn,
        nm,
        "SELECT a.actor_kind, a.detail::text AS detail, s.subject FROM audit_entries a"
        " JOIN staff_users s ON s.id = a.actor_id"
        " WHERE a.action = 'case_lists_changed' ORDER BY a.seq DESC LIMIT 1",
    )
    assert rows[0]["actor_kind"] == "staff"
    assert rows[0]["subject"] == "northmoor-admin"
    detail = json.loads(rows[0]["detail"])
    assert detail == {
        "topic_count": 4,
        "support_level_count": 4,
        "default_topics": False,
        "default_support_levels": False,
    }
    everything = await as_tenant(owner_conn, nm, "SELECT detail::text AS d FROM audit_entries")
    for row in everything:
        for name in ("Post-16", "Annual review", "Mediation", "Signposting", "Advice line"):
            assert name not in row["d"]


async def test_errors_come_back_with_everything_typed(
    gareth: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
    back_to_defaults: None,
) -> None:
    before = await _stored(owner_conn, tenants["northmoor"])
    typed = ["Exclusion", "  exclusion ", "Transport"]
    levels = ["Information", "A", "", "Intensive casework"]
    refused = await submit(gareth, LISTS, LISTS, lists_form(typed, levels))
    assert refused.status_code == 400
    page = text(refused)
    assert error_summary(refused)[0] == ("#topics", "Enter each topic once")
    assert "Enter each topic once" in page
    assert "The name for level 2 must be 2 to 80 characters" in page
    assert "Enter a name for level 3" in page
    assert _field(page, "topics").splitlines() == typed
    assert _field(page, "support_level_2") == "A"
    assert _field(page, "support_level_4") == "Intensive casework"
    assert csrf_token(refused.text)
    for topics, message in (
        ([], "Enter at least one topic"),
        ([f"Topic {i}" for i in range(31)], "Enter 30 topics or fewer"),
        (["X"], "Each topic must be 2 to 80 characters"),
        (["Y" * 81], "Each topic must be 2 to 80 characters"),
    ):
        bad = await submit(gareth, LISTS, LISTS, lists_form(topics, NEW_LEVELS))
        assert bad.status_code == 400
        assert message in text(bad)
    assert await _stored(owner_conn, tenants["northmoor"]) == before


async def test_a_caseworker_cannot_open_the_admin_page(aisha: httpx.AsyncClient) -> None:
    assert (await aisha.get(LISTS)).status_code == 403
    nav = text(await aisha.get(f"{NM}/dashboard"))
    assert "/admin/case-lists" not in nav
    posted = await submit(aisha, LISTS, LISTS, lists_form(["Astrology"], NEW_LEVELS))
    assert posted.status_code == 403


async def test_the_service_checks_the_lists_and_the_database_holds_four_levels(
    owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.errors import Invalid
    from confide.tenants.policy.services import (
        DEFAULT_SUPPORT_LEVELS,
        DEFAULT_TOPICS,
        get_policy,
        set_case_lists,
    )

    east = tenants["eastdale"]
    async with tenant_transaction(east.id):
        with pytest.raises(Invalid) as invalid:
            await set_case_lists(["Exclusion"], ["One", "Two", "Three"])
        assert set(invalid.value.errors) == {"support_levels"}
        assert "Three" not in str(invalid.value)
        # The defaults, saved as they are, are stored as NULL: the service's defaults follow.
        view = await set_case_lists(list(DEFAULT_TOPICS), list(DEFAULT_SUPPORT_LEVELS))
        assert view.topics == DEFAULT_TOPICS
        assert (await get_policy()).support_level_name(4) == DEFAULT_SUPPORT_LEVELS[3]
    assert await _stored(owner_conn, east) == (None, None)
    for column, value in (("support_level_names", '["a", "b", "c"]'), ("enquiry_topics", '"x"')):
        with pytest.raises(asyncpg.CheckViolationError):
            await as_tenant(
                owner_conn,
                east,
                f"UPDATE tenant_policies SET {column} = $1::jsonb RETURNING id",
                value,
            )
