"""The service's policy settings in one place (rule 13): one page per group of settings,
each change kept as a version (the history page); the confidentiality policy's review,
recorded by a manager or an admin; the published policy families read without sign-in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.admin.forms import (
    AccessForm,
    ControllerForm,
    DocumentForm,
    DocumentsForm,
    PolicyReviewForm,
    RetentionForm,
    SettingsForm,
    StatisticsForm,
)
from confide.frontend.forms import date_fields
from confide.frontend.labels import DOCUMENT_KIND_LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.templating import form_page, page_context, redirect_to
from confide.platform.core.clock import service_today
from confide.platform.documents.schemas import DocumentKind
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.staff import get_staff
from confide.platform.identity.web import manager_or_admin, tenant_admin
from confide.tenants.policy.document import (
    current_review_status,
    get_policy_text,
    policy_reviews,
    published_policy,
    record_policy_review,
    set_policy_text,
    validate_text,
)
from confide.tenants.policy.schemas import TEXT_SECTIONS, NewPolicyReview, PolicyView
from confide.tenants.policy.services import (
    ABSOLUTE_HOURS,
    BREAK_GLASS_HOURS,
    DOCUMENT_MAX_MB,
    EXPORT_EXPIRY_DAYS,
    IDLE_MINUTES,
    POLICY_REVIEW_MONTHS,
    RETENTION_BIRTHDAYS,
    RETENTION_YEARS,
    SUPPRESSION_THRESHOLDS,
    get_policy,
    policy_history,
    set_access_settings,
    set_controller,
    set_document_settings,
    set_policy_review_months,
    set_retention_settings,
    set_statistics_settings,
    validate_access,
    validate_controller,
    validate_documents,
    validate_retention,
    validate_review_interval,
    validate_statistics,
)
from confide.tenants.resolution import request_tenant
from confide.tenants.schemas import ControllerKind, TenantView

GROUP_TEMPLATE = "admin/policy_group.html"
YES_NO = (("yes", "Yes"), ("no", "No"))
YEAR_KIND_OPTIONS = (
    ("calendar", "Calendar years (January to December)"),
    ("financial", "Financial years (April to March)"),
    ("academic", "Academic years (September to August)"),
)
CONTROLLER_KINDS = (
    (ControllerKind.COUNCIL.value, "The council (the local authority)"),
    (ControllerKind.CHARITY.value, "A charity"),
)


def _between(bounds: tuple[int, int], unit: str) -> str:
    return f"Between {bounds[0]} and {bounds[1]}{unit}."


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a group's page: ``kind`` is number, radios, text or textarea."""

    name: str
    label: str
    kind: str = "number"
    hint: str | None = None
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    title: str
    intro: str
    fields: tuple[Field, ...]


GROUPS: dict[str, Group] = {
    "access": Group(
        "Access and sessions",
        "How long a break-glass grant opens a case, and how long staff stay signed in.",
        (
            Field("break_glass_hours", "Break-glass time box (hours)",
                  hint=_between(BREAK_GLASS_HOURS, " hours") + " A grant opens a case this long."),
            Field("idle_minutes", "Sign staff out after this many idle minutes",
                  hint=_between(IDLE_MINUTES, " minutes")),
            Field("absolute_hours", "Sign staff out after this many hours in all",
                  hint=_between(ABSOLUTE_HOURS, " hours") + " Sessions already open keep theirs."),
        ),
    ),
    "statistics": Group(
        "Statistics",
        "The anonymised statistics for the council: no count may identify a family.",
        (
            Field("threshold", "Suppress counts below",
                  hint=_between(SUPPRESSION_THRESHOLDS, "") + " UK statistics use 5 to 10."),
            Field("round_to_5", "Round counts to the nearest 5?", kind="radios", options=YES_NO),
            Field("year_kind", "Which kind of year does the service report on?", kind="radios",
                  options=YEAR_KIND_OPTIONS,
                  hint="One kind only, so that no two returns overlap. It cannot be changed"
                       " once a return has been released."),
        ),
    ),
    "retention": Group(
        "Retention",
        "A case is kept until the later of these two dates, then erased, unless it is on"
        " legal hold.",
        (
            Field("years", "Years after the last contact or the case's closure",
                  hint=_between(RETENTION_YEARS, " years")),
            Field("birthday", "The child's birthday (age in years)",
                  hint=_between(RETENTION_BIRTHDAYS, "") + " For example their 25th birthday."),
            Field("export_days", "Days an export (a case bundle) is kept before it is deleted",
                  hint=_between(EXPORT_EXPIRY_DAYS, " days")),
        ),
    ),
    "documents": Group(
        "Documents on cases",
        "The largest file staff may upload to a case, and the kinds of document they choose"
        " from.",
        (
            Field("max_mb", "Largest file (MB)",
                  hint=_between(DOCUMENT_MAX_MB, " MB") + " 25 MB unless the service sets one."),
            Field("kinds", "Kinds of document", kind="checkboxes",
                  hint="Choose at least one.",
                  options=tuple((k.value, DOCUMENT_KIND_LABELS[k]) for k in DocumentKind)),
        ),
    ),
    "controller": Group(
        "Data controller",
        "Who runs the service decides the wording of the privacy notice families read.",
        (
            Field("kind", "Who runs the service?", kind="radios", options=CONTROLLER_KINDS),
            Field("name", "Name of the data controller", kind="text"),
            Field("email", "Email address for data protection questions", kind="text"),
            Field("phone", "Phone number (optional)", kind="text"),
            Field("address", "Postal address (optional)", kind="textarea"),
        ),
    ),
    "document": Group(
        "The confidentiality policy",
        "Families read the policy made from the service's settings and this text. Each"
        " change is a new version.",
        (
            Field("review_months", "Review the policy every (months)",
                  hint=_between(POLICY_REVIEW_MONTHS, " months") + " Policy 5.3: every two years."),
            *(Field(key, heading, kind="textarea") for key, heading in TEXT_SECTIONS.items()),
        ),
    ),
}  # fmt: skip


