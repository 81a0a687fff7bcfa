"""Every SQL statement of the information request register."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, TypeVar
from uuid import UUID

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import paged, raw
from confide.platform.requests.clock import Steps, standing
from confide.platform.requests.foi_schemas import (
    Attached,
    FoiAttachmentKind,
    FoiLogEntry,
    FoiResponseView,
)
from confide.platform.requests.schemas import (
    DUE_SOON_DAYS,
    Channel,
    DataSubject,
    Relation,
    RequestFilter,
    RequestKind,
    RequestStatus,
    RequestSummary,
    RequestView,
)
from confide.platform.requests.third_party_schemas import (
    ReleaseGround,
    ReleaseView,
    RequestDocumentFile,
    RequestDocumentKind,
    RequestDocumentView,
)

V = TypeVar("V", bound=RequestSummary)

_COLUMNS = (
    "r.id, r.kind, r.requester_name, r.relation, r.case_id, c.reference, r.received_on,"
    " r.channel, r.summary, r.identity_confirmed_on, r.identity_evidence,"
    " r.clarification_asked_on, r.clarification_received_on, r.extension_months,"
    " r.extension_days, r.extension_reason, r.foi_applies, r.status, r.outcome, r.released,"
    " r.logged_by, r.created_at, r.closed_at, r.task_id"
)
_FROM = (
    " FROM information_requests r LEFT JOIN cases c ON c.tenant_id = r.tenant_id"
    " AND c.id = r.case_id"
)


def steps_of(r: dict[str, Any]) -> Steps:
    return Steps(
        kind=RequestKind(r["kind"]),
        received_on=r["received_on"],
        identity_confirmed_on=r["identity_confirmed_on"],
        clarification_asked_on=r["clarification_asked_on"],
        clarification_received_on=r["clarification_received_on"],
        extension_months=r["extension_months"],
        extension_days=r["extension_days"],
        foi_applies=r["foi_applies"],
        closed=r["status"] == RequestStatus.CLOSED,
    )


def _view(r: dict[str, Any], on: date, shape: type[V], **extra: Any) -> V:
    """A request's row as ``shape`` (the lists' summary, or one request's view with
    ``extra``), the clock worked out again."""
    status = RequestStatus(r["status"])
    found = standing(steps_of(r))
    due = found.due_on
    live = status is RequestStatus.OPEN and due is not None
    return shape(
        id=r["id"],
        kind=RequestKind(r["kind"]),
        requester_name=r["requester_name"],
        relation=Relation(r["relation"]),
        case_id=r["case_id"],
        case_reference=None if r["reference"] is None else str(r["reference"]),
        received_on=r["received_on"],
        channel=Channel(r["channel"]),
        summary=r["summary"],
        identity_confirmed_on=r["identity_confirmed_on"],
        identity_evidence=r["identity_evidence"],
        clarification_asked_on=r["clarification_asked_on"],
        clarification_received_on=r["clarification_received_on"],
        extension_months=r["extension_months"],
        extension_days=r["extension_days"],
        extension_reason=r["extension_reason"],
        stage=found.stage,
        due_on=due,
        tell_extension_by=found.tell_extension_by,
        due_soon=live and on <= due <= on + timedelta(days=DUE_SOON_DAYS),  # type: ignore[operator]
        overdue=live and due < on,  # type: ignore[operator]
        status=status,
        outcome=r["outcome"],
        released=r["released"],
        logged_by=r["logged_by"],
        created_at=r["created_at"],
        closed_at=r["closed_at"],
        **extra,
    )


def _subject(r: dict[str, Any]) -> DataSubject | None:
    if r.get("subject_person_id") is None:
        return None
    return DataSubject(
        r["subject_person_id"], str(r["subject_name"]), bool(r["subject_is_young_person"]),
        r["subject_relationship"],
    )  # fmt: skip


async def insert_request(
    tenant_id: UUID,
    request_id: UUID,
    *,
    kind: RequestKind,
    requester_name: str,
    relation: Relation,
    case_id: UUID | None,
    received_on: date,
    channel: Channel,
    summary: str,
    foi_applies: bool,
    logged_by: UUID,
) -> None:
    await raw(
        "INSERT INTO information_requests (id, tenant_id, kind, requester_name, relation,"
        " case_id, received_on, channel, summary, foi_applies, logged_by)"
        " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        request_id,
        tenant_id,
        kind.value,
        requester_name,
        relation.value,
        case_id,
        received_on,
        channel.value,
        summary,
        foi_applies,
        logged_by,
    )


# Whom one request is about (rule 30): a subject access request's recorded data subject,
# or else the case's young person; a person merged into another is shown as the survivor.
# The person is joined on a CASE, not a coalesce: under row-level security PostgreSQL
# treats a coalesce as possibly leaky and will not make it an index condition, so the
# join read every person of the tenant (900 ms a request at 2,200,000 people).
_SUBJECT = (
    ", coalesce(m.id, p.id) AS subject_person_id,"
    " coalesce(m.first_name, p.first_name) || ' ' || coalesce(m.last_name, p.last_name)"
    " AS subject_name, coalesce(m.id, p.id) = c.subject_id AS subject_is_young_person,"
    " (SELECT cp.relationship FROM case_people cp WHERE cp.tenant_id = r.tenant_id"
    " AND cp.case_id = r.case_id AND cp.person_id IN (p.id, m.id) LIMIT 1)"
    " AS subject_relationship"
)
_SUBJECT_FROM = (
    " LEFT JOIN subject_access_requests s ON s.tenant_id = r.tenant_id AND s.request_id = r.id"
    " LEFT JOIN people p ON p.tenant_id = r.tenant_id"
    " AND p.id = CASE WHEN s.subject_person_id IS NULL THEN c.subject_id"
    " ELSE s.subject_person_id END"
    " LEFT JOIN people m ON m.tenant_id = p.tenant_id AND m.id = p.merged_into"
)


async def request(tenant_id: UUID, request_id: UUID, on: date) -> RequestView | None:
    """One request, with whom it is about (the lists leave that out)."""
    rows = await raw(
        f"SELECT {_COLUMNS}{_SUBJECT}{_FROM}{_SUBJECT_FROM}"
        " WHERE r.tenant_id = {} AND r.id = {}",
        tenant_id,
        request_id,
    )
    return _view(rows[0], on, RequestView, subject=_subject(rows[0])) if rows else None


async def lock_request(tenant_id: UUID, request_id: UUID) -> dict[str, Any] | None:
    """The request's row, locked for a step (two steps at once apply one after the other)."""
    rows = await raw(
        "SELECT r.*, NULL AS reference FROM information_requests r"
        " WHERE r.tenant_id = {} AND r.id = {} FOR UPDATE",
        tenant_id,
        request_id,
    )
    return rows[0] if rows else None


