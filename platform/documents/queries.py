"""Every statement of the documents domain."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from confide.platform.casework.schemas import Side
from confide.platform.core.sql import raw
from confide.platform.documents.schemas import (
    DocumentFile,
    DocumentKind,
    DocumentView,
    SharedVersion,
    VersionView,
)

_COLUMNS = (
    "id, case_id, document_id, version, title, kind, document_date, side, note_id,"
    " contact_id, filename, content_type, size, sha256, object_id, uploaded_by, uploaded_at"
)


async def insert_version(
    tenant_id: UUID,
    case_id: UUID,
    document_id: UUID,
    version: int,
    *,
    title: str,
    kind: DocumentKind,
    document_date: date | None,
    side: Side,
    note_id: UUID | None,
    contact_id: UUID | None,
    filename: str,
    content_type: str,
    size: int,
    sha256: str,
    object_id: UUID,
    uploaded_by: UUID,
) -> None:
    await raw(
        f"INSERT INTO case_documents (tenant_id, {_COLUMNS}) VALUES"  # noqa: S608 - constant
        " ({}, gen_random_uuid(), {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {},"
        " now())",
        tenant_id,
        case_id,
        document_id,
        version,
        title,
        kind.value,
        document_date,
        side.value,
        note_id,
        contact_id,
        filename,
        content_type,
        size,
        sha256,
        object_id,
        uploaded_by,
    )


def _version(row: dict[str, Any]) -> VersionView:
    return VersionView(
        version=row["version"],
        filename=row["filename"],
        content_type=row["content_type"],
        size=int(row["size"]),
        sha256=row["sha256"],
        uploaded_by=row["uploaded_by"],
        uploaded_at=row["uploaded_at"],
    )


def _documents(rows: list[dict[str, Any]]) -> list[DocumentView]:
    """Rows newest version first within each document, documents in the order given."""
    found: dict[UUID, DocumentView] = {}
    for row in rows:
        view = found.get(row["document_id"])
        if view is None:
            view = found[row["document_id"]] = DocumentView(
                id=row["document_id"],
                case_id=row["case_id"],
                title=row["title"],
                kind=DocumentKind(row["kind"]),
                document_date=row["document_date"],
                side=Side(row["side"]),
                note_id=row["note_id"],
                contact_id=row["contact_id"],
                version=row["version"],
                filename=row["filename"],
                content_type=row["content_type"],
                size=int(row["size"]),
                uploaded_by=row["uploaded_by"],
                uploaded_at=row["uploaded_at"],
            )
        view.versions.append(_version(row))
    return list(found.values())


async def documents_of_case(case_id: UUID, *, for_parent: bool = False) -> list[DocumentView]:
    """A case's documents, the most recently dated first, each with its versions;
    ``for_parent``: none on the young person's confidential side."""
    rows = await raw(
        f"SELECT {_COLUMNS}, max(uploaded_at) OVER (PARTITION BY document_id) AS latest"  # noqa: S608
        " FROM case_documents WHERE case_id = {} AND NOT ({} AND side = 'young_person_only')"
        " ORDER BY latest DESC, document_id, version DESC",
        case_id,
        for_parent,
    )
    return _documents(rows)


async def document(case_id: UUID, document_id: UUID) -> DocumentView | None:
    rows = await raw(
        f"SELECT {_COLUMNS} FROM case_documents"  # noqa: S608 - constant
        " WHERE case_id = {} AND document_id = {} ORDER BY version DESC",
        case_id,
        document_id,
    )
    found = _documents(rows)
    return found[0] if found else None


async def version_file(
    case_id: UUID, document_id: UUID, version: int | None
) -> DocumentFile | None:
    """One version's file (the latest when ``version`` is None)."""
    rows = await raw(
        "SELECT document_id, version, filename, content_type, size, object_id"
        " FROM case_documents WHERE case_id = {} AND document_id = {}"
        " AND ({}::integer IS NULL OR version = {}) ORDER BY version DESC LIMIT 1",
        case_id,
        document_id,
        version,
        version,
    )
    if not rows:
        return None
    row = rows[0]
    return DocumentFile(
        row["document_id"],
        row["version"],
        row["filename"],
        row["content_type"],
        int(row["size"]),
        row["object_id"],
    )


async def versions_for_share(
    case_id: UUID, items: list[tuple[UUID, int | None]]
) -> dict[tuple[UUID, int | None], SharedVersion]:
    """The exact version of each document given (the one named, or the latest) that is
    this case's, found by the case and the document together: keyed by what was asked
    (document id and version named), so two versions of one document are two entries."""
    found: dict[tuple[UUID, int | None], SharedVersion] = {}
    for document_id, version in items:
        rows = await raw(
            "SELECT case_id, document_id, version, title, side, filename, content_type, size,"
            " sha256 FROM case_documents WHERE case_id = {} AND document_id = {}"
            " AND ({}::integer IS NULL OR version = {}) ORDER BY version DESC LIMIT 1",
            case_id,
            document_id,
            version,
            version,
        )
        if rows:
            row = rows[0]
            found[document_id, version] = SharedVersion(
                case_id=row["case_id"],
                document_id=row["document_id"],
                version=row["version"],
                title=row["title"],
                side=Side(row["side"]),
                filename=row["filename"],
                content_type=row["content_type"],
                size=int(row["size"]),
                sha256=row["sha256"],
            )
    return found


async def objects_of_cases(case_ids: list[UUID]) -> list[UUID]:
    """The stored objects of every version of every document of these cases."""
    rows = await raw(
        "SELECT object_id FROM case_documents WHERE case_id = ANY({}::uuid[])", case_ids
    )
    return [row["object_id"] for row in rows]


async def note_side(case_id: UUID, note_id: UUID) -> Side | None:
    """The side of a note of this case (its latest version's); None if it is not one."""
    rows = await raw(
        "SELECT side FROM case_notes WHERE case_id = {} AND note_id = {}"
        " ORDER BY version DESC LIMIT 1",
        case_id,
        note_id,
    )
    return Side(rows[0]["side"]) if rows else None


async def contact_side(case_id: UUID, contact_id: UUID) -> Side | None:
    """The side of a contact of this case; None if it is not one."""
    rows = await raw(
        "SELECT side FROM case_contacts WHERE case_id = {} AND id = {}", case_id, contact_id
    )
    return Side(rows[0]["side"]) if rows else None
