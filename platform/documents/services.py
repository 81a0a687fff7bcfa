"""Documents on a case (rule 28): upload one or more files, a new version of one, the
list, and a download, each behind the case's need-to-know check and audited.

A file is checked before anything is stored: its type from its bytes (``sniff``), its
size against the service's limit, the scanning hook. Then it is sealed and stored
(``platform/storage``) under a fresh id, and its row written; if any file of an upload is
refused, nothing of that upload is stored (every check comes before the first put), and
if writing a row fails, the objects already stored are removed again.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import unicodedata
from uuid import UUID, uuid4

from confide.platform.audit.actions import Action
from confide.platform.casework.access import CaseAccess, check_access, open_case, record_act
from confide.platform.casework.schemas import CaseView, Side
from confide.platform.core.db import current_tenant_id
from confide.platform.core.edge import check_text
from confide.platform.core.errors import Conflict, Invalid, NotFound
from confide.platform.core.logs import get_logger
from confide.platform.documents import queries, scanning
from confide.platform.documents.schemas import (
    FILENAME_MAX,
    FORM_ALLOWANCE,
    MAX_FILES,
    TITLE_MAX,
    DocumentFile,
    DocumentKind,
    DocumentView,
    Inspection,
    NewDocuments,
    SharedVersion,
    UploadedFile,
)
from confide.platform.documents.sniff import EXTENSIONS, sniff
from confide.platform.identity.schemas import StaffView
from confide.platform.storage.services import ObjectMissing, TenantFiles, tenant_files
from confide.tenants.policy.services import get_policy


class DocumentNotFound(NotFound):
    """No such document on this case (never existed, or another case's or tenant's)."""


class DocumentFileMissing(Conflict):
    """The document's row is there but its stored object is not (lost or erased out of
    step): a clear 409, never a 500, logged with codes only."""

    detail = "This version's file could not be found in storage. Tell a manager."

    def __init__(self) -> None:
        super().__init__("file_missing")


log = get_logger(__name__)


async def max_bytes() -> int:
    """The service's size limit for one file (its policy setting, 25 MB by default)."""
    return (await get_policy()).document_max_mb * 1024 * 1024


async def kinds() -> list[DocumentKind]:
    """The kinds of document the service offers (its policy setting: all six by default)."""
    return [DocumentKind(k) for k in (await get_policy()).document_kinds]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def clean_filename(name: str) -> str:
    """The file's name as shown and offered back on download: the last part of any path,
    without control, format (right-to-left overrides: ``letter\u202efdp.exe``) or quote
    characters, at most ``FILENAME_MAX`` characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r'[\x00-\x1f\x7f"]', "", name)
    name = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE).strip()
    return (name or "document")[-FILENAME_MAX:]


_INVISIBLE = frozenset({"Cf", "Zl", "Zp"})


def stored_filename(name: str, content_type: str) -> str:
    """The name a file is kept and offered back under: ``clean_filename``, ending as its
    type does (the type comes from its bytes, so the name never makes it something else)."""
    name = clean_filename(name)
    endings = EXTENSIONS[content_type]
    if name.lower().endswith(endings):
        return name
    return f"{name[: FILENAME_MAX - len(endings[0])]}{endings[0]}"


async def check_declared_size(
    case_id: UUID, staff: StaffView, declared: int | None, files: int
) -> None:
    """Before an upload's body is read: need-to-know for the case (another tenant's case is
    "not found" whatever the body), then a body declared larger than ``files`` files of the
    service's limit (and the form's allowance) is refused on the field at once."""
    await check_access(case_id, staff, purpose="record", require_open=True)
    limit = await max_bytes()
    if declared is not None and declared > files * limit + FORM_ALLOWANCE:
        if files == 1:
            raise Invalid({"file": f"The file must be smaller than {_megabytes(limit)}"})
        raise Invalid(
            {
                "file": f"The files must be smaller than {_megabytes(limit)} each, and at most"
                f" {files} at once"
            }
        )


async def _check_files(files: list[UploadedFile], field: str) -> list[str]:
    """Each file's type; ``Invalid`` naming ``field`` for the first one refused."""
    if not files or all(not f.data and not f.filename for f in files):
        raise Invalid({field: "Choose a file to upload"})
    if len(files) > MAX_FILES:
        raise Invalid({field: f"Upload at most {MAX_FILES} files at once"})
    limit = await max_bytes()
    found = []
    for file in files:
        name = clean_filename(file.filename)
        if not file.data:
            raise Invalid({field: f"The file {name} is empty"})
        if len(file.data) > limit:
            raise Invalid({field: f"The file {name} must be smaller than {_megabytes(limit)}"})
        inspection = file.inspection or await inspect(file.data)
        kind = inspection.content_type
        if kind is None:
            raise Invalid(
                {
                    field: f"The file {name} must be a PDF, an Office document, an image"
                    " or plain text"
                }
            )
        if inspection.scan == "infected":
            raise Invalid({field: f"The file {name} contains a virus"})
        if inspection.scan != "clean":
            raise Invalid(
                {field: f"The file {name} could not be checked for viruses: try again later"}
            )
        found.append(kind)
    return found


