"""Exports' kinds, states and options, and the views the services return.

An export is asked for by a member of staff, built by a worker (``workers/exports.py``),
stored encrypted, downloaded only by whoever asked and the managers (each download
audited), and expires after the service's number of days, when a scheduled job deletes
its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.core.errors import Conflict, Forbidden, NotFound

MEDIA_TYPE = "application/zip"


class ExportKind(StrEnum):
    """What is exported; later issues (subject access, statistics) add kinds here."""

    CASE_BUNDLE = "case_bundle"
    # A subject access request's redacted bundle (issue 17): made from the request's kept
    # original and its marks, by the same worker, once a manager approves the release.
    SAR_RELEASE = "sar_release"
    # A large period's annual return (issue 18): built by the same worker with progress,
    # kept as the statistics' release (no file of its own, no case); the managers' only.
    ANNUAL_RETURN = "annual_return"


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"


class BundleView(StrEnum):
    """Whose view of the case the bundle holds (rule 15)."""

    FULL = "full"  # everything the asker may read
    PARENT = "parent"  # without the young person's confidential side (``parent_view``)


class NewCaseBundle(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A case bundle to build: whose view, and whether documents go in."""

    view: BundleView = BundleView.FULL
    include_documents: bool = True

    def validate(self) -> None:
        # The types are checked by the decoder; nothing else can be wrong yet.
        return None


@dataclass(frozen=True, slots=True)
class ExportView:
    id: UUID
    kind: ExportKind
    case_id: UUID | None
    case_reference: str
    view: BundleView
    include_documents: bool
    status: ExportStatus
    progress_done: int
    progress_total: int
    failure: str | None  # why it failed, by kind (never an exception's message)
    size_bytes: int | None
    sha256: str | None
    requested_by: UUID
    requested_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    started_at: datetime | None = None  # the last attempt's start (a build starts from nought)
    progressed_at: datetime | None = None  # its last step done (``progress``)
    # An annual return's period: its kind of year and first day (None for the others).
    period_kind: str | None = None
    period_start: date | None = None

    def stalled(self, after: timedelta, now: datetime) -> bool:
        """Queued or running, with no attempt begun and no step done for ``after``: the
        broker lost its task, or the retries gave up while the outage kept it from being
        marked failed. A build still making progress is not stalled, however long it runs."""
        if self.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
            return False
        signs = (self.requested_at, self.started_at, self.progressed_at)
        return max(s for s in signs if s is not None) <= now - after

    @property
    def percent(self) -> int:
        if self.progress_total <= 0:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def period_label(self) -> str:
        """An annual return's period as written: "2024", "the financial year 2024-25"."""
        if self.period_kind is None or self.period_start is None:
            return ""
        year = self.period_start.year
        if self.period_kind == "calendar":
            return str(year)
        return f"the {self.period_kind} year {year}-{(year + 1) % 100:02d}"

    @property
    def downloadable(self) -> bool:
        return self.status is ExportStatus.READY and self.kind is ExportKind.CASE_BUNDLE

    @property
    def filename(self) -> str:
        """The download's name: the case reference and the export's id, never a name."""
        view = "parent-view" if self.view is BundleView.PARENT else "full"
        stem = "redacted-bundle" if self.kind is ExportKind.SAR_RELEASE else "case-bundle"
        return f"{stem}-{self.case_reference}-{view}-{str(self.id)[:8]}.zip"


@dataclass(frozen=True, slots=True)
class Download:
    """An export's file, decrypted, for the one who may have it."""

    export: ExportView
    content: bytes

    @property
    def headers(self) -> dict[str, str]:
        """Served as a download, never kept by the browser, its type never guessed."""
        return {
            "Content-Disposition": f'attachment; filename="{self.export.filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }


class ExportNotFound(NotFound):
    """No such export here (another service's, or someone else's to a caseworker)."""


class ExportNotReady(Conflict):
    def __init__(self) -> None:
        super().__init__("export_not_ready")


class ExportNotPermitted(Forbidden):
    """Only the person who asked and the managers may download an export."""


class ExportFailure(StrEnum):
    """Why a build failed, as the page and the log say it (never a message of the error)."""

    CASE_NOT_READABLE = "case_not_readable"  # the asker no longer has need-to-know
    ERROR = "error"  # anything else: the log has the error's type
    # An outage (the database, Redis or the store) that outlasted the task's retries.
    UNAVAILABLE = "unavailable"
    # A release's build that made no progress for ``RELEASE_STALLED_AFTER`` and was asked
    # for again (the requests domain): a worker finishing it later keeps nothing.
    STALLED = "stalled"
    # An annual return's asker who is no longer an active manager when it is built.
    NOT_A_MANAGER = "not_a_manager"
    # An annual return's period that can no longer be released as asked (the service's
    # kind of year changed, or its cases were erased before the facts kept that kind).
    NOT_RELEASABLE = "not_releasable"


FAILURE_TEXT = {
    ExportFailure.CASE_NOT_READABLE: "You no longer have need-to-know for the case",
    ExportFailure.ERROR: "Something went wrong building it: ask for it again",
    ExportFailure.UNAVAILABLE: "The service was unavailable while building it: ask for it again",
    ExportFailure.STALLED: "It stopped without finishing and was asked for again",
    ExportFailure.NOT_A_MANAGER: (
        "The person who asked for it is no longer a manager: a manager can release it again"
    ),
    ExportFailure.NOT_RELEASABLE: (
        "The period can no longer be released as it was asked for: choose the year again"
    ),
}
