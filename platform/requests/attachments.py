"""Documents on an information request (issue 17): the letters the service sent, the service
user's signed consent form or letter (rule 10), correspondence. Managers only.

A file goes through the case documents' own checks (``documents.services.check_files``:
its type from its bytes, the size limit, the scanning hook) and is sealed and stored as
they are (``store_file``); nothing is stored unless every file and field passes, and a
stored object whose row fails is removed again. Each upload and download is audited (ids
and codes only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.core.db import current_tenant_id
from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid, NotFound
from confide.platform.documents import services as documents
from confide.platform.documents.schemas import UploadedFile
from confide.platform.identity.schemas import StaffView
from confide.platform.requests import queries
from confide.platform.requests.schemas import RequestKind
from confide.platform.requests.services import RequestNotFound, managers_only
from confide.platform.requests.third_party_schemas import (
    TITLE_MAX,
    RequestDocumentFile,
    RequestDocumentKind,
    RequestDocumentView,
)
from confide.platform.storage.services import tenant_files


class RequestDocumentNotFound(NotFound):
    """No such document on this request (or another request's or tenant's)."""


@dataclass(frozen=True, slots=True)
class NewRequestDocuments:
    """What an upload sent, unchecked: checked once the request is found."""

    files: list[UploadedFile]
    kind: str = ""
    title: str = ""
    problems: dict[str, str] = field(default_factory=dict)


async def _request_row(request_id: UUID, staff: StaffView) -> dict[str, object]:
    managers_only(staff)
    row = await queries.lock_request(current_tenant_id(), request_id)
    if row is None:
        raise RequestNotFound()
    return row


async def _audit(action: Action, staff: StaffView, request_id: UUID, **detail: object) -> None:
    await audit.record(
        action,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="information_request",
        subject_id=request_id,
        detail={"request_id": request_id, **detail},  # type: ignore[dict-item]
    )


#: What an FOI request may hold (rule 11): its letters, never a consent form or case files.
FOI_DOCUMENT_KINDS = frozenset(
    {RequestDocumentKind.LETTER_SENT, RequestDocumentKind.CORRESPONDENCE}
)


async def attach(
    request_id: UUID, staff: StaffView, data: NewRequestDocuments
) -> list[RequestDocumentView]:
    """One document per file on the request (open or closed: a letter may follow the
    outcome); nothing stored unless every file and field passes."""
    row = await _request_row(request_id, staff)
    errors: dict[str, str] = dict(data.problems)
    types: list[str] = []
    try:
        types = await documents.check_files(data.files, "file")
    except Invalid as invalid:
        errors.update(invalid.errors)
    try:
        kind = RequestDocumentKind(data.kind)
    except ValueError:
        errors["kind"] = "Choose what kind of document it is"
        kind = RequestDocumentKind.OTHER
    if row["kind"] == RequestKind.FOI and kind not in FOI_DOCUMENT_KINDS and "kind" not in errors:
        # Review decision (rule 11): an FOI request holds its letters, never a case's files.
        errors["kind"] = "An FOI request takes only letters sent and correspondence"
    check_text(
        errors, "title", data.title, label="the title", high=TITLE_MAX, required=False,
        single_line=True,
    )  # fmt: skip
    if errors:
        raise Invalid(errors)
    tenant_id = current_tenant_id()
    stored: list[UUID] = []
    made: list[UUID] = []
    try:
        for file, content_type in zip(data.files, types, strict=True):
            object_id, digest = await documents.store_file(file.data)
            stored.append(object_id)
            document_id = uuid4()
            filename = documents.stored_filename(file.filename, content_type)
            title = data.title.strip() or filename.rsplit(".", 1)[0] or "Document"
            await queries.insert_document(
                tenant_id,
                document_id,
                request_id,
                row["case_id"],  # type: ignore[arg-type]
                kind=kind,
                title=title[:TITLE_MAX],
                filename=filename,
                content_type=content_type,
                size=len(file.data),
                sha256=digest,
                object_id=object_id,
                uploaded_by=staff.id,
            )
            made.append(document_id)
    except BaseException:
        files = await tenant_files()
        for object_id in stored:
            await files.delete(object_id)
        raise
    for document_id in made:
        await _audit(
            Action.REQUEST_DOCUMENT_ADDED, staff, request_id, document_id=document_id,
            kind=kind.value,
        )  # fmt: skip
    found = {d.id: d for d in await queries.documents_of_request(tenant_id, request_id)}
    return [found[d] for d in made]


async def request_documents(request_id: UUID, staff: StaffView) -> list[RequestDocumentView]:
    """The request's documents, oldest first (a read of the request, audited)."""
    await _request_row(request_id, staff)
    await _audit(Action.REQUEST_READ, staff, request_id, part="documents")
    return await queries.documents_of_request(current_tenant_id(), request_id)


async def signed_consents(request_id: UUID) -> dict[UUID, datetime]:
    """The signed consent forms recorded on a request, each with when it was recorded (for
    its release, rule 10)."""
    found = await queries.documents_of_request(current_tenant_id(), request_id)
    return {d.id: d.uploaded_at for d in found if d.kind is RequestDocumentKind.SIGNED_CONSENT}


async def open_download(
    request_id: UUID, document_id: UUID, staff: StaffView
) -> tuple[RequestDocumentFile, bytes]:
    """A document's file to send, for a manager; the download audited."""
    await _request_row(request_id, staff)
    found = await queries.document_file(current_tenant_id(), request_id, document_id)
    if found is None:
        raise RequestDocumentNotFound()
    content = await (await tenant_files()).get(found.object_id)  # a 409 audits nothing
    await _audit(Action.REQUEST_DOCUMENT_DOWNLOADED, staff, request_id, document_id=document_id)
    return found, content
