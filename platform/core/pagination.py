"""One page of a list: every list Confide shows or serves is paged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
#: The highest ``?page=`` a list taking page numbers accepts (past it a 400, never a
#: database error).
MAX_PAGE_NUMBER = 10_000


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page: validated bounds, so a caller cannot ask for everything at once."""

    limit: int = DEFAULT_PAGE_SIZE
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
        if self.offset < 0:
            raise ValueError("offset must not be negative")

    @classmethod
    def numbered(cls, page: int, size: int) -> PageRequest:
        """The ``page``-th page (from 1) of ``size`` entries: the pages' and the API's
        lists taking a page number."""
        return cls(limit=size, offset=(page - 1) * size)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def page_count(self) -> int:
        """How many pages of ``limit`` the whole list makes (at least one, even empty)."""
        return max(1, -(-self.total // self.limit))

    @property
    def next_offset(self) -> int | None:
        following = self.offset + self.limit
        return following if following < self.total else None
