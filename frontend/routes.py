"""Every staff page of a tenant, with the pages' answers to domain errors registered once."""

from __future__ import annotations

from litestar import Router

from confide.frontend.admin import AdminController
from confide.frontend.auth import SignInController
from confide.frontend.casework import CaseworkPages
from confide.frontend.consent import ConsentPages
from confide.frontend.disclosures import DisclosurePages
from confide.frontend.errors import PAGE_ERRORS
from confide.frontend.pages import StartController


def pages_router() -> Router:
    """The pages under ``/t/<slug>/``: a missing or another tenant's record is the 404
    page, a refusal the 403 page (a restricted case its case page), a rule's refusal the
    page that says nothing was changed."""
    return Router(
        path="/",
        route_handlers=[
            StartController,
            SignInController,
            AdminController,
            CaseworkPages,
            ConsentPages,
            DisclosurePages,
        ],
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
