"""Search: a person or case by name (typos allowed), date of birth, postcode or reference."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from confide.frontend.casework.forms import SearchForm
from confide.frontend.paging import PageNumber, page_request
from confide.frontend.templating import form_page
from confide.platform.casework.search import MAX_QUERY_LENGTH, SearchQuery, search
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker


class SearchPage(Controller):
    path = "/"
    include_in_schema = False
    guards = [case_worker]

    @get("/search", name="search")
    async def search(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        q: Annotated[str, QueryParameter()] = "",
        page: PageNumber = 1,
    ) -> Template:
        """The search box, and a page of results when something was asked. A query search
        cannot use (too long, control characters) comes back here with its problem, cut to
        the length a query may have: never Litestar's JSON 400."""
        form = SearchForm({"q": q})
        found = None
        if q.strip():
            found = await form.save(lambda: search(SearchQuery(q), staff, page_request(page)))
        if not form.ok:
            q = form.values["q"] = q[:MAX_QUERY_LENGTH]
        return form_page(
            request,
            "cases/search.html",
            form,
            hits=found.items if found else None,
            total=found.total if found else 0,
            page=page,
            pages=found.page_count if found else 1,
            query=urlencode({"q": q}) + "&" if q else "",
        )