def _group_page(
    request: Request[Any, Any, Any], group: str, form: SettingsForm, *, saved: bool = False
) -> Template:
    return form_page(request, GROUP_TEMPLATE, form, group=group, spec=GROUPS[group], saved=saved)


def _tenant(request: Request[Any, Any, Any]) -> TenantView:
    tenant = request_tenant(request)
    if tenant is None:  # pragma: no cover - tenant pages always have one
        raise NotFoundException()
    return tenant


def _form_of(
    group: str, policy: PolicyView, tenant: TenantView, text: dict[str, str]
) -> SettingsForm:
    if group == "access":
        return AccessForm.of(policy)
    if group == "statistics":
        return StatisticsForm.of(policy)
    if group == "retention":
        return RetentionForm.of(policy)
    if group == "documents":
        return DocumentsForm.of(policy)
    if group == "controller":
        return ControllerForm.of(policy, tenant.controller_kind.value)
    return DocumentForm.of(policy, text)


async def _save_group(
    group: str, data: Any, staff: StaffView
) -> tuple[SettingsForm, Callable[[], Awaitable[Any]] | None]:
    """The posted form of ``group``, checked, and the one service call that saves it."""
    by = staff.id
    if group == "access":
        a = AccessForm.posted(data)
        hours = a.whole("break_glass_hours", "Enter the break-glass time box as a whole number")
        idle = a.whole("idle_minutes", "Enter the idle minutes as a whole number")
        total = a.whole("absolute_hours", "Enter the hours in all as a whole number")
        a.check(lambda: validate_access(hours, idle, total))
        return a, lambda: set_access_settings(hours, idle, total, changed_by=by)
    if group == "statistics":
        s = StatisticsForm.posted(data)
        threshold = s.whole("threshold", "Enter the threshold as a whole number")
        round_to_5 = s.yes_no("round_to_5", "Select whether counts are rounded to 5")
        year_kind = s.text("year_kind") or None
        s.check(lambda: validate_statistics(threshold))
        return s, lambda: set_statistics_settings(threshold, round_to_5, year_kind, changed_by=by)
    if group == "retention":
        r = RetentionForm.posted(data)
        years = r.whole("years", "Enter the years as a whole number")
        birthday = r.whole("birthday", "Enter the birthday as a whole number of years")
        days = r.whole("export_days", "Enter the days an export is kept as a whole number")
        r.check(lambda: validate_retention(years, birthday, days))
        return r, lambda: set_retention_settings(years, birthday, export_days=days, changed_by=by)
    if group == "documents":
        f = DocumentsForm.posted(data)
        max_mb = f.whole("max_mb", "Enter the largest file as a whole number of MB")
        kinds = f.getall("kinds")
        f.check(lambda: validate_documents(max_mb, kinds))
        return f, lambda: set_document_settings(max_mb, kinds, changed_by=by)
    if group == "controller":
        c = ControllerForm.posted(data)
        values = [c.text(name) for name in ControllerForm.order]
        c.check(lambda: validate_controller(*values))
        return c, lambda: set_controller(*values, changed_by=by)
    d = DocumentForm.posted(data)
    months = d.whole("review_months", "Enter the review interval as a whole number of months")
    sections = {key: d.text(key) for key in TEXT_SECTIONS}
    d.check(lambda: validate_review_interval(months))
    d.check(lambda: validate_text(sections))

    async def save_document() -> None:
        await set_policy_review_months(months, changed_by=by)
        await set_policy_text(sections, changed_by=by)

    return d, save_document


