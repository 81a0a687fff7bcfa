"""``core/sql.literal``: values written into the few statements sent as plain text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from confide.platform.core.sql import literal

ID = UUID("5b0c7b8e-5f4e-4a53-9d55-0f4a2c1e9b10")


@pytest.mark.parametrize(
    ("value", "sql"),
    [
        (None, "NULL"),
        (True, "TRUE"),
        (False, "FALSE"),
        (42, "(42)"),
        (-7, "(-7)"),
        ("Siân Ó Dónaill ✓", "'Siân Ó Dónaill ✓'"),
        (ID, f"'{ID}'::uuid"),
        ("case_read", "'case_read'"),
        ("it's", "'it''s'"),
        ('{"a":1}', "'{\"a\":1}'"),
        (
            datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
            "'2026-01-02T03:04:05.000006+00:00'::timestamptz",
        ),
    ],
)
def test_values_become_literals(value: Any, sql: str) -> None:
    assert literal(value) == sql


class _NoOffset(tzinfo):
    """A zone that cannot say its offset: the instant would be read in the session's."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None


@pytest.mark.parametrize(
    "value",
    [
        "back\\slash",
        "nul\0",
        datetime(2026, 1, 2),
        datetime(2026, 1, 2, tzinfo=_NoOffset()),
        1.5,
        b"bytes",
    ],
)
def test_what_is_not_sent_as_a_literal_is_refused(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        literal(value)


async def test_postgresql_reads_each_literal_back_as_the_value(
    app_conn: asyncpg.Connection,
) -> None:
    for value in ("it's", "'; DROP TABLE x; --", "''", "Siân ✓", ID, 42, True, None):
        assert await app_conn.fetchval(f"SELECT {literal(value)}") == value
    # A negative number after a minus stays a number, not the start of a comment.
    assert await app_conn.fetchval(f"SELECT 10 -{literal(-5)}") == 15
