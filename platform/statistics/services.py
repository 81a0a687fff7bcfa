"""The statistics (rule 12): a year's counts, kept and erased cases alike, and the
annual return for the council made from them under the tenant's disclosure control."""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Any
from uuid import UUID

from openpyxl import Workbook

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework.access import NotPermitted, is_manager
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Conflict, Invalid, NotFound
from confide.platform.core.pagination import MAX_PAGE_SIZE, Page, PageRequest
from confide.platform.core.settings import get_settings
from confide.platform.exports import services as exports
from confide.platform.exports.schemas import (
    ExportFailure,
    ExportKind,
    ExportNotFound,
    ExportView,
)
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.staff import get_staff
from confide.platform.statistics import queries
from confide.platform.statistics.disclosure import (
    SUPPRESSED_MARK,
    CountTable,
    Dimension,
    Figure,
    PublishedTable,
    protect,
)
from confide.platform.statistics.schemas import (
    ACADEMIC,
    AGE_BANDS,
    CALENDAR,
    CHANNELS,
    CONTACTED_BY,
    DISCLOSURE_BASES,
    FINANCIAL,
    OTHER_TOPIC,
    OUTCOME_CLASSES,
    PERIOD_KINDS,
    REFERRAL_ROUTES,
    REQUEST_DEADLINES,
    REQUEST_KINDS,
    RESPONSE_BANDS,
    SCHOOL_PHASES,
    YEAR_END_STATUS,
    AnnualReturn,
    CaseCount,
    Download,
    Period,
    ReleaseBuild,
    ReleaseMade,
    ReleaseView,
    ServiceReport,
    StoredRelease,
    YearFigures,
)
from confide.tenants.policy.queries import OneKindOfYear
from confide.tenants.policy.schemas import PolicyView
from confide.tenants.policy.services import get_policy

#: The years a return can be asked for (the service's records begin long after 2000).
YEARS = (2000, 2100)


def _manager(staff: StaffView) -> None:
    if not is_manager(staff):
        raise NotPermitted("the statistics are the managers'")