async def _names(ids: set[UUID | None]) -> dict[UUID, str]:
    """The names of the staff who made the changes shown (a few a page)."""
    names: dict[UUID, str] = {}
    for staff_id in ids:
        if staff_id is not None and (found := await get_staff(staff_id)) is not None:
            names[staff_id] = found.display_name
    return names


class PolicyPages(Controller):
    path = "/admin/policy"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/", name="admin-policy")
    async def overview(self, request: Request[Any, Any, Any]) -> Template:
        """Every setting as it stands, by group, with a link to change each group."""
        tenant = _tenant(request)
        policy = await get_policy()
        return Template(
            "admin/policy.html",
            context=page_context(
                request,
                policy=policy,
                controller_kind=policy.controller(tenant.controller_kind),
                review=await current_review_status(tenant),
                text=await get_policy_text(),
                groups=GROUPS,
                document_kinds=[
                    DOCUMENT_KIND_LABELS[DocumentKind(k)] for k in policy.document_kinds
                ],
            ),
        )

    @get("/history", name="admin-policy-history")
    async def history(self, request: Request[Any, Any, Any], page: PageNumber = 1) -> Template:
        """Every change, newest first: who, when, each setting's old and new value."""
        found = await policy_history(page_request(page))
        names = await _names({c.changed_by for c in found.items})
        return paged_template(request, "admin/policy_history.html", found, page, names=names)

    @get("/{group:str}", name="admin-policy-group")
    async def group_form(
        self,
        request: Request[Any, Any, Any],
        group: FromPath[str],
        saved: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        if group not in GROUPS:
            raise NotFoundException()
        text = (await get_policy_text()).sections
        form = _form_of(group, await get_policy(), _tenant(request), text)
        return _group_page(request, group, form, saved=saved)

    @post("/{group:str}", name="admin-policy-group-save")
    async def group_save(
        self,
        request: Request[Any, Any, Any],
        group: FromPath[str],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Save the group; on any problem the form comes back as typed, naming each field."""
        if group not in GROUPS:
            raise NotFoundException()
        form, save = await _save_group(group, await request.form(), staff)
        if save is not None:
            await form.save(save)
        if form.ok:
            return redirect_to(request, "admin-policy-group", group=group, query={"saved": "true"})
        return _group_page(request, group, form)


class PolicyReviewPages(Controller):
    path = "/policy-review"
    include_in_schema = False
    guards = [manager_or_admin]

    async def _page(
        self, request: Request[Any, Any, Any], form: PolicyReviewForm, page: int, saved: bool
    ) -> Template:
        found = await policy_reviews(page_request(page))
        names = await _names({r.reviewed_by for r in found.items})
        template = paged_template(
            request,
            "policy/review.html",
            found,
            page,
            names=names,
            review=await current_review_status(_tenant(request)),
            form=form,
            errors=form.errors,
            anchors=form.anchors,
            saved=saved,
        )
        if form.errors:
            template.status_code = 400
        return template

    @get("/", name="policy-review")
    async def review_form(
        self,
        request: Request[Any, Any, Any],
        page: PageNumber = 1,
        saved: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        """When the policy was last reviewed and is next due, the reviews, and the form."""
        form = PolicyReviewForm(date_fields("reviewed_on", service_today()))
        return await self._page(request, form, page, saved)

    @post("/", name="policy-review-save")
    async def review_save(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Template | Redirect:
        form = PolicyReviewForm.posted(await request.form())
        day = form.date(
            "reviewed_on", "The date of the review", required="Enter the date of the review"
        )
        note = form.text("note")
        if day is not None:
            await form.save(
                lambda: record_policy_review(
                    NewPolicyReview(reviewed_on=day, note=note), reviewed_by=staff.id
                )
            )
        if form.ok:
            return redirect_to(request, "policy-review", query={"saved": "true"})
        return await self._page(request, form, 1, False)


class PublicPolicyPage(Controller):
    """The policy and privacy notice families read: no sign-in, and nothing of the tenant
    but what it publishes (an unknown or suspended service is the same 404)."""

    path = "/policy"
    include_in_schema = False

    @get("/", name="public-policy")
    async def public(self, request: Request[Any, Any, Any]) -> Template:
        published = await published_policy(_tenant(request))
        return Template("policy/public.html", context=page_context(request, published=published))