async def inspect(data: bytes) -> Inspection:
    """A file's type from its bytes and, for an allowed type, the scanning hook's word.
    No database: the upload routes run it before the request's transaction opens
    (``documents.web.inspect_uploads``), and the checks fall back to it for a file that
    was not."""
    # In a thread: a large compound file's directory is walked off the event loop.
    kind = await asyncio.to_thread(sniff, data)
    if kind is None:
        return Inspection(None)
    try:
        await scanning.scan(data)
    except scanning.Infected:
        return Inspection(kind, "infected")
    except scanning.ScanFailed:
        return Inspection(kind, "failed")
    return Inspection(kind, "clean")


async def _check_details(data: NewDocuments) -> tuple[DocumentKind, Side]:
    errors: dict[str, str] = dict(data.problems)
    check_text(
        errors,
        "title",
        data.title,
        label="the title",
        high=TITLE_MAX,
        required=False,
        single_line=True,
    )
    offered = await kinds()
    kind = next((k for k in offered if k.value == data.kind), None)
    if kind is None:
        errors["kind"] = "Choose what kind of document it is"
        kind = DocumentKind.OTHER
    if data.date_given and data.document_date is None:
        errors["document_date"] = "The document's date must be a real date"
    try:
        side = Side(data.side or Side.SHARED.value)
    except ValueError:
        errors["side"] = "Choose whose side of the record it belongs to"
        side = Side.SHARED
    if errors:
        raise Invalid(errors)
    return kind, side


async def check_files(files: list[UploadedFile], field: str) -> list[str]:
    """For a file kept elsewhere than on a case (a letter on an information request): the
    same checks as a case document's (type from its bytes, size limit, scanning), each
    file's type, or ``Invalid`` naming ``field``."""
    return await _check_files(files, field)


async def store_file(data: bytes) -> tuple[UUID, str]:
    """A checked file sealed and stored under a fresh id: the id and its SHA-256."""
    return await _store(await tenant_files(), data)


async def _store(files: TenantFiles, data: bytes) -> tuple[UUID, str]:
    object_id = uuid4()
    await files.put(object_id, data)
    return object_id, hashlib.sha256(data).hexdigest()


def _title(given: str, filename: str) -> str:
    title = given.strip() or clean_filename(filename).rsplit(".", 1)[0] or "Document"
    return title[:TITLE_MAX]


async def upload(case_id: UUID, staff: StaffView, data: NewDocuments) -> list[DocumentView]:
    """One document per file, on an open case the person may add to; nothing stored unless
    every file and field passes."""
    access = await check_access(case_id, staff, purpose="record", require_open=True)
    # Every problem at once (the form's error summary lists them all), files first.
    errors: dict[str, str] = {}
    types: list[str] = []
    try:
        types = await _check_files(data.files, "file")
    except Invalid as invalid:
        errors.update(invalid.errors)
    kind, side = DocumentKind.OTHER, Side.SHARED
    try:
        kind, side = await _check_details(data)
    except Invalid as invalid:
        errors.update(invalid.errors)
    if data.note_id is not None:
        note_side = await queries.note_side(case_id, data.note_id)
        if note_side is None:
            errors["note_id"] = "Choose a note of this case"
        elif note_side is Side.YOUNG_PERSON_ONLY:
            side = Side.YOUNG_PERSON_ONLY  # rule 15: what is on a confidence stays on its side
    if data.contact_id is not None:
        contact_side = await queries.contact_side(case_id, data.contact_id)
        if contact_side is None:
            errors["contact_id"] = "Choose a contact of this case"
        elif contact_side is Side.YOUNG_PERSON_ONLY:
            side = Side.YOUNG_PERSON_ONLY
    if errors:
        raise Invalid(errors)
    files = await tenant_files()
    stored: list[UUID] = []
    document_ids: list[UUID] = []
    try:
        for file, content_type in zip(data.files, types, strict=True):
            object_id, digest = await _store(files, file.data)
            stored.append(object_id)
            document_id = uuid4()
            await queries.insert_version(
                current_tenant_id(),
                case_id,
                document_id,
                1,
                title=_title(data.title, file.filename),
                kind=kind,
                document_date=data.document_date,
                side=side,
                note_id=data.note_id,
                contact_id=data.contact_id,
                filename=stored_filename(file.filename, content_type),
                content_type=content_type,
                size=len(file.data),
                sha256=digest,
                object_id=object_id,
                uploaded_by=staff.id,
            )
            document_ids.append(document_id)
    except BaseException:
        for object_id in stored:
            await files.delete(object_id)
        raise
    for document_id in document_ids:
        await record_act(access, staff, Action.DOCUMENT_UPLOADED, document_id=document_id)
    return [await _document(case_id, document_id) for document_id in document_ids]


