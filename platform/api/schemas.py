"""Shapes shared by API responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from confide.platform.core.pagination import Page

T = TypeVar("T")


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
