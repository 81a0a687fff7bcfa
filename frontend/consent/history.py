"""The consent history of a case, with the young person's capacity (an audited read)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from confide.frontend.casework.presenters import review_soon
from confide.frontend.casework.restricted import restricted_page
from confide.frontend.labels import LABELS
from confide.frontend.templating import page_context
from confide.platform.casework.access import CaseRestricted
from confide.platform.consent import consents
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker


class ConsentHistoryPage(Controller):
    path = "/"
    include_in_schema = False
    guards = [case_worker]

    @get("/cases/{case_id:uuid}/consent", name="case-consent")
    async def history(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """Every version of the case's consent, newest first, with its reviews."""
        try:
            history = await consents.consent_history(case_id, staff)
        except CaseRestricted:
            return await restricted_page(request, case_id)
        return Template(
            "consent/history.html",
            context=page_context(
                request,
                case_id=case_id,
                current=history.current,
                versions=history.versions,
                review_soon=review_soon(history.current),
                capacity=history.capacity,
                not_asked=history.not_asked,
                labels=LABELS,
            ),
        )
