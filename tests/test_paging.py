"""One page of a query and the count of them all in one round trip (core/sql.paged)."""

from __future__ import annotations

import pytest

from confide.platform.core.db import tenant_transaction
from confide.platform.core.pagination import PageRequest
from confide.platform.core.sql import paged
from tests.helpers.tenants import TenantRef

SERIES = "SELECT n FROM generate_series(1, {}) AS n ORDER BY n DESC"


@pytest.mark.parametrize(
    ("rows", "limit", "offset", "expected", "total"),
    [
        (7, 3, 0, [7, 6, 5], 7),
        (7, 3, 6, [1], 7),
        (7, 3, 9, [], 7),  # past the end: the count comes from a second query
        (0, 3, 0, [], 0),
    ],
)
async def test_a_page_keeps_its_order_and_counts_every_row(
    pool: None,
    tenants: dict[str, TenantRef],
    rows: int,
    limit: int,
    offset: int,
    expected: list[int],
    total: int,
) -> None:
    async with tenant_transaction(tenants["alpha"].id):
        page = await paged(SERIES, rows, page=PageRequest(limit=limit, offset=offset))
    assert [row["n"] for row in page.items] == expected
    assert page.total == total
    assert all(set(row) == {"n"} for row in page.items), "the count column is not a row's"