def check_year(year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise Invalid({"year": f"Enter a year from {YEARS[0]} to {YEARS[1]}"})


def check_kind(kind: str) -> None:
    if kind not in dict(PERIOD_KINDS):
        raise Invalid({"period": "Choose a calendar, financial or academic year"})


async def year_figures(year: int, kind: str = CALENDAR) -> YearFigures:
    """The cases opened in the period (the calendar, financial or academic year beginning
    in ``year``) counted by their values, unprotected: for the services here, never
    published as they are."""
    check_kind(kind)
    check_year(year)
    period = Period(kind, year)
    return await queries.year_figures(
        current_tenant_id(), year, period.start, period.end, kind=kind
    )


def _table(
    title: str, dims: Sequence[Dimension], counts: Sequence[CaseCount], fields: Sequence[str]
) -> CountTable:
    """The counts tallied by ``fields`` of theirs (each value as text). Tallied by the
    values as they are, then made text once a key: a year of 1,000,000 cases has tens of
    thousands of counts, and a Python function a count for each table took 0.5 s."""
    value = attrgetter(*fields)
    tally: Counter[Any] = Counter()
    for c in counts:
        tally[value(c)] += c.cases
    one = len(fields) == 1  # attrgetter gives one field's value alone, not in a tuple
    return CountTable(
        title,
        tuple(dims),
        {((str(k),) if one else tuple(map(str, k))): n for k, n in tally.items()},
    )


def case_tables(figures: YearFigures, support_levels: Sequence[str]) -> list[CountTable]:
    """The return's tables of the year's cases, all of one population (so their shared
    totals are one figure each)."""
    contacted = Dimension("contacted_by", "Who made contact", CONTACTED_BY)
    route = Dimension("referral_route", "Referral route", REFERRAL_ROUTES)
    age = Dimension("age_band", "Age at first contact", AGE_BANDS)
    level = Dimension(
        "support_level",
        "Support level",
        tuple((str(i), name) for i, name in enumerate(support_levels, start=1)),
    )
    status = Dimension("year_end_status", "Open or closed", YEAR_END_STATUS)
    outcome = Dimension("outcome_class", "Outcome", OUTCOME_CLASSES)
    # A case erased before its channel, first reply and school phase were kept has none of
    # them: the three "not known (case erased)" groups are the same cases (the facts' own
    # check), one figure hidden in all or none. Its phase is not the kept cases' "not
    # known", or that figure would bound the shared one: an inequality the audit would not
    # see.
    erased_early = (("unknown", "erased_before_channel_kept"),)
    channel = Dimension("channel", "How the family first made contact", CHANNELS, erased_early)
    response = Dimension("response", "Time to the first reply", RESPONSE_BANDS, erased_early)
    phase = Dimension(
        "school_phase", "School phase", SCHOOL_PHASES, (("erased", "erased_before_channel_kept"),)
    )
    counts = figures.counts
    return [
        _table("Cases by who made contact and referral route", (contacted, route), counts,
               ("contacted_by", "referral_route")),
        _table("Cases by age at first contact and support level", (age, level), counts,
               ("age_band", "support_level")),
        _table("Cases by support level, open or closed at the end of the year",
               (level, status), counts, ("support_level", "year_end_status")),
        _table("Cases by outcome", (outcome,), counts, ("outcome_class",)),
        _table("Cases by how the family first made contact", (channel,), counts,
               ("channel",)),
        _table("Cases by the time from opening to the first reply", (response,), counts,
               ("response",)),
        _table("Cases by the phase of the child's school", (phase,), counts, ("phase",)),
    ]  # fmt: skip


def disclosure_table(figures: YearFigures) -> CountTable:
    """Disclosures shared outside the service in the period, by their basis (counts only)."""
    basis = Dimension("disclosure_basis", "Basis for sharing", DISCLOSURE_BASES)
    known = set(basis.codes)
    tally: Counter[str] = Counter()
    for code, n in figures.disclosures.items():  # a basis not listed, or none: "other"
        tally[code if code in known else "other"] += n
    return CountTable(
        "Disclosures shared outside the service, by basis",
        (basis,),
        {(code,): n for code, n in tally.items()},
    )


def request_table(figures: YearFigures) -> CountTable:
    """Information requests answered (closed) in the period, by kind and whether within
    their statutory deadline."""
    kind = Dimension("request_kind", "Kind of request", REQUEST_KINDS)
    deadline = Dimension("request_deadline", "Answered", REQUEST_DEADLINES)
    known = (set(kind.codes), set(deadline.codes))
    return CountTable(
        "Information requests answered, by kind and deadline",
        (kind, deadline),
        {
            key: n
            for key, n in figures.requests.items()
            if key[0] in known[0] and key[1] in known[1]
        },
    )


def topic_table(figures: YearFigures, topics: Sequence[str]) -> CountTable:
    """Cases naming each of the tenant's topics; a topic no longer on its list counts as
    "Other" (so a name typed once never appears)."""
    listed = list(dict.fromkeys(t for t in topics if t.casefold() != OTHER_TOPIC))
    tally: Counter[str] = Counter()
    for topic, n in figures.topics.items():
        tally[topic if topic in listed else OTHER_TOPIC] += n
    categories = (*((f"t{i}", t) for i, t in enumerate(listed)), (OTHER_TOPIC, "Other"))
    code = {t: f"t{i}" for i, t in enumerate(listed)} | {OTHER_TOPIC: OTHER_TOPIC}
    dim = Dimension("topic", "Enquiry topic", categories)
    return CountTable(
        "Cases naming each enquiry topic (a case may name several)",
        (dim,),
        {(code[t],): n for t, n in tally.items()},
    )


async def _computed(period: Period) -> AnnualReturn:
    """The return computed from the records now: only ever kept as a period's release."""
    figures = await year_figures(period.year, period.kind)
    return protected(period, figures, await get_policy())


def protected(period: Period, figures: YearFigures, policy: PolicyView) -> AnnualReturn:
    """The period's figures in the return's tables under the service's disclosure control
    (its threshold and rounding): pure, so the worker runs it outside a transaction."""
    threshold, rounded = policy.stats_suppression_threshold, policy.stats_round_to_5
    return AnnualReturn(
        year=period.year,
        cases=protect(case_tables(figures, policy.support_levels), threshold, rounded=rounded),
        topics=protect([topic_table(figures, policy.topics)], threshold, rounded=rounded),
        period=period.kind,
        label=period.label,
        disclosures=protect([disclosure_table(figures)], threshold, rounded=rounded),
        requests=protect([request_table(figures)], threshold, rounded=rounded),
    )


def check_completed(period: Period) -> None:
    """A return is only for a period that has ended (rule 12): the figures of one still
    under way would change, and two releases differenced give hidden counts away."""
    if period.end >= service_today():
        title = period.title[0].upper() + period.title[1:]
        raise Invalid(
            {"year": f"Choose a year that has ended: {title} is not over until "
                     f"{period.end.day} {period.end:%B %Y}"}
        )  # fmt: skip


def check_return_year(year: int, kind: str = CALENDAR) -> Period:
    """A year a return can be made for: a kind offered, within range, and ended."""
    check_kind(kind)
    check_year(year)
    period = Period(kind, year)
    check_completed(period)
    return period


async def _check_not_erased(period: Period) -> None:
    """A financial or academic year counts an erased case by the year of that kind it was
    opened in, which retention keeps since 2026-11-29T22:55:43 (as a month until
    2026-11-30T01:34:58). A case erased before then kept only its calendar year: such a
    year is refused once any case opened in a calendar year it overlaps was erased so,
    and its figures never leave some out."""
    if period.kind == CALENDAR:
        return
    if await queries.erased_in(current_tenant_id(), [period.year, period.year + 1]):
        raise Invalid(
            {"period": f"Cases opened in {period.title} have been erased under the retention "
                       "rules, and only their calendar year was kept: choose the calendar year"}
        )  # fmt: skip


_KIND_PLURAL = {
    CALENDAR: "calendar years",
    FINANCIAL: "financial years",
    ACADEMIC: "academic years",
}


async def year_kind() -> str:
    """The one kind of year the service reports on (its policy setting, rule 12)."""
    return (await get_policy()).stats_year_kind


async def _check_tenant_kind(kind: str) -> None:
    """Only the service's kind of year: two kinds overlap, and two releases of
    overlapping periods, differenced, would give hidden counts away (rule 12)."""
    ours = await year_kind()
    if kind != ours:
        raise Invalid(
            {"period": f"This service reports on {_KIND_PLURAL[ours]} only "
                       "(its statistics settings say which kind)"}
        )  # fmt: skip


async def kept_release(year: int, staff: StaffView, kind: str = "") -> StoredRelease | None:
    """The period's kept release (managers); None when it has not been released yet.
    Reads only: a release is made by ``make_release`` alone (a POST, never a GET). No
    kind given: the service's own (as everywhere here)."""
    _manager(staff)
    kind = kind or await year_kind()
    period = check_return_year(year, kind)
    await _check_tenant_kind(kind)
    return await queries.release_of(current_tenant_id(), kind, period.start)


async def released(year: int, staff: StaffView, kind: str = "") -> StoredRelease:
    """The period's kept release; NotFound (naming the year) when not released yet."""
    kept = await kept_release(year, staff, kind)
    if kept is None:
        raise NotFound
    return kept


async def shown_release(year: int, staff: StaffView, kind: str = "") -> StoredRelease | None:
    """The period's kept release to show on the page (managers), its read audited as the
    JSON one is; None when it has not been released yet."""
    kept = await kept_release(year, staff, kind)
    if kept is not None:
        await audit_read(kept, staff, "html")
    return kept


async def audit_read(kept: StoredRelease, staff: StaffView, fmt: str) -> None:
    """A read of a kept release (its figures shown as ``fmt``): audited (rule 12)."""
    await audit.record(
        Action.STATISTICS_RELEASED, actor_kind="staff", actor_id=staff.id,
        subject_kind="statistics_release", subject_id=kept.id,
        detail={"period": kept.period_kind, "year": kept.period_start.year, "format": fmt},
    )  # fmt: skip


#: How long a period's annual return may sit queued or running with no attempt begun
#: before a manager's request to release the period asks for it again (as a subject access
#: release's, ``requests.subject_access.RELEASE_STALLED_AFTER``): a task the broker lost,
#: or an outage that also kept the failure from being recorded.
BUILD_STALLED_AFTER = timedelta(minutes=30)
#: The worker's steps: the figures, the disclosure control, the CSV and workbook, kept.
BUILD_STEPS = 4


async def _checked(year: int, staff: StaffView, kind: str) -> Period:
    """A period a manager may release: a kind offered, within range, ended, the service's
    own kind of year (400 naming ``year`` or ``period`` otherwise)."""
    _manager(staff)
    kind = kind or await year_kind()
    period = check_return_year(year, kind)
    await _check_tenant_kind(kind)
    return period


async def make_release(year: int, staff: StaffView, kind: str = "") -> ReleaseMade:
    """Release the return of a completed period (managers, after confirming): made, kept
    and audited (rule 12); the one kept already when it was released before (then not
    ``made``: the caller shows it as a read). A period with more cases than
    ``CONFIDE_STATISTICS_INLINE_CASES`` is not made here but by the export worker, with
    progress (``building``: the export, the one already queued or running when there is
    one). Every check is made here first, so a wrong period is refused at once. Never made
    again: every later preview and download is the kept release byte for byte."""
    period = await _checked(year, staff, kind)
    kept = await queries.release_of(current_tenant_id(), period.kind, period.start)
    if kept is not None:
        return ReleaseMade(kept=kept)
    await _check_not_erased(period)
    building = await _building(period)
    if isinstance(building, StoredRelease):  # its stalled build finished after all
        return ReleaseMade(kept=building)
    if building is None and await _large(period):
        building = await exports.request_annual_return(period.kind, period.start, staff)
    if building is not None:
        return ReleaseMade(building=building)
    kept, made = await _made_now(period, staff)
    return ReleaseMade(kept=kept, made=made)


async def release_now(year: int, staff: StaffView, kind: str = "") -> tuple[StoredRelease, bool]:
    """``make_release`` made in this transaction whatever the period's size (the benchmark
    measures it so): the release and whether it was made now."""
    period = await _checked(year, staff, kind)
    kept = await queries.release_of(current_tenant_id(), period.kind, period.start)
    if kept is not None:
        return kept, False
    await _check_not_erased(period)
    return await _made_now(period, staff)


async def _large(period: Period) -> bool:
    """More cases in the period (kept and erased) than a request makes a return of."""
    cases = await queries.period_cases(
        current_tenant_id(), period.start, period.end, period.year, period.kind
    )
    return cases > get_settings().statistics.inline_cases


async def _building(period: Period) -> ExportView | StoredRelease | None:
    """The period's annual return queued or running, unless it stalled (then it is marked
    failed, and a worker that still finishes it finds the period kept or keeps it once).
    When it was no longer stalled by the time it was to be marked (it finished, failed or
    made progress meanwhile), the period's release if it is kept now, or the build as it
    is now."""
    building = await exports.building_annual_return(period.kind, period.start)
    if building is None or not building.stalled(BUILD_STALLED_AFTER, datetime.now(UTC)):
        return building
    if await exports.fail_stalled(building.id, BUILD_STALLED_AFTER):
        return None
    kept = await queries.release_of(current_tenant_id(), period.kind, period.start)
    if kept is not None:
        return kept
    return await exports.building_annual_return(period.kind, period.start)


async def building_release(year: int, staff: StaffView, kind: str = "") -> ExportView | None:
    """The period's annual return being built by the worker, if any (managers). A stalled
    one is not: the pages then offer to release the period again, and releasing it marks
    the stalled one failed and queues another (``make_release``)."""
    period = await _checked(year, staff, kind)
    building = await exports.building_annual_return(period.kind, period.start)
    if building is not None and building.stalled(BUILD_STALLED_AFTER, datetime.now(UTC)):
        return None
    return building


async def release_build(export_id: UUID, staff: StaffView) -> ExportView:
    """An annual return's export, for its progress page (managers; another kind: not
    found)."""
    _manager(staff)
    found = await exports.get_export(staff, export_id)
    if found.kind is not ExportKind.ANNUAL_RETURN:
        raise ExportNotFound()
    return found


async def _made_now(period: Period, staff: StaffView) -> tuple[StoredRelease, bool]:
    annual = await _computed(period)
    return await _keep(period, staff, annual, return_files(annual))


def return_files(annual: AnnualReturn) -> tuple[bytes, str, bytes, str]:
    """The release's CSV and workbook and their SHA-256: pure (the worker's own step)."""
    csv_bytes, xlsx_bytes = return_csv(annual).encode(), return_xlsx(annual)
    return (csv_bytes, _sha256(csv_bytes), xlsx_bytes, _sha256(xlsx_bytes))


async def _keep(
    period: Period, staff: StaffView, annual: AnnualReturn, files: tuple[bytes, str, bytes, str]
) -> tuple[StoredRelease, bool]:
    """Keep the period's release as made by ``staff`` and audit it; the one kept first when
    another request or build kept one meanwhile (then not made: nothing twice)."""
    tenant = current_tenant_id()
    try:
        made = await queries.add_release(
            tenant, staff.id, period.start, period.end, annual, files, period.kind
        )
    except OneKindOfYear:  # the policy's kind changed meanwhile (the database holds it)
        raise Invalid(
            {"period": "This service's kind of year has just changed: choose a year of the "
                       "kind its statistics settings name"}
        ) from None  # fmt: skip
    if made is None:  # another manager's request kept it first: theirs is the release
        raced = await queries.release_of(tenant, period.kind, period.start)
        assert raced is not None
        return raced, False
    await audit.record(
        Action.STATISTICS_RELEASE_MADE, actor_kind="staff", actor_id=staff.id,
        subject_kind="statistics_release", subject_id=made.id,
        detail={"period": period.kind, "year": period.year, "csv_sha256": made.csv_sha256,
                "xlsx_sha256": made.xlsx_sha256},
    )  # fmt: skip
    return made, True


# The export worker's side (``workers/exports.py``): a large period's return built step by
# step, each step's progress committed, the release kept and the export ready together.


async def _still_manager(staff_id: UUID) -> StaffView | None:
    """The asker as they are now, while still an active manager (``is_manager``); None once
    suspended, gone or no longer a manager."""
    staff = await get_staff(staff_id)
    return staff if staff is not None and is_manager(staff) else None


async def start_build(export_id: UUID) -> ReleaseBuild | ExportFailure | str:
    """Start building the annual return of export ``export_id`` (queued to running, from
    nought): what it is built for, or why not: "gone" (finished by another attempt, or
    not there), "already_ready" (the period was released meanwhile: the export is ready
    and nothing is made twice), or the failure it was marked failed with, in this
    transaction (the asker no longer an active manager; the period no longer releasable
    as asked)."""
    started = await exports.start_build(export_id, BUILD_STEPS)
    if started is None or started.kind is not ExportKind.ANNUAL_RETURN:
        return "gone"
    assert started.period_kind is not None
    assert started.period_start is not None
    period = Period(started.period_kind, started.period_start.year)
    staff = await _still_manager(started.requested_by)
    if staff is None:
        await exports.fail_build(export_id, ExportFailure.NOT_A_MANAGER)
        return ExportFailure.NOT_A_MANAGER
    if await queries.release_of(current_tenant_id(), period.kind, period.start) is not None:
        await exports.finish_kept(export_id)
        return "already_ready"
    try:
        check_completed(period)
        await _check_tenant_kind(period.kind)
        await _check_not_erased(period)
    except Invalid:
        await exports.fail_build(export_id, ExportFailure.NOT_RELEASABLE)
        return ExportFailure.NOT_RELEASABLE
    return ReleaseBuild(export=started, period=period, staff=staff, policy=await get_policy())


async def build_figures(build: ReleaseBuild) -> YearFigures:
    """The period's figures (one statement), then the first step's progress."""
    figures = await year_figures(build.period.year, build.period.kind)
    await exports.progress(build.export.id, 1)
    return figures


async def finish_build(
    build: ReleaseBuild,
    figures: YearFigures,
    annual: AnnualReturn,
    files: tuple[bytes, str, bytes, str],
) -> bool | ExportFailure:
    """The built return kept as the period's release, audited as made by the manager who
    asked, and the export ready, in this one transaction; False when another attempt had
    finished the export (nothing kept). A release kept meanwhile is the period's: the
    export is ready and nothing is made twice. The asker no longer an active manager
    (checked again): failed, nothing kept. ``Invalid`` when the service's kind of year
    changed meanwhile (the statement failed: the caller marks it failed afresh). The
    policy is read again: an admin who changed the disclosure control (threshold,
    rounding) or the lists it labels while the return was built gets it under the
    settings there are when it is kept, made again from ``figures`` (pure)."""
    if not await exports.hold_build(build.export.id):
        return False
    staff = await _still_manager(build.staff.id)
    if staff is None:
        await exports.fail_build(build.export.id, ExportFailure.NOT_A_MANAGER)
        return ExportFailure.NOT_A_MANAGER
    policy = await get_policy()
    if _controls(policy) != _controls(build.policy):
        annual = protected(build.period, figures, policy)
        files = return_files(annual)
    await _keep(build.period, staff, annual, files)
    return await exports.finish_kept(build.export.id)


def _controls(policy: PolicyView) -> tuple[object, ...]:
    """What of the policy ``protected`` makes the return with."""
    return (
        policy.stats_suppression_threshold, policy.stats_round_to_5,
        tuple(policy.support_levels), tuple(policy.topics),
    )  # fmt: skip


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


async def annual_return(year: int, staff: StaffView, kind: str = "") -> AnnualReturn:
    """The council's return for the calendar, financial or academic year beginning in
    ``year`` (managers), as released: its cases in tables protected with the tenant's
    threshold and rounding (rule 12). NotFound before it is released. Each read is
    audited, as a download is."""
    kept = await released(year, staff, kind)
    annual = readable(kept)
    await audit_read(kept, staff, "json")
    return annual


async def released_read(done: ReleaseMade, staff: StaffView) -> AnnualReturn:
    """A release just made, or the one kept before, as the API answers it: the latter's
    read audited."""
    assert done.kept is not None
    annual = readable(done.kept)
    if not done.made:
        await audit_read(done.kept, staff, "json")
    return annual


def readable(kept: StoredRelease) -> AnnualReturn:
    """The release's tables; 409 (``release_of_an_earlier_version``) for a release kept in
    a shape this version does not read: its CSV and workbook are still offered."""
    if kept.annual is None:
        raise Conflict("release_of_an_earlier_version")
    return kept.annual


async def releases(staff: StaffView, page: PageRequest) -> Page[ReleaseView]:
    """Every kept release, the latest period first (managers)."""
    _manager(staff)
    return await queries.releases(current_tenant_id(), page)


async def attachable_releases() -> dict[str, str]:
    """Every kept release, id to a label, the latest period first: what an FOI response may
    attach (rule 11). Read by the requests domain, a peer that cannot import this one,
    through the function the app's composition gives it (``requests.foi.set_releases``);
    its caller checks who is asking."""
    found: dict[str, str] = {}
    page = PageRequest(limit=MAX_PAGE_SIZE, offset=0)
    while True:
        kept = await queries.releases(current_tenant_id(), page)
        found |= {
            str(r.id): f"{r.period_kind} year {r.period_start:%-d %B %Y}"
            f" to {r.period_end:%-d %B %Y}"
            for r in kept.items
        }
        if kept.next_offset is None:
            return found
        page = PageRequest(limit=MAX_PAGE_SIZE, offset=kept.next_offset)


TOTAL = "Total"
CSV_COLUMNS = (
    "year", "table", "row_dimension", "row", "column_dimension", "column", "count", "rounded",
)  # fmt: skip


def _figures_of(table: PublishedTable) -> Iterator[tuple[str, str, str, str, Figure]]:
    """(row dimension, row, column dimension, column, figure) for every figure of the table,
    totals as "Total"."""
    rows, columns = table.rows, table.columns
    labels = [label for _, label in rows.categories]
    if columns is None:
        for label, figure in zip(labels, table.row_totals, strict=True):
            yield rows.label, label, "", "", figure
        yield rows.label, TOTAL, "", "", table.grand_total
        return
    column_labels = [label for _, label in columns.categories]
    for label, cells, total in zip(labels, table.cells, table.row_totals, strict=True):
        for column, figure in zip(column_labels, cells, strict=True):
            yield rows.label, label, columns.label, column, figure
        yield rows.label, label, columns.label, TOTAL, total
    for column, figure in zip(column_labels, table.column_totals, strict=True):
        yield rows.label, TOTAL, columns.label, column, figure
    yield rows.label, TOTAL, columns.label, TOTAL, table.grand_total


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str) -> str:
    """A label a spreadsheet will not take for a formula (a tenant's topic, say)."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _label(annual: AnnualReturn) -> str:
    return annual.label or str(annual.year)


def return_csv(annual: AnnualReturn) -> str:
    """The return as one tidy CSV: a line per figure, a hidden one as "[c]"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for release in annual.releases:
        for table in release.tables:
            for row_dim, row, column_dim, column, figure in _figures_of(table):
                shown = figure.shown.replace(",", "")
                rounded = "yes" if release.rounded and not figure.suppressed else "no"
                labels = (table.title, row_dim, row, column_dim, column)
                writer.writerow((_label(annual), *map(_inert, labels), shown, rounded))
    return out.getvalue()


