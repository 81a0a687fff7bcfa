"""The case bundle (issue 16): the whole case file as a readable PDF made from Jinja
templates (their HTML laid out by ReportLab, ``pdf.py``), a machine-readable JSON copy,
and a manifest of SHA-256 checksums, in one ZIP.

Reading the case is a case read, audited with the asker's grounds (``records.get_case`` or,
for the parent's view, ``records.parent_view``, rule 15). The parent's view leaves out the
young person's confidential side: their notes and contacts (``parent_view``), consent they
gave themselves, disclosures that shared anything of theirs, documents on their side
(``documents.list_documents(for_parent=True)``) and tasks other than consent reviews (a
task's free text has no side, so none is let through that might tell of them). What is
left is copied field by field into the allow-list of ``parent.py`` (no contact details,
safe-contact preferences or people who must not be told, not who got in touch, the young
person's view, capacity notes or links to other cases), and only that reaches the PDF and
the JSON.
"""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import unicodedata
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from confide.platform.casework import records
from confide.platform.casework.schemas import CaseView
from confide.platform.consent import consents, disclosures
from confide.platform.consent.schemas import (
    CapacityView,
    ConsentView,
    DisclosureView,
    NotAskedView,
)
from confide.platform.core.clock import uk_datetime
from confide.platform.core.pagination import MAX_PAGE_SIZE, PageRequest
from confide.platform.documents import services as documents
from confide.platform.documents.schemas import DocumentFile, DocumentView
from confide.platform.exports import parent, pdf
from confide.platform.exports.schemas import BundleView
from confide.platform.identity.schemas import StaffView
from confide.platform.tasks import services as tasks
from confide.platform.tasks.schemas import TaskKind, TaskView

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters["uk_datetime"] = uk_datetime  # the pages' formatter: times in England


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything the bundle holds, read once (an audited case read)."""

    view: BundleView
    made_at: datetime
    made_by: str
    # The full view's own records, or the parent's view's allow-list (``parent.py``).
    case: CaseView | parent.ParentCase
    consents: list[ConsentView] | list[parent.ParentConsent]
    capacity: CapacityView | parent.ParentCapacity | None
    not_asked: NotAskedView | None
    disclosures: list[DisclosureView] | list[parent.ParentDisclosure]
    tasks: list[TaskView]
    documents: list[DocumentView] = field(default_factory=list)
    # Each document's latest file, by its name in the ZIP (ids only): not in the JSON copy.
    attachments: dict[str, bytes] = field(default_factory=dict)


async def read_case_file(
    case_id: UUID, staff: StaffView, view: BundleView, *, include_documents: bool, now: datetime
) -> CaseFile:
    """The case as ``staff`` may read it, in ``view`` (audited; a refusal raises
    ``CaseRestricted``)."""
    if view is BundleView.PARENT:
        case = await records.parent_view(case_id, staff, purpose="export_parent_view")
    else:
        case = await records.get_case(case_id, staff, purpose="export")
    history = await consents.consent_history(case_id, staff)
    shared = await disclosures.case_disclosures(case_id)
    open_tasks = await _tasks(case_id, staff)
    if view is BundleView.PARENT:
        open_tasks = [t for t in open_tasks if t.kind is TaskKind.CONSENT_REVIEW]
    files: list[DocumentView] = []
    attachments: dict[str, bytes] = {}
    if include_documents:
        files = await documents.list_documents(case_id, staff, for_parent=view is BundleView.PARENT)
        for document in files:  # each one's download audited, as any download is
            found, content = await documents.open_download(case_id, document.id, staff)
            attachments[attachment_name(found)] = content
    if view is BundleView.PARENT:
        return CaseFile(
            view=view,
            made_at=now,
            made_by=staff.display_name,
            case=parent.case(case),
            consents=parent.consents(history.versions),
            capacity=parent.capacity(history.capacity),
            not_asked=None,  # its reason is free text of no side: none is let through
            disclosures=parent.disclosures(shared, history.versions),
            tasks=open_tasks,
            documents=files,
            attachments=attachments,
        )
    return CaseFile(
        view=view,
        made_at=now,
        made_by=staff.display_name,
        case=case,
        consents=history.versions,
        capacity=history.capacity,
        not_asked=history.not_asked,
        disclosures=shared,
        tasks=open_tasks,
        documents=files,
        attachments=attachments,
    )


def attachment_name(found: DocumentFile) -> str:
    """A document's file in the ZIP: its id, version and type, never its own name."""
    extension = mimetypes.guess_extension(found.content_type.split(";")[0].strip()) or ".bin"
    return f"documents/{found.document_id}-v{found.version}{extension}"