async def add_version(
    case_id: UUID, document_id: UUID, staff: StaffView, file: UploadedFile | None
) -> DocumentView:
    """A new version of a document: the old versions and their files are kept."""
    access = await check_access(case_id, staff, purpose="record", require_open=True)
    current = await queries.document(case_id, document_id)
    if current is None:
        raise DocumentNotFound()
    [content_type] = await _check_files([file] if file else [], "file")
    assert file is not None
    files = await tenant_files()
    object_id, digest = await _store(files, file.data)
    try:
        await queries.insert_version(
            current_tenant_id(),
            case_id,
            document_id,
            current.version + 1,
            title=current.title,
            kind=current.kind,
            document_date=current.document_date,
            side=current.side,
            note_id=current.note_id,
            contact_id=current.contact_id,
            filename=stored_filename(file.filename, content_type),
            content_type=content_type,
            size=len(file.data),
            sha256=digest,
            object_id=object_id,
            uploaded_by=staff.id,
        )
    except BaseException:
        await files.delete(object_id)
        raise
    await record_act(
        access,
        staff,
        Action.DOCUMENT_VERSION_ADDED,
        document_id=document_id,
        version=current.version + 1,
    )
    return await _document(case_id, document_id)


async def _document(case_id: UUID, document_id: UUID) -> DocumentView:
    found = await queries.document(case_id, document_id)
    if found is None:
        raise DocumentNotFound()
    return found


async def list_documents(
    case_id: UUID, staff: StaffView, *, for_parent: bool = False
) -> list[DocumentView]:
    """A case's documents, after the need-to-know check: a read of the case file, audited
    (rule 2), a refusal too. ``for_parent``: the shared side only."""
    await open_case(case_id, staff, purpose="documents")
    return await queries.documents_of_case(case_id, for_parent=for_parent)


async def get_document(case_id: UUID, document_id: UUID, staff: StaffView) -> DocumentView:
    """One document's record (titles and names are the case file's content): audited as a
    read of the case, as ``list_documents``."""
    await open_case(case_id, staff, purpose="documents")
    return await _document(case_id, document_id)


async def open_download(
    case_id: UUID, document_id: UUID, staff: StaffView, version: int | None = None
) -> tuple[DocumentFile, bytes]:
    """One version's file (the latest when none is named) to send: need-to-know as for the
    case (a refusal audited), and the download audited with the document and version.
    The file is read from storage and opened whole (it is within the size limit)."""
    # Rule 29: break-glass reads the case on screen; it takes no file away.
    access = await check_access(case_id, staff, purpose="download", allow_break_glass=False)
    found, content = await read_version(access, document_id, version)
    await record_download(access, staff, found)
    return found, content


async def read_version(
    access: CaseAccess, document_id: UUID, version: int | None = None
) -> tuple[DocumentFile, bytes]:
    """One version's file, read and opened whole (within the size limit), for a caller
    that has checked access (``access``) and records the download with
    ``record_download`` only once it is sure the file is sent: a missing, damaged or
    misbound object fails here (409), before any byte is sent or any download audited."""
    found = await queries.version_file(access.case_id, document_id, version)
    if found is None:
        raise DocumentNotFound()
    files = await tenant_files()
    try:
        return found, await files.get(found.object_id)
    except ObjectMissing:
        log.error("stored_object_missing", stored="document")  # ids in context only
        raise DocumentFileMissing() from None


async def record_download(access: CaseAccess, staff: StaffView, found: DocumentFile) -> None:
    """The audit entry of a document's download, with the document and version."""
    await record_act(
        access,
        staff,
        Action.DOCUMENT_DOWNLOADED,
        reason_code="download",
        document_id=found.document_id,
        version=found.version,
    )


async def of_opened_case(case: CaseView) -> list[DocumentView]:
    """A case's documents for a caller that has already opened it: a ``CaseView`` exists
    only after the need-to-know check and its audit entry (``records.get_case``), so a
    share page reads the case once."""
    return await queries.documents_of_case(case.id)


def parse_share_ref(ref: str) -> tuple[UUID, int | None] | None:
    """A share item's document reference, ``<id>`` or ``<id>@<version>``; None if it is
    neither."""
    ident, _, version = ref.partition("@")
    try:
        document_id = UUID(ident)
        number = int(version) if version else None
    except ValueError:
        return None
    if number is not None and not 1 <= number <= 2**31 - 1:
        return None
    return document_id, number


async def versions_for_share(case: CaseView, refs: list[str]) -> dict[str, SharedVersion]:
    """For a share on an opened case: the exact version of each document named (the
    latest when none is), by the reference given, for the disclosure's snapshot. Looked up
    by the case and the document together (and the version named), so a reference to
    another case's document, or to a version the document does not have, is left out."""
    parsed = {ref: parse_share_ref(ref) for ref in refs}
    found = await queries.versions_for_share(case.id, [p for p in parsed.values() if p is not None])
    chosen = {ref: found.get(p) for ref, p in parsed.items() if p is not None}
    return {
        ref: version
        for ref, version in chosen.items()
        if version is not None and version.case_id == case.id
    }


async def stored_objects(case_ids: list[UUID]) -> list[UUID]:
    """Every stored object of these cases' documents (for retention's erasure)."""
    return await queries.objects_of_cases(case_ids)
