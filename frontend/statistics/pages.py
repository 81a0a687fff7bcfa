"""The annual return for the council (rule 12), the managers' page: pick a calendar year,
preview the protected tables with the method, download the CSV (audited)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.exports.pages import STATUS_TEXT, failure_text
from confide.frontend.forms import Form, date_fields
from confide.frontend.labels import TASK_KIND_LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.statistics.forms import PeriodForm, YearForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.core.clock import service_today
from confide.platform.exports.schemas import ExportStatus
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager
from confide.platform.statistics import services
from confide.platform.statistics.disclosure import SUPPRESSED_MARK
from confide.platform.statistics.schemas import CALENDAR, PERIOD_KINDS, Period

PAGE = "statistics/annual_return.html"
CONFIRM = "statistics/release_confirm.html"
REPORT = "statistics/service_report.html"
BUILD = "statistics/release_build.html"
PERIOD = ("start-", "end-")
YearText = Annotated[str, QueryParameter(name="year", max_length=20)]
KindText = Annotated[str, QueryParameter(name="period", max_length=20)]


def chart(rows: list[tuple[str, int | None]]) -> list[tuple[str, int | None, float]]:
    """Each row's bar as a share (0-100) of the largest shown; a hidden figure has none."""
    top = max((v for _, v in rows if v is not None), default=0)
    return [(label, v, 100 * v / top if v and top else 0.0) for label, v in rows]