async def _tasks(case_id: UUID, staff: StaffView) -> list[TaskView]:
    found: list[TaskView] = []
    offset = 0
    while True:
        page = await tasks.case_tasks(case_id, staff, PageRequest(MAX_PAGE_SIZE, offset))
        found += page.items
        offset += MAX_PAGE_SIZE
        if offset >= page.total:
            return found


# The PDF's sections, in order: each is a template rendered on its own, so the worker can
# report progress between them.
SECTIONS = (
    "summary",
    "people",
    "consent",
    "contacts",
    "notes",
    "disclosures",
    "tasks",
    "documents",
)


#: Steps of a build: the PDF's sections, its layout, the JSON, the ZIP.
STEPS = len(SECTIONS) + 3


def latin(text: str) -> str:
    """The PDF's built-in fonts hold Latin-1: other letters lose their accents, anything
    else becomes "?" (the JSON copy keeps every character)."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256)
        out.append(plain or "?")
    return "".join(out)


# A long section (notes, contacts) is made this many of its entries at a time, so no one
# piece of HTML is long.
CHUNK = 50
_LONG: dict[str, Callable[[CaseFile], list[Any]]] = {
    "contacts": lambda f: f.case.contacts,
    "notes": lambda f: f.case.notes,
}


def _pieces(section: str, case_file: CaseFile) -> Iterator[str]:
    """The section's HTML from its template, in pieces: a long one ``CHUNK`` entries at a
    time."""
    template = TEMPLATES.get_template(f"{section}.html")
    full = case_file.view is BundleView.FULL
    context = {
        "f": case_file,
        "case": case_file.case,
        "parent": case_file.view,
        "full": full,
        "bases": disclosures.BASIS_LABELS,
        "legal_bases": disclosures.LEGAL_BASIS_LABELS,
    }
    if section not in _LONG:
        yield latin(template.render(**context, items=None, first=True))
        return
    entries = _LONG[section](case_file)
    for start in range(0, max(len(entries), 1), CHUNK):
        chunk = entries[start : start + CHUNK]
        yield latin(template.render(**context, items=chunk, first=start == 0))


def render_pdf(case_file: CaseFile) -> Generator[int, None, bytes]:
    """The readable bundle: one PDF of every section's template; yields each section's
    number once it is made, then the layout's, and returns the PDF."""
    story = []
    for n, section in enumerate(SECTIONS, start=1):
        for piece in _pieces(section, case_file):
            story += pdf.flowables(piece)
        yield n
    reference = case_file.case.reference
    made = pdf.render(story, title=f"Case bundle {reference}", footer=f"Case {reference}")
    yield len(SECTIONS) + 1
    return made


def _json_default(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value)
    raise TypeError(type(value).__name__)


def render_json(case_file: CaseFile) -> bytes:
    """The machine-readable copy: every field of what the PDF shows, as JSON."""
    data = msgspec.to_builtins(replace(case_file, attachments={}), enc_hook=_json_default)
    del data["attachments"]
    data["document_files"] = sorted(case_file.attachments)
    data["format"] = "confide.case_bundle/1"
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")


def zip_bundle(files: dict[str, bytes]) -> bytes:
    """The files, and ``manifest.json`` with each one's size and SHA-256, in one ZIP."""
    manifest = {
        "algorithm": "sha256",
        "files": [
            {"name": name, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            for name, content in files.items()
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content, compress_type=_compression(name))
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return buffer.getvalue()


# Text gains from deflating; PDFs, images and Office files are compressed already, and
# deflating 20 of them again took a second of a bundle's three (``bench/bundle.py``).
_DEFLATED = (".json", ".txt", ".csv", ".rtf", ".html")


def _compression(name: str) -> int:
    return zipfile.ZIP_DEFLATED if name.lower().endswith(_DEFLATED) else zipfile.ZIP_STORED


def build(case_file: CaseFile) -> Generator[int, None, bytes]:
    """The whole ZIP, step by step: yields each step's number (``STEPS`` in all) once it
    is done, and returns the ZIP."""
    made = yield from render_pdf(case_file)
    data = render_json(case_file)
    yield len(SECTIONS) + 2
    names = bundle_names(case_file)
    archive = zip_bundle({names[0]: made, names[1]: data, **case_file.attachments})
    yield len(SECTIONS) + 3
    return archive


def build_all(case_file: CaseFile) -> bytes:
    """The whole ZIP at once (the bench, the tests)."""
    steps = build(case_file)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return bytes(done.value)


def bundle_names(case_file: CaseFile) -> tuple[str, str]:
    """The files' names inside the ZIP: the case reference only, never a name."""
    stem = f"case-{case_file.case.reference}"
    return f"{stem}.pdf", f"{stem}.json"