# The columns a step may write, each named once here (never from input).
STEP_COLUMNS = frozenset(
    {
        "identity_confirmed_on",
        "identity_evidence",
        "identity_checked_by",
        "clarification_asked_on",
        "clarification_received_on",
        "extension_months",
        "extension_days",
        "extension_reason",
        "due_on",
        "task_id",
    }
)


async def set_steps(tenant_id: UUID, request_id: UUID, values: dict[str, Any]) -> None:
    """Write a step's columns (``STEP_COLUMNS`` only) on an open request."""
    if not values or set(values) - STEP_COLUMNS:
        raise ValueError("a step writes only the step columns")
    names = sorted(values)
    assignments = ", ".join(f"{name} = {{}}" for name in names)
    await raw(
        f"UPDATE information_requests SET {assignments}"  # noqa: S608
        " WHERE tenant_id = {} AND id = {} AND status = 'open'",
        *(values[name] for name in names),
        tenant_id,
        request_id,
    )


async def close_request(
    tenant_id: UUID, request_id: UUID, outcome: str, released: str, closed_by: UUID
) -> None:
    await raw(
        "UPDATE information_requests SET status = 'closed', outcome = {}, released = {},"
        " closed_by = {}, closed_at = now() WHERE tenant_id = {} AND id = {}"
        " AND status = 'open'",
        outcome,
        released,
        closed_by,
        tenant_id,
        request_id,
    )


