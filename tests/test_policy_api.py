"""The policy settings and the confidentiality policy document through the JSON API
(rule 13), in the OpenAPI document; each tenant's own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from tests.helpers.http import put
from tests.helpers.tenants import TenantRef

API = "/t/northmoor/api/policy"


@pytest.fixture
async def northmoor_defaults(tenants: dict[str, TenantRef]) -> AsyncIterator[None]:
    yield
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import set_statistics_settings

    async with tenant_transaction(tenants["northmoor"].id):
        await set_statistics_settings(5, False)


async def test_the_settings_are_read_and_changed_by_group_with_their_history(
    gareth: httpx.AsyncClient,
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]],
    northmoor_defaults: None,
) -> None:
    settings = (await gareth.get(API)).json()
    assert settings["statistics"] == {"stats_suppression_threshold": 5, "stats_round_to_5": False,
                                      "stats_year_kind": "calendar"}  # fmt: skip
    assert settings["retention"]["retention_birthday"] == 25
    assert settings["consent"]["capacity_age"] == 12
    bad = await put(gareth, f"{API}/statistics",
                    {"stats_suppression_threshold": 99, "stats_round_to_5": True})  # fmt: skip
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["threshold"]
    done = await put(gareth, f"{API}/statistics",
                     {"stats_suppression_threshold": 7, "stats_round_to_5": True})  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["statistics"]["stats_suppression_threshold"] == 7
    history = (await gareth.get(f"{API}/history?limit=1")).json()
    [newest] = history["items"]
    assert newest["group"] == "statistics"
    assert {"setting": "stats_suppression_threshold", "old": 5, "new": 7} in newest["changes"]
    # Eastdale's settings are its own; Northmoor's admin role opens nothing there.
    seun = await sign_in_as("seun")
    east = (await seun.get("/t/eastdale/api/policy")).json()
    assert east["statistics"]["stats_suppression_threshold"] == 5
    east_history = (await seun.get("/t/eastdale/api/policy/history?limit=100")).json()
    assert newest["id"] not in {item["id"] for item in east_history["items"]}


async def test_only_admins_change_settings_and_managers_read_the_document(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, gareth: httpx.AsyncClient
) -> None:
    assert (await fiona.get(API)).json()["retention"]["retention_years"] == 6
    refused = await put(fiona, f"{API}/retention", {"retention_years": 7, "retention_birthday": 25})
    assert refused.status_code == 403
    assert (await aisha.get(API)).status_code == 403
    assert (await aisha.get(f"{API}/document")).status_code == 403
    published = (await fiona.get(f"{API}/document")).json()
    assert published["settings"]["capacity_age"] == 12
    assert published["controller_kind"] == "council"
    assert published["review"]["due_on"]
    reviews = await fiona.post(
        f"{API}/document/reviews",
        json={"reviewed_on": "2999-01-01"},
        headers={"x-csrftoken": fiona.cookies["confide_csrf"]},
    )
    assert reviews.status_code == 400
    assert list(reviews.json()["errors"]) == ["reviewed_on"]
    text = await put(gareth, f"{API}/document/text", {"introduction": ""})
    assert text.status_code == 400
    assert "introduction" in text.json()["errors"]


async def test_the_policy_api_is_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/t/{tenant_slug}/api/policy",
        "/t/{tenant_slug}/api/policy/history",
        "/t/{tenant_slug}/api/policy/retention",
        "/t/{tenant_slug}/api/policy/document",
        "/t/{tenant_slug}/api/policy/document/reviews",
    ):
        assert path in paths, path
