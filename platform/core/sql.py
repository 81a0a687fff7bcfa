"""The SQL helpers: the only way a domain's ``queries.py`` runs a statement of its own.

Kept apart from ``core/db`` (the engine and the tenant context, which the surfaces use to
open a transaction) so the import contract can forbid the surfaces every way of running
SQL: the API, the pages and the tasks call domain services, never statements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

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


def literal(value: str | int | bool | UUID | datetime | None) -> str:
    """``value`` as an SQL literal, for the few statements sent as plain text where a
    round trip matters (``core/db.with_commit``): no bound parameters go with those.

    Text is quoted with its quotes doubled (PostgreSQL's ``standard_conforming_strings``,
    on by default, which nothing here turns off); a backslash or NUL is refused rather
    than relied on. Whatever else arrives is a programming error, and raises."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        # In brackets: a negative number after a minus must not become a comment (``--5``).
        return f"({int(value)})"
    if isinstance(value, UUID):
        return f"'{value}'::uuid"
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError("an SQL literal instant must carry its time zone")
        return f"'{value.isoformat()}'::timestamptz"
    if isinstance(value, str):
        if "\\" in value or "\0" in value:
            raise ValueError("backslash and NUL are not sent as SQL literals")
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {type(value).__name__}")