async def requests(
    tenant_id: UUID, filters: RequestFilter, on: date, page: PageRequest
) -> Page[RequestSummary]:
    """Requests, those with the soonest deadline first (a waiting clock's last), then the
    oldest received."""
    result = await paged(
        f"SELECT {_COLUMNS}{_FROM} WHERE r.tenant_id = {{}}"
        " AND (NOT {} OR r.status = 'open') AND ({}::text IS NULL OR r.kind = {})"
        " ORDER BY r.status DESC, r.due_on NULLS LAST, r.received_on, r.id",
        tenant_id,
        filters.open_only,
        filters.kind.value if filters.kind else None,
        filters.kind.value if filters.kind else None,
        page=page,
    )
    return Page(
        [_view(r, on, RequestSummary) for r in result.items],
        result.total,
        page.limit,
        page.offset,
    )


async def due_requests(tenant_id: UUID, until: date) -> list[dict[str, Any]]:
    """Open requests due by ``until`` (overdue included), with their case's reference."""
    return await raw(
        "SELECT r.id, r.case_id, c.reference, r.due_on FROM information_requests r"
        " LEFT JOIN cases c ON c.tenant_id = r.tenant_id AND c.id = r.case_id"
        " WHERE r.tenant_id = {} AND r.status = 'open' AND r.due_on <= {}"
        " ORDER BY r.due_on, r.id",
        tenant_id,
        until,
    )


async def awaiting_identity(tenant_id: UUID, received_by: date) -> list[dict[str, Any]]:
    """Open subject access and case-file requests still waiting for proof of identity,
    received on or before ``received_by``."""
    return await raw(
        "SELECT r.id, r.case_id FROM information_requests r WHERE r.tenant_id = {}"
        " AND r.status = 'open' AND r.kind <> 'foi' AND r.identity_confirmed_on IS NULL"
        " AND r.received_on <= {} ORDER BY r.received_on, r.id",
        tenant_id,
        received_by,
    )


async def count_due(tenant_id: UUID, until: date) -> int:
    """Open requests due by ``until`` (overdue included): the dashboard's count."""
    [row] = await raw(
        "SELECT count(*) AS n FROM information_requests WHERE tenant_id = {}"
        " AND status = 'open' AND due_on <= {}",
        tenant_id,
        until,
    )
    return int(row["n"])


# Subject access's own steps (rule 30): one row per request, made at its first step.


async def subject_access(tenant_id: UUID, request_id: UUID) -> dict[str, Any] | None:
    rows = await raw(
        "SELECT * FROM subject_access_requests WHERE tenant_id = {} AND request_id = {}",
        tenant_id,
        request_id,
    )
    return rows[0] if rows else None


async def subject_access_of_release(tenant_id: UUID, export_id: UUID) -> dict[str, Any] | None:
    """The subject access row whose redacted bundle is the export ``export_id``."""
    rows = await raw(
        "SELECT * FROM subject_access_requests WHERE tenant_id = {} AND release_export_id = {}",
        tenant_id,
        export_id,
    )
    return rows[0] if rows else None


# The columns a subject access step may write, each named once here (never from input).
SUBJECT_ACCESS_COLUMNS = frozenset(
    {
        "agreed_on",
        "agreement_evidence",
        "agreed_by",
        "export_id",
        "subject_person_id",
        "capacity_decision_id",
        "original_id",
        "released_id",
        "released_sha256",
        "approved_by",
        "approved_at",
        "release_export_id",
        "released_by",
        "released_at",
        "release_method",
    }
)


async def set_subject_access(tenant_id: UUID, request_id: UUID, values: dict[str, Any]) -> None:
    """Write a subject access step's columns, making the request's row at its first (a
    change first: an insert's row is checked whole, before any conflict)."""
    if not values or set(values) - SUBJECT_ACCESS_COLUMNS:
        raise ValueError("a step writes only the subject access columns")
    names = sorted(values)
    assignments = ", ".join(f"{name} = {{}}" for name in names)
    changed = await raw(
        f"UPDATE subject_access_requests SET {assignments}"  # noqa: S608
        " WHERE tenant_id = {} AND request_id = {} RETURNING id",
        *(values[name] for name in names),
        tenant_id,
        request_id,
    )
    if changed:
        return
    columns = ", ".join(names)
    places = ", ".join("{}" for _ in names)
    await raw(
        f"INSERT INTO subject_access_requests (id, tenant_id, request_id, {columns})"  # noqa: S608
        f" VALUES (gen_random_uuid(), {{}}, {{}}, {places})",
        tenant_id,
        request_id,
        *(values[name] for name in names),
    )


