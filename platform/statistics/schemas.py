"""What the statistics domain returns: the year's counts over its dimensions (never a
name, a date finer than a year, a reference or anything written about a case), and the
annual return made from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from confide.platform.exports.schemas import ExportView
from confide.platform.identity.schemas import StaffView
from confide.platform.statistics.disclosure import Release
from confide.tenants.policy.schemas import PolicyView

# Age of the child or young person when the case was opened; "unknown" for an anonymous
# enquiry or no date of birth. The same bands as the facts an erased case leaves
# (retention's raw migration), so a year's figures do not move when cases are erased.
AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("0-4", "0 to 4"),
    ("5-10", "5 to 10"),
    ("11-15", "11 to 15"),
    ("16-18", "16 to 18"),
    ("19-25", "19 to 25"),
    ("26+", "26 or over"),  # outside the service's 0 to 25, but counted: one population
    ("unknown", "Not known"),
)
CONTACTED_BY: tuple[tuple[str, str], ...] = (
    ("parent", "Parent"),
    ("carer", "Carer"),
    ("young_person", "Child or young person"),
    ("professional", "Professional"),
)
REFERRAL_ROUTES: tuple[tuple[str, str], ...] = (
    ("self", "Self-referral"),
    ("professional", "Professional referral"),
    ("early_help", "Early Help"),
)
OUTCOME_CLASSES: tuple[tuple[str, str], ...] = (
    ("recorded", "Outcome recorded"),
    ("none", "No outcome recorded"),
)
YEAR_END_STATUS: tuple[tuple[str, str], ...] = (
    ("open", "Open at the end of the year"),
    ("closed", "Closed by the end of the year"),
)
OTHER_TOPIC = "other"
# How the family first made contact: the kind of the case's first incoming contact.
CHANNELS: tuple[tuple[str, str], ...] = (
    ("phone", "Phone"),
    ("voicemail", "Voicemail"),
    ("email", "Email"),
    ("meeting", "Meeting"),
    ("letter", "Letter"),
    ("video", "Video call"),
    ("text", "Text message"),
    ("none", "No incoming contact recorded"),
    ("unknown", "Not known (case erased before this was kept)"),
)
# Days from opening the case to the first outgoing contact.
RESPONSE_BANDS: tuple[tuple[str, str], ...] = (
    ("0-1", "The same or the next day"),
    ("2-5", "2 to 5 days"),
    ("6-20", "6 to 20 days"),
    ("21+", "More than 20 days"),
    ("none", "No reply recorded"),
    ("unknown", "Not known (case erased before this was kept)"),
)
# The phase of the child's school, from the schools directory (GIAS) when one is chosen.
SCHOOL_PHASES: tuple[tuple[str, str], ...] = (
    ("nursery", "Nursery"),
    ("primary", "Primary"),
    ("secondary", "Secondary"),
    ("all_through", "All-through"),
    ("post_16", "16 plus"),
    ("other", "Other or not applicable"),
    ("unknown", "No school from the directory, or not known"),
    ("erased", "Not known (case erased before this was kept)"),
)
DISCLOSURE_BASES: tuple[tuple[str, str], ...] = (
    ("consent", "With consent"),
    ("safeguarding", "Without consent: safeguarding"),
    ("police_request", "Without consent: a police request"),
    ("court_order", "Without consent: a court order"),
    ("legal_obligation", "Without consent: another legal obligation"),
    ("other", "Another basis, or none recorded"),
)
REQUEST_KINDS: tuple[tuple[str, str], ...] = (
    ("subject_access", "Subject access request"),
    ("case_file", "Request for a case file"),
    ("foi", "Freedom of information request"),
)
REQUEST_DEADLINES: tuple[tuple[str, str], ...] = (
    ("within", "Answered within the deadline"),
    ("late", "Answered after the deadline"),
    ("no_deadline", "No statutory deadline"),
)

# The periods a return covers (rule 12), each a whole year beginning in a month of its own.
CALENDAR, FINANCIAL, ACADEMIC = "calendar", "financial", "academic"
#: The shape of a release's published JSON: 2 since an erased case's channel, first reply
#: and school phase are kept (no "not known" group made by erasure) and disclosures on a
#: basis not listed count as "other".
RELEASE_SCHEMA = 2
PERIOD_KINDS: tuple[tuple[str, str], ...] = (
    (CALENDAR, "Calendar year (January to December)"),
    (FINANCIAL, "Financial year (April to March)"),
    (ACADEMIC, "Academic year (September to August)"),
)
_FIRST_MONTH = {CALENDAR: 1, FINANCIAL: 4, ACADEMIC: 9}


@dataclass(frozen=True, slots=True)
class Period:
    """A year of the return: a calendar, financial or academic one, by the year it begins."""

    kind: str
    year: int

    @property
    def start(self) -> date:
        return date(self.year, _FIRST_MONTH[self.kind], 1)

    @property
    def end(self) -> date:
        """The period's last day."""
        return date(self.year + 1, _FIRST_MONTH[self.kind], 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        """2024, or 2024-25 for a year across two."""
        if self.kind == CALENDAR:
            return str(self.year)
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def title(self) -> str:
        """The period in words: "2024", "the financial year 2024-25"."""
        if self.kind == CALENDAR:
            return self.label
        return f"the {self.kind} year {self.label}"


@dataclass(frozen=True, slots=True)
class CaseCount:
    """How many cases opened in the year share these values."""

    contacted_by: str
    referral_route: str
    age_band: str
    support_level: int
    outcome_class: str
    year_end_status: str
    cases: int
    # Not given: as a case erased before these were kept (the same cases in all three).
    channel: str = "unknown"
    response: str = "unknown"
    phase: str = "erased"


@dataclass(frozen=True, slots=True)
class YearFigures:
    """The cases opened in a calendar year, kept and erased alike, counted by their
    values; and how many of them name each enquiry topic (a case may name several)."""

    year: int
    counts: tuple[CaseCount, ...]
    topics: dict[str, int]
    # Disclosures shared in the period by basis; information requests answered in it by
    # (kind, whether within the deadline).
    disclosures: dict[str, int] = field(default_factory=dict)
    requests: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def cases(self) -> int:
        return sum(c.cases for c in self.counts)


@dataclass(frozen=True, slots=True)
class AnnualReturn:
    """The council's annual return: the cases opened in ``year``, protected (rule 12);
    the topics are a release of their own (a case names several, so their total is not
    the number of cases)."""

    year: int
    cases: Release
    topics: Release
    period: str = CALENDAR  # the kind of year: ``year`` is the one it begins in
    label: str = ""  # the period as written: "2024", "2024-25"
    # The disclosures shared and the information requests answered in the period: a
    # release each (other populations than the cases). None in a release kept before.
    disclosures: Release | None = None
    requests: Release | None = None

    @property
    def releases(self) -> tuple[Release, ...]:
        found = (self.cases, self.topics, self.disclosures, self.requests)
        return tuple(r for r in found if r is not None)

    @property
    def title(self) -> str:
        return Period(self.period, self.year).title


@dataclass(frozen=True, slots=True)
class StoredRelease:
    """A period's annual return as first released and kept (rule 12): every later preview
    or download of the period is this, never a recomputation."""

    id: UUID
    period_kind: str
    period_start: date
    period_end: date
    produced_at: datetime
    annual: AnnualReturn | None  # None: of an earlier shape this version cannot read
    csv: bytes
    csv_sha256: str
    xlsx: bytes
    xlsx_sha256: str


@dataclass(frozen=True, slots=True)
class ReleaseMade:
    """What releasing a period did: the release (made now, ``made``; or kept before), or,
    for a period too large to make in a request, the export the worker builds it in."""

    kept: StoredRelease | None = None
    made: bool = False
    building: ExportView | None = None


@dataclass(frozen=True, slots=True)
class ReleaseBuild:
    """An annual return the export worker builds: the export, its period, and the manager
    who asked (the release is theirs, audited as made by them)."""

    export: ExportView
    period: Period
    staff: StaffView
    policy: PolicyView  # the service's settings at the start: threshold, rounding, labels


@dataclass(frozen=True, slots=True)
class ReleaseView:
    """A kept release in the list: who produced it, when, for what period, its files'
    checksums (the figures themselves are on the preview)."""

    id: UUID
    period_kind: str
    period_start: date
    period_end: date
    year: int
    label: str
    produced_by_name: str
    produced_at: datetime
    csv_sha256: str
    xlsx_sha256: str


@dataclass(frozen=True, slots=True)
class Download:
    """A file of the annual return as released: its name, type, content and checksum."""

    filename: str
    media_type: str
    content: bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class WeekCount:
    """Enquiries (cases opened) in the week beginning ``week_start`` (a Monday)."""

    week_start: date
    enquiries: int


@dataclass(frozen=True, slots=True)
class Caseload:
    """A member of staff's open cases (their own name: staff, never a family)."""

    staff_name: str
    open_cases: int


@dataclass(frozen=True, slots=True)
class ServiceReport:
    """The managers' own view of the service over a period (inside the service: no
    suppression, and no name of a family, a reference or anything written)."""

    start: date
    end: date
    enquiries_by_week: tuple[WeekCount, ...]
    enquiries: int
    responded: int  # of the period's cases, those with an outgoing contact
    median_days_to_first_response: float | None
    responded_within_5_days: int
    open_caseloads: tuple[Caseload, ...]
    unassigned_open_cases: int
    overdue_tasks: dict[str, int]  # open tasks past their date by kind (consent reviews too)
    # Information requests answered (closed) in the period, those by their statutory
    # deadline, and those open now past it.
    requests_answered: int = 0
    requests_answered_in_time: int = 0
    requests_overdue: int = 0
