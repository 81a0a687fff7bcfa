"""Lists a page at a time: the page number a page takes, and the template of one page.

Every list page takes ``?page=`` (1 to 10,000: anything else is the 400 page, never a
database error) and shows ``PAGE_SIZE`` entries with ``_pagination.html``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.params import QueryParameter
from litestar.response import Template

from confide.frontend.templating import page_context
from confide.platform.core.pagination import MAX_PAGE_NUMBER, Page, PageRequest

PAGE_SIZE = 20
PageNumber = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_NUMBER)]


def page_request(page: int, size: int = PAGE_SIZE) -> PageRequest:
    """The ``page``-th page (from 1) of ``size`` entries."""
    return PageRequest.numbered(page, size)


def paged_template(
    request: Request[Any, Any, Any], template: str, found: Page[Any], page: int, **extra: Any
) -> Template:
    """A page showing one page of a list: its ``entries``, ``total``, ``page`` and ``pages``
    for ``_pagination.html``, and whatever else the template needs."""
    return Template(
        template,
        context=page_context(
            request,
            entries=found.items,
            total=found.total,
            page=page,
            pages=found.page_count,
            **extra,
        ),
    )