#: A redaction mark's columns, as every statement here reads one.
_MARK_COLUMNS = "id, kind, item, range_start, range_end, marked_by, marked_at"


async def insert_redaction(
    tenant_id: UUID,
    mark_id: UUID,
    request_id: UUID,
    kind: str,
    item: str,
    start: int | None,
    end: int | None,
    marked_by: UUID,
) -> dict[str, Any]:
    """The mark made, as ``redactions`` reads one."""
    [row] = await raw(
        "INSERT INTO subject_access_redactions (id, tenant_id, request_id, kind, item,"  # noqa: S608
        " range_start, range_end, marked_by) VALUES ({}, {}, {}, {}, {}, {}, {}, {})"
        f" RETURNING {_MARK_COLUMNS}",
        mark_id,
        tenant_id,
        request_id,
        kind,
        item,
        start,
        end,
        marked_by,
    )
    return row


async def redactions(tenant_id: UUID, request_id: UUID) -> list[dict[str, Any]]:
    """A request's marks still standing, in the order they were made."""
    return await raw(
        f"SELECT {_MARK_COLUMNS}"  # noqa: S608
        " FROM subject_access_redactions WHERE tenant_id = {} AND request_id = {}"
        " AND removed_at IS NULL ORDER BY marked_at, id",
        tenant_id,
        request_id,
    )


async def remove_redaction(
    tenant_id: UUID, request_id: UUID, mark_id: UUID, removed_by: UUID
) -> dict[str, Any] | None:
    """The mark taken back (as ``redactions`` read it), or None: no such mark standing."""
    rows = await raw(
        "UPDATE subject_access_redactions SET removed_at = now(), removed_by = {}"  # noqa: S608
        " WHERE tenant_id = {} AND request_id = {} AND id = {} AND removed_at IS NULL"
        f" RETURNING {_MARK_COLUMNS}",
        removed_by,
        tenant_id,
        request_id,
        mark_id,
    )
    return rows[0] if rows else None


# Documents on a request and case-file releases (rule 10).

_DOCUMENT_COLUMNS = (
    "d.id, d.request_id, d.kind, d.title, d.filename, d.content_type, d.size, d.uploaded_by,"
    " d.uploaded_at"
)


def _document(r: dict[str, Any]) -> RequestDocumentView:
    return RequestDocumentView(
        id=r["id"],
        request_id=r["request_id"],
        kind=RequestDocumentKind(r["kind"]),
        title=r["title"],
        filename=r["filename"],
        content_type=r["content_type"],
        size=r["size"],
        uploaded_by=r["uploaded_by"],
        uploaded_at=r["uploaded_at"],
    )


async def insert_document(
    tenant_id: UUID,
    document_id: UUID,
    request_id: UUID,
    case_id: UUID | None,
    *,
    kind: RequestDocumentKind,
    title: str,
    filename: str,
    content_type: str,
    size: int,
    sha256: str,
    object_id: UUID,
    uploaded_by: UUID,
) -> None:
    await raw(
        "INSERT INTO request_documents (id, tenant_id, request_id, case_id, kind, title,"
        " filename, content_type, size, sha256, object_id, uploaded_by)"
        " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        document_id,
        tenant_id,
        request_id,
        case_id,
        kind.value,
        title,
        filename,
        content_type,
        size,
        sha256,
        object_id,
        uploaded_by,
    )


async def documents_of_request(tenant_id: UUID, request_id: UUID) -> list[RequestDocumentView]:
    """A request's documents, oldest first."""
    rows = await raw(
        f"SELECT {_DOCUMENT_COLUMNS} FROM request_documents d"  # noqa: S608
        " WHERE d.tenant_id = {} AND d.request_id = {} ORDER BY d.uploaded_at, d.id",
        tenant_id,
        request_id,
    )
    return [_document(r) for r in rows]


