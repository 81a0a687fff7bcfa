"""The SQL helpers: the only way a domain's ``queries.py`` runs a statement of its own.

Kept apart from ``core/db`` (the engine and the tenant context, which the surfaces use to
open a transaction) so the import contract can forbid the surfaces every way of running
SQL: the API, the pages and the tasks call domain services, never statements.
"""

from __future__ import annotations

from typing import Any

from piccolo.querystring import QueryString

from confide.platform.core.db import NoTenantError, current_tenant_id, get_engine
from confide.platform.core.pagination import Page, PageRequest


def connection() -> Any:
    """The asyncpg connection of the caller's tenant transaction (raises outside one).

    The hot reads (opening a case, loading its file, search) go to it directly: Piccolo's
    query building costs more than these queries do.
    """
    current_tenant_id()
    transaction = get_engine().current_transaction.get()
    if transaction is None:  # pragma: no cover - tenant_transaction always sets one
        raise NoTenantError("no tenant transaction")
    return transaction.connection


async def raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    """A raw query (``{}`` placeholders, values bound) as rows, in the caller's transaction
    when there is one."""
    rows = await get_engine().run_querystring(QueryString(sql, *args))
    return [dict(row) for row in rows or []]


async def paged(sql: str, *args: Any, page: PageRequest) -> Page[dict[str, Any]]:
    """One page of a query's rows and the count of them all, in one round trip.

    ``sql`` is a whole ``SELECT`` with its ``ORDER BY`` and without a limit. The count
    comes from ``count(*) OVER ()`` beside each row; only a page past the end, which has
    no row to carry it, costs a second query.
    """
    rows = await raw(
        f"SELECT q.*, count(*) OVER () AS page_total__ FROM ({sql}) AS q"  # noqa: S608
        " LIMIT {} OFFSET {}",
        *args,
        page.limit,
        page.offset,
    )
    if rows:
        total = int(rows[0]["page_total__"])
    elif page.offset:
        [counted] = await raw(f"SELECT count(*) AS n FROM ({sql}) AS q", *args)  # noqa: S608
        total = int(counted["n"])
    else:
        total = 0
    for row in rows:
        del row["page_total__"]
    return Page(rows, total, page.limit, page.offset)
