"""Every staff page of a tenant, with the pages' answers to domain errors registered once."""

from __future__ import annotations

from litestar import Router

from confide.frontend.admin.audit import AuditCheckpointPages
from confide.frontend.admin.case_lists import CaseListsPages
from confide.frontend.admin.consent_settings import ConsentSettingsPages
from confide.frontend.admin.jobs import JobRunsPages
from confide.frontend.admin.policy import PolicyPages, PolicyReviewPages, PublicPolicyPage
from confide.frontend.admin.retention import RetentionPages
from confide.frontend.admin.sso import SsoPages
from confide.frontend.admin.staff import StaffPages
from confide.frontend.auth import SignInController
from confide.frontend.casework.access_log import AccessLogPages
from confide.frontend.casework.assignment import AssignmentPages
from confide.frontend.casework.case import CasePages
from confide.frontend.casework.contacts import ContactPages
from confide.frontend.casework.dashboard import DashboardPage
from confide.frontend.casework.enquiry import EnquiryPages
from confide.frontend.casework.life import CaseLifePages
from confide.frontend.casework.notes import NotePages
from confide.frontend.casework.restricted import BreakGlassPages
from confide.frontend.casework.search import SearchPage
from confide.frontend.consent.capacity import CapacityPages
from confide.frontend.consent.history import ConsentHistoryPage
from confide.frontend.consent.record import ConsentPages
from confide.frontend.consent.review import ReviewPages
from confide.frontend.documents.pages import DocumentPages
from confide.frontend.errors import PAGE_ERRORS
from confide.frontend.exports.pages import ExportPages
from confide.frontend.notifications.pages import NotificationPages
from confide.frontend.pages import StartController
from confide.frontend.people.pages import PeoplePages
from confide.frontend.requests.case_file_pages import CaseFilePages
from confide.frontend.requests.foi_pages import FoiPages
from confide.frontend.requests.pages import CaseRequestPages, RequestPages
from confide.frontend.requests.subject_access import SubjectAccessPages
from confide.frontend.retention.holds import LegalHoldPages
from confide.frontend.schools.directory import SchoolImportPages, SchoolPages
from confide.frontend.schools.person_school import PersonSchoolPages
from confide.frontend.sharing.authorise import AuthorisePages
from confide.frontend.sharing.record import DisclosureRecordPages
from confide.frontend.sharing.share import SharePages
from confide.frontend.sharing.tasks import TaskPages
from confide.frontend.statistics.pages import StatisticsPages
from confide.frontend.tasks.pages import FollowUpPages, TaskListPages
from confide.frontend.team.pages import TeamPages

# One controller per journey, grouped as the packages are.
CONTROLLERS = [
    StartController,
    SignInController,
    PublicPolicyPage,
    # the tenant admin
    SsoPages,
    CaseListsPages,
    ConsentSettingsPages,
    PolicyPages,
    PolicyReviewPages,
    StaffPages,
    AuditCheckpointPages,
    JobRunsPages,
    RetentionPages,
    # case work
    DashboardPage,
    EnquiryPages,
    CasePages,
    BreakGlassPages,
    ContactPages,
    NotePages,
    AssignmentPages,
    AccessLogPages,
    SearchPage,
    CaseLifePages,
    PeoplePages,
    # consent
    ConsentHistoryPage,
    ConsentPages,
    ReviewPages,
    CapacityPages,
    # sharing
    SharePages,
    DisclosureRecordPages,
    AuthorisePages,
    TaskPages,
    # the one task model (issue 15)
    TaskListPages,
    FoiPages,
    CaseFilePages,
    RequestPages,
    CaseRequestPages,
    SubjectAccessPages,
    FollowUpPages,
    # the schools directory and the team view (issue 14)
    SchoolPages,
    SchoolImportPages,
    PersonSchoolPages,
    TeamPages,
    StatisticsPages,
    # notifications (issue 15)
    NotificationPages,
    # documents (issue 16)
    DocumentPages,
    # legal holds (issue 15)
    LegalHoldPages,
    # exports (issue 16)
    ExportPages,
]


def pages_router() -> Router:
    """The pages under ``/t/<slug>/``: a missing or another tenant's record is the 404
    page, a refusal the 403 page (a restricted case its case page), a rule's refusal the
    page that says nothing was changed."""
    return Router(
        path="/",
        route_handlers=CONTROLLERS,
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