async def document_file(
    tenant_id: UUID, request_id: UUID, document_id: UUID
) -> RequestDocumentFile | None:
    rows = await raw(
        "SELECT id, filename, content_type, object_id FROM request_documents"
        " WHERE tenant_id = {} AND request_id = {} AND id = {}",
        tenant_id,
        request_id,
        document_id,
    )
    if not rows:
        return None
    r = rows[0]
    return RequestDocumentFile(r["id"], r["filename"], r["content_type"], r["object_id"])


async def insert_release(
    tenant_id: UUID,
    release_id: UUID,
    request_id: UUID,
    case_id: UUID,
    disclosure_id: UUID,
    ground: ReleaseGround,
    consent_document_id: UUID | None,
    released_by: UUID,
) -> None:
    await raw(
        "INSERT INTO request_releases (id, tenant_id, request_id, case_id, disclosure_id,"
        " ground, consent_document_id, released_by) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        release_id,
        tenant_id,
        request_id,
        case_id,
        disclosure_id,
        ground.value,
        consent_document_id,
        released_by,
    )


async def release_of(tenant_id: UUID, request_id: UUID) -> ReleaseView | None:
    rows = await raw(
        "SELECT id, request_id, case_id, disclosure_id, ground, consent_document_id,"
        " released_by, released_at FROM request_releases WHERE tenant_id = {}"
        " AND request_id = {}",
        tenant_id,
        request_id,
    )
    if not rows:
        return None
    r = rows[0]
    return ReleaseView(
        id=r["id"],
        request_id=r["request_id"],
        case_id=r["case_id"],
        disclosure_id=r["disclosure_id"],
        ground=ReleaseGround(r["ground"]),
        consent_document_id=r["consent_document_id"],
        released_by=r["released_by"],
        released_at=r["released_at"],
    )


# FOI responses (rule 11).


async def insert_foi_response(
    tenant_id: UUID,
    response_id: UUID,
    request_id: UUID,
    text: str,
    attachments: list[Attached],
    responded_by: UUID,
) -> None:
    await raw(
        "INSERT INTO foi_responses (id, tenant_id, request_id, text, attachments, responded_by)"
        " VALUES ({}, {}, {}, {}, {}::jsonb, {})",
        response_id,
        tenant_id,
        request_id,
        text,
        json.dumps([{"kind": a.kind.value, "ref": a.ref, "label": a.label} for a in attachments]),
        responded_by,
    )


async def foi_response(tenant_id: UUID, request_id: UUID) -> FoiResponseView | None:
    rows = await raw(
        "SELECT request_id, text, attachments, responded_by, responded_at FROM foi_responses"
        " WHERE tenant_id = {} AND request_id = {}",
        tenant_id,
        request_id,
    )
    if not rows:
        return None
    r = rows[0]
    items = json.loads(r["attachments"]) if isinstance(r["attachments"], str) else r["attachments"]
    return FoiResponseView(
        request_id=r["request_id"],
        text=r["text"],
        attachments=[Attached(FoiAttachmentKind(i["kind"]), i["ref"], i["label"]) for i in items],
        responded_by=r["responded_by"],
        responded_at=r["responded_at"],
    )


async def foi_log(tenant_id: UUID, page: PageRequest) -> Page[FoiLogEntry]:
    """Every FOI request, newest received first, with its response if any."""
    result = await paged(
        "SELECT r.id, r.received_on, r.due_on, r.status, r.foi_applies, f.responded_at,"
        " coalesce(jsonb_array_length(f.attachments), 0) AS attachment_count"
        " FROM information_requests r LEFT JOIN foi_responses f"
        " ON f.tenant_id = r.tenant_id AND f.request_id = r.id"
        " WHERE r.tenant_id = {} AND r.kind = 'foi' ORDER BY r.received_on DESC, r.id",
        tenant_id,
        page=page,
    )
    return Page(
        [
            FoiLogEntry(
                request_id=r["id"],
                received_on=r["received_on"],
                due_on=r["due_on"],
                status=r["status"],
                foi_applies=r["foi_applies"],
                responded_at=r["responded_at"],
                attachment_count=r["attachment_count"],
            )
            for r in result.items
        ],
        result.total,
        page.limit,
        page.offset,
    )