def _sheet_rows(table: PublishedTable, unit: str) -> Iterator[list[str | int]]:
    def cell(figure: Figure) -> str | int:
        return SUPPRESSED_MARK if figure.value is None else figure.value

    labels = [label for _, label in table.rows.categories]
    if table.columns is None:
        yield [table.rows.label, unit]
        for label, figure in zip(labels, table.row_totals, strict=True):
            yield [label, cell(figure)]
        yield [TOTAL, cell(table.grand_total)]
        return
    yield [table.rows.label, *(label for _, label in table.columns.categories), TOTAL]
    for label, cells, total in zip(labels, table.cells, table.row_totals, strict=True):
        yield [label, *(cell(f) for f in cells), cell(total)]
    yield [TOTAL, *(cell(f) for f in table.column_totals), cell(table.grand_total)]


def return_xlsx(annual: AnnualReturn) -> bytes:
    """The return as a workbook: the notes and the method first, then a sheet per table
    (its title above it, hidden figures "[c]")."""
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append([f"Annual return: cases opened in {annual.title}"])
    notes.append([])
    notes.append([annual.cases.method])
    notes.append([])
    notes.append([f"{SUPPRESSED_MARK}: not shown, to protect privacy."])
    notes.append(
        ["A case may name several topics, so the topics' total is not the number of cases."]
    )
    notes.append(
        ["Disclosures are those shared in the period; information requests those answered "
         "in it. Neither counts what was erased with a case under the retention rules."]
    )  # fmt: skip
    number = 0
    for index, release in enumerate(annual.releases):
        unit = "Cases" if index < 2 else "Number"  # the cases and their topics, then others
        for table in release.tables:
            number += 1
            sheet = book.create_sheet(f"Table {number}")
            sheet.append([table.title])
            sheet.append([])
            for row in _sheet_rows(table, unit):
                sheet.append(row)
                for cell in sheet[sheet.max_row]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # text, never a formula
            sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CSV = ("csv", "text/csv; charset=utf-8")