class StatisticsPages(Controller):
    path = "/statistics"
    include_in_schema = False
    guards = [manager]

    @get("/annual-return", name="annual-return")
    async def annual_return(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        year: YearText = "",
        period: KindText = "",
    ) -> Template:
        """Last calendar year's return unless another year is asked for: the kept release,
        or "not released yet" with the way to release it (a GET never makes one); a wrong
        year is the form again, naming it."""
        kind = period or await services.year_kind()
        form = YearForm({"year": year or str(service_today().year - 1), "period": kind})
        chosen = form.year()
        kept = (
            await form.save(lambda: services.shown_release(chosen, staff, form.kind()))
            if (chosen is not None)
            else None
        )
        unreleased = Period(form.kind(), chosen) if chosen is not None and form.ok else None
        building = (
            await services.building_release(unreleased.year, staff, unreleased.kind)
            if unreleased is not None and kept is None
            else None
        )
        return form_page(
            request, PAGE, form, annual=kept.annual if kept else None, kept=kept,
            mark=SUPPRESSED_MARK, chart=chart, kinds=await _offered(),
            unreleased=None if kept else unreleased, building=building,
        )  # fmt: skip

    @get("/annual-return/release", name="annual-return-release")
    async def confirm_release(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        year: YearText = "",
        period: KindText = "",
    ) -> Template | Redirect:
        """ "Release the return for this period? It cannot be changed afterwards": the one
        button that makes the release (a POST). Released already: the release itself."""
        form = YearForm({"year": year, "period": period or await services.year_kind()})
        chosen = form.year()
        kept = (
            await form.save(lambda: services.kept_release(chosen, staff, form.kind()))
            if (chosen is not None)
            else None
        )
        if chosen is None or not form.ok:
            return form_page(
                request, PAGE, form, annual=None, kept=None, mark=SUPPRESSED_MARK,
                kinds=await _offered(), unreleased=None,
            )  # fmt: skip
        if kept is not None:
            return _to_return(request, chosen, form.kind())
        building = await services.building_release(chosen, staff, form.kind())
        if building is not None:
            return redirect_to(request, "annual-return-build", export_id=building.id)
        return form_page(request, CONFIRM, form, period=Period(form.kind(), chosen))

    @post("/annual-return/release", name="annual-return-make-release")
    async def make_release(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Template | Redirect:
        """Release it (confirmed): made, kept and audited, then shown; a large period is
        built by the export worker, and its progress shown."""
        posted = await request.form()
        form = YearForm(
            {
                "year": str(posted.get("year", "")),
                "period": str(posted.get("period", "")) or await services.year_kind(),
            }
        )
        chosen = form.year()
        done = None
        if chosen is not None:
            done = await form.save(lambda: services.make_release(chosen, staff, form.kind()))
        if chosen is None or done is None or not form.ok:
            return form_page(
                request, PAGE, form, annual=None, kept=None, mark=SUPPRESSED_MARK,
                kinds=await _offered(), unreleased=None,
            )  # fmt: skip
        if done.building is not None:
            return redirect_to(request, "annual-return-build", export_id=done.building.id)
        return _to_return(request, chosen, form.kind())

    @get("/annual-return/builds/{export_id:uuid}", name="annual-return-build")
    async def build(
        self,
        request: Request[Any, Any, Any],
        export_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """A large period's return being built by the export worker: its progress (a link
        to look again; with JavaScript, the exports' polling script), then the link to the
        return once released, or what failed."""
        found = await services.release_build(export_id, staff)
        failed = found.status is ExportStatus.FAILED
        return form_page(
            request, BUILD, Form(), export=found, status_text=STATUS_TEXT,
            failure=failure_text(found.failure) if failed else None,
        )  # fmt: skip

    @get("/releases", name="statistics-releases")
    async def releases(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Every kept release of the annual return, the latest period first."""
        found = await services.releases(staff, page_request(page))
        return paged_template(request, "statistics/releases.html", found, page, query="")

    @get("/service", name="service-report")
    async def service_report(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """The service over a period (the last 12 weeks unless another is asked for); a
        wrong date is the form again, naming it."""
        given = {k: str(v) for k, v in request.query_params.items() if k.startswith(PERIOD)}
        if not given:
            today = service_today()
            given = date_fields("start", today - timedelta(weeks=12) + timedelta(days=1))
            given |= date_fields("end", today)
        form = PeriodForm(given)
        period = form.period()
        report = await services.service_report(*period, staff) if period else None
        return form_page(
            request, REPORT, form, report=report, task_labels=TASK_KIND_LABELS, chart=chart
        )

    @get("/annual-return/download", name="annual-return-csv")
    async def download_csv(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        year: YearText = "",
        period: KindText = "",
    ) -> Response[bytes] | Template:
        """The CSV for the council; each download is audited with its checksum."""
        return await _download(request, staff, year, period, services.CSV)

    @get("/annual-return/download-xlsx", name="annual-return-xlsx")
    async def download_xlsx(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        year: YearText = "",
        period: KindText = "",
    ) -> Response[bytes] | Template:
        """The workbook for the council; each download is audited with its checksum."""
        return await _download(request, staff, year, period, services.XLSX)


async def _download(
    request: Request[Any, Any, Any],
    staff: StaffView,
    year: str,
    period: str,
    kind: tuple[str, str],
) -> Response[bytes] | Template:
    """The return as a file, or the form again naming a wrong year."""
    form = YearForm({"year": year, "period": period or await services.year_kind()})
    chosen = form.year()
    download = (
        await form.save(lambda: services.download(chosen, staff, kind, form.kind()))
        if (chosen is not None)
        else None
    )
    if download is None:
        return form_page(
            request, PAGE, form, annual=None, kept=None, mark=SUPPRESSED_MARK,
            kinds=await _offered(), unreleased=None,
        )  # fmt: skip
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


async def _offered() -> list[tuple[str, str]]:
    """The kinds of year the form offers: the service's one (rule 12)."""
    ours = await services.year_kind()
    return [(code, label) for code, label in PERIOD_KINDS if code == ours]


def _to_return(request: Request[Any, Any, Any], year: int, kind: str) -> Redirect:
    """The return's page for the period (Post/Redirect/Get)."""
    query = {"year": str(year)} | ({"period": kind} if kind != CALENDAR else {})
    return redirect_to(request, "annual-return", query=query)
