"""Documents' kinds and the views the services return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from confide.platform.casework.schemas import Side

TITLE_MAX = 200
FILENAME_MAX = 200
#: A file's size limit when the service has set none (rule 28).
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
#: The largest limit a service may set: the routes refuse a larger body outright.
MAX_BYTES_CEILING = 50 * 1024 * 1024
#: Files one upload may carry.
MAX_FILES = 10
#: What a form's other fields and the multipart framing may add to its files.
FORM_ALLOWANCE = 1024 * 1024
#: One upload's files together (a fixed cap: four files of the default limit, two of the
#: largest); over it, a 413 naming ``file``.
UPLOAD_BODY_CAP = 100 * 1024 * 1024


class DocumentKind(StrEnum):
    EHC_PLAN = "ehc_plan"
    DECISION_LETTER = "decision_letter"
    REPORT = "report"
    CONSENT_FORM = "consent_form"
    CORRESPONDENCE = "correspondence"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Inspection:
    """What a file's bytes are (``content_type``, None: no type a document may have) and,
    for a file of an allowed type, the scanner's word (``scan``: ``clean``, ``infected``
    or ``failed``). Made before the request's transaction opens: CPU and a scanner's
    wait must not hold a pooled database connection."""

    content_type: str | None
    scan: str | None = None


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file as it arrived: the name the browser gave (shown, never trusted for the
    type) and its bytes; ``inspection`` when it was inspected before the transaction."""

    filename: str
    data: bytes
    inspection: Inspection | None = None


@dataclass(frozen=True, slots=True)
class NewDocuments:
    """What an upload form or the API sent, unchecked: the service checks it after the
    need-to-know check, so another tenant's case is "not found" whatever the body."""

    files: list[UploadedFile]
    title: str = ""
    kind: str = ""
    document_date: date | None = None
    date_given: bool = False  # a date was sent (and ``document_date`` None: not a date)
    side: str = Side.SHARED.value
    note_id: UUID | None = None
    contact_id: UUID | None = None
    # What the surface could not read (an id that is not an id), raised with the
    # service's own problems after the need-to-know check.
    problems: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VersionView:
    version: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: UUID
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A document as its latest version describes it, with every version newest first."""

    id: UUID
    case_id: UUID
    title: str
    kind: DocumentKind
    document_date: date | None
    side: Side
    note_id: UUID | None
    contact_id: UUID | None
    version: int
    filename: str
    content_type: str
    size: int
    uploaded_by: UUID
    uploaded_at: datetime
    versions: list[VersionView] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """One version's file, for a download: its name, type, size and the stored object."""

    document_id: UUID
    version: int
    filename: str
    content_type: str
    size: int
    object_id: UUID


@dataclass(frozen=True, slots=True)
class SharedVersion:
    """One exact version of a document chosen for a share: what the disclosure records
    (``case_id``: the case it was found on, checked against the share's)."""

    case_id: UUID
    document_id: UUID
    version: int
    title: str
    side: Side
    filename: str
    content_type: str
    size: int
    sha256: str
