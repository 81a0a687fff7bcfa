"""The JSON API: thin controllers over the domain services, under ``/t/<slug>/api``."""

from __future__ import annotations

from litestar import Router

from confide.platform.api.caselife import CaseLifeController
from confide.platform.api.casework import CaseworkController
from confide.platform.api.consent import ConsentController
from confide.platform.api.documents import DocumentsController
from confide.platform.api.errors import API_ERRORS
from confide.platform.api.exports import ExportsController
from confide.platform.api.housekeeping import HousekeepingController, JobRunsController
from confide.platform.api.notifications import NotificationController
from confide.platform.api.people import PeopleController
from confide.platform.api.policy import PolicyDocumentController, PolicySettingsController
from confide.platform.api.request_files import FoiLogController, RequestFilesController
from confide.platform.api.requests import RequestsController
from confide.platform.api.retention import LegalHoldController, RetentionController
from confide.platform.api.schools import SchoolsController
from confide.platform.api.statistics import StatisticsController
from confide.platform.api.subject_access import SubjectAccessController
from confide.platform.api.tasks import TasksController
from confide.platform.api.team import TeamController


def api_router() -> Router:
    """Every API controller, with the API's answers to domain errors registered once."""
    return Router(
        path="/api",
        route_handlers=[
            CaseworkController,
            CaseLifeController,
            ConsentController,
            HousekeepingController,
            PeopleController,
            SchoolsController,
            TeamController,
            PolicySettingsController,
            PolicyDocumentController,
            JobRunsController,
            NotificationController,
            LegalHoldController,
            RetentionController,
            TasksController,
            DocumentsController,
            RequestsController,
            RequestFilesController,
            FoiLogController,
            SubjectAccessController,
            StatisticsController,
            ExportsController,
        ],
        exception_handlers=API_ERRORS,
    )
