"""Shapes shared by API responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from litestar.params import QueryParameter

from confide.platform.core.edge import INT8_MAX
from confide.platform.core.pagination import MAX_PAGE_NUMBER, MAX_PAGE_SIZE, Page

T = TypeVar("T")

# Every list endpoint pages: ``?limit=`` (1 to MAX_PAGE_SIZE) and ``?offset=`` (no more
# than PostgreSQL's OFFSET takes: past it, a 400 rather than a database error).
Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE)]
Offset = Annotated[int, QueryParameter(ge=0, le=INT8_MAX)]
# A list paged as its page is (the redaction review): ``?page=`` from 1.
PageNumber = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_NUMBER)]


@dataclass(frozen=True, slots=True)
class PageOut(Generic[T]):
    """A page of results and how to ask for the next one."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None

    @classmethod
    def of(cls, page: Page[T]) -> PageOut[T]:
        return cls(page.items, page.total, page.limit, page.offset, page.next_offset)
