"""Statistics API (rule 12): the annual return for a calendar year, protected, as JSON and
as the one tidy CSV the council gets (managers). Thin handlers over
``platform/statistics``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.exports.schemas import ExportView
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager
from confide.platform.statistics import services
from confide.platform.statistics.schemas import AnnualReturn, ReleaseView, ServiceReport
from confide.tenants.resolution import route_path

Year = Annotated[int, QueryParameter(ge=services.YEARS[0], le=services.YEARS[1])]
# The kind of year: checked by the service (400 naming ``period`` for another); none
# given, the service's own kind (its statistics settings).
PeriodKind = Annotated[str, QueryParameter(max_length=20)]


class ReleaseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The period to release: the year it begins in and its kind."""

    year: int
    period: str = ""  # the service's kind of year (its statistics settings)


class ReleaseBuilding(msgspec.Struct, kw_only=True):
    """A period too large to release in a request, being built by the export worker: the
    export (``status``, ``progress_done`` of ``progress_total``) and where to follow it."""

    export: ExportView
    poll: str  # GET it until ``status`` is ``ready`` (then the release is kept) or ``failed``


class StatisticsController(Controller):
    """The annual return: managers only; the council never signs in."""

    path = "/statistics"
    tags = ["statistics"]
    guards = [manager]

    @get("/annual-return", name="api-annual-return")
    async def annual_return(
        self, year: Year, staff: NamedDependency[StaffView], period: PeriodKind = ""
    ) -> AnnualReturn:
        """The cases opened in the calendar year (``period=financial``: the April-March year
        beginning in ``year``; ``academic``: September-August), as released (404 before
        it is: reading never makes a release; 400 ``year`` for one not ended), in tables
        with small counts hidden (``value`` null) and the method in plain English. Each
        read is audited."""
        return await services.annual_return(year, staff, period)

    @post("/releases", name="api-statistics-release", status_code=HTTP_201_CREATED)
    async def release(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ReleaseIn],
        staff: NamedDependency[StaffView],
    ) -> Response[AnnualReturn | ReleaseBuilding]:
        """Release the return of an ended period (managers): made once, kept and audited
        (201); it cannot be changed afterwards (asked again: the one kept, 200, its read
        audited). A period of more cases than the service makes in a request is built by
        the export worker instead: 202 with the export and ``poll``, its address (asked
        again while it is built: the same export). 400 naming ``year`` or ``period`` when
        wrong, at once either way."""
        done = await services.make_release(data.year, staff, data.period)
        if done.building is not None:
            poll = route_path(request, "api-export", export_id=done.building.id)
            building = ReleaseBuilding(export=done.building, poll=poll)
            return Response(building, status_code=HTTP_202_ACCEPTED)
        annual = await services.released_read(done, staff)
        return Response(annual, status_code=HTTP_201_CREATED if done.made else HTTP_200_OK)

    @get("/releases", name="api-statistics-releases")
    async def releases(
        self,
        staff: NamedDependency[StaffView],
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[ReleaseView]:
        """The kept releases of the annual return, the latest year first: who made each,
        when, and the checksums of its CSV and workbook."""
        return PageOut.of(await services.releases(staff, PageRequest(limit, offset)))

    @get("/service", name="api-service-report")
    async def service_report(
        self,
        staff: NamedDependency[StaffView],
        start: Annotated[date, QueryParameter()],
        end: Annotated[date, QueryParameter()],
    ) -> ServiceReport:
        """The managers' own report over a period (at most 2 years): enquiries by week,
        time to first reply, open caseloads and overdue tasks; no family named."""
        return await services.service_report(start, end, staff)

    @get("/annual-return.csv", name="api-annual-return-csv")
    async def annual_return_csv(
        self, year: Year, staff: NamedDependency[StaffView], period: PeriodKind = ""
    ) -> Response[bytes]:
        """The same return as one tidy CSV (a line per figure, hidden ones "[c]"); each
        download is audited with its checksum."""
        download = await services.download_csv(year, staff, period)
        return Response(
            download.content,
            media_type=download.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{download.filename}"',
                "X-Checksum-SHA256": download.sha256,
            },
        )

    @get("/annual-return.xlsx", name="api-annual-return-xlsx")
    async def annual_return_xlsx(
        self, year: Year, staff: NamedDependency[StaffView], period: PeriodKind = ""
    ) -> Response[bytes]:
        """The same return as a workbook: the notes and method, then a sheet per table;
        each download is audited with its checksum."""
        download = await services.download_xlsx(year, staff, period)
        return Response(
            download.content,
            media_type=download.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{download.filename}"',
                "X-Checksum-SHA256": download.sha256,
            },
        )