XLSX = ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


async def download(
    year: int, staff: StaffView, kind: tuple[str, str] = CSV, period: str = ""
) -> Download:
    """The kept release's CSV or XLSX, for the council (managers): audited with the
    release, its year, format and checksum."""
    kept = await released(year, staff, period)
    period = kept.period_kind
    extension, media_type = kind
    if kind == XLSX:
        content, digest = kept.xlsx, kept.xlsx_sha256
    else:
        content, digest = kept.csv, kept.csv_sha256
    await audit.record(
        Action.STATISTICS_RELEASED, actor_kind="staff", actor_id=staff.id,
        subject_kind="statistics_release", subject_id=kept.id,
        detail={"period": period, "year": year, "format": extension, "sha256": digest},
    )  # fmt: skip
    name = {CALENDAR: "", FINANCIAL: "financial-year-", ACADEMIC: "academic-year-"}[period]
    label = Period(period, year).label
    return Download(f"annual-return-{name}{label}.{extension}", media_type, content, digest)


async def download_csv(year: int, staff: StaffView, period: str = "") -> Download:
    return await download(year, staff, CSV, period)


async def download_xlsx(year: int, staff: StaffView, period: str = "") -> Download:
    return await download(year, staff, XLSX, period)


#: The longest period the managers' report covers at once.
LONGEST_REPORT = timedelta(days=732)


def check_period(start: date, end: date) -> None:
    if end < start:
        raise Invalid({"end": "The end of the period must be on or after its start"})
    if end - start > LONGEST_REPORT:
        raise Invalid({"end": "Choose a period of at most 2 years"})


async def service_report(start: date, end: date, staff: StaffView) -> ServiceReport:
    """The managers' own report over a period: enquiries by week, time to first response,
    open caseloads and overdue tasks (no suppression inside the service; no family's
    name, no reference, nothing written)."""
    _manager(staff)
    check_period(start, end)
    return await queries.service_report(current_tenant_id(), start, end, service_today())
