"""The disclosure package (issue 16): exactly what a disclosure recorded, as one ZIP: the
printable record as a PDF (ReportLab, as the case bundle), the disclosure record on its
first page and then each item as it was shared, and each shared document's file, the exact
version recorded (``documents/<id>-v<n>.<ext>``), checked against the SHA-256 the
disclosure recorded (a file that is not the one shared is a 409, never sent), with
``manifest.json`` of every file's SHA-256 as the bundle has.

Downloading it is a read of the case with need-to-know, never under break-glass (rule 29:
nothing is taken away from a case on break-glass), audited as a download with the
disclosure's id.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from uuid import UUID

from reportlab.platypus import PageBreak

from confide.platform.audit.actions import Action
from confide.platform.casework.access import CaseAccess, check_access, record_act, record_read
from confide.platform.consent import disclosures
from confide.platform.consent.schemas import (
    DisclosureStatus,
    DisclosureView,
    ItemKind,
    SharedItem,
)
from confide.platform.core.errors import Conflict, Invalid
from confide.platform.core.logs import get_logger
from confide.platform.documents import services as documents
from confide.platform.documents.schemas import DocumentFile
from confide.platform.exports import pdf
from confide.platform.exports.bundle import TEMPLATES, attachment_name, latin, zip_bundle
from confide.platform.identity.schemas import StaffView

log = get_logger(__name__)

MEDIA_TYPE = "application/zip"
#: Only a share that may go (allowed by consent, authorised) or went has a package.
_PACKAGED = frozenset(
    {DisclosureStatus.ALLOWED, DisclosureStatus.AUTHORISED, DisclosureStatus.SHARED}
)
_UNPACKAGED = {
    DisclosureStatus.AWAITING_AUTHORISATION: "This share is awaiting a manager's authorisation:"
    " it has no package until it is authorised",
    DisclosureStatus.DECLINED: "This share was declined: it has no package",
    DisclosureStatus.CANCELLED: "This share was cancelled: it has no package",
}


def filename(disclosure: DisclosureView) -> str:
    """The file's name: the case reference and the disclosure's id, never a name."""
    return f"disclosure-{disclosure.case_reference}-{str(disclosure.id)[:8]}.zip"


def render(disclosure: DisclosureView, *, made_at: datetime, made_by: str) -> bytes:
    """The PDF: the record on the first page, then every item exactly as recorded."""
    context = {
        "d": disclosure,
        "made_at": made_at,
        "made_by": made_by,
        "legal_bases": disclosures.LEGAL_BASIS_LABELS,
        "bases": disclosures.BASIS_LABELS,
    }
    story = pdf.flowables(latin(TEMPLATES.get_template("package_record.html").render(**context)))
    story.append(PageBreak())
    story += pdf.flowables(latin(TEMPLATES.get_template("package_items.html").render(**context)))
    reference = disclosure.case_reference
    return pdf.render(
        story,
        title=f"Disclosure from case {reference}",
        footer=f"Case {reference}, disclosure {str(disclosure.id)[:8]}",
    )


class SharedFileChanged(Conflict):
    """The stored file is not the one the disclosure recorded (its SHA-256 differs)."""

    detail = "A shared document's file is not the one the share recorded. Tell a manager."

    def __init__(self) -> None:
        super().__init__("shared_file_changed")


async def _shared_file(access: CaseAccess, item: SharedItem) -> tuple[DocumentFile, bytes]:
    """The exact version a share recorded (``<id>@<version>``), checked by its SHA-256
    (its download is recorded by the caller, once every file is)."""
    parsed = documents.parse_share_ref(item.ref)
    if parsed is None:
        raise SharedFileChanged()
    found, content = await documents.read_version(access, parsed[0], parsed[1])
    recorded = item.text.rsplit("SHA-256 ", 1)[-1].strip()
    if found.version != parsed[1] or hashlib.sha256(content).hexdigest() != recorded:
        log.error("shared_file_changed")  # ids in context only
        raise SharedFileChanged()
    return found, content


async def disclosure_package(
    case_id: UUID, disclosure_id: UUID, staff: StaffView
) -> tuple[str, bytes]:
    """The package's name and PDF: need-to-know for the case (a refusal audited), not on
    break-glass; the read, each file's download and the package's audited once every
    shared file is read and found to be the one shared (a 409 before then audits none)."""
    purpose = "disclosure_package"
    access = await check_access(case_id, staff, purpose=purpose, allow_break_glass=False)
    disclosure = await disclosures.get_disclosure(
        case_id, disclosure_id, staff, purpose=purpose, checked=access
    )
    if disclosure.status not in _PACKAGED:
        await record_read(access, staff, purpose=purpose)
        raise Invalid({"status": _UNPACKAGED.get(disclosure.status, "This share has no package")})
    record = render(disclosure, made_at=datetime.now(UTC), made_by=staff.display_name)
    files = {filename(disclosure).removesuffix(".zip") + ".pdf": record}
    shared = [
        await _shared_file(access, item)
        for item in disclosure.items
        if item.kind is ItemKind.DOCUMENT
    ]
    await record_read(access, staff, purpose=purpose)
    for found, content in shared:  # each file's download audited, as the bundle's
        await documents.record_download(access, staff, found)
        files[attachment_name(found)] = content
    made = zip_bundle(files)
    await record_act(
        access,
        staff,
        Action.DISCLOSURE_PACKAGE_DOWNLOADED,
        reason_code="download",
        disclosure_id=disclosure_id,
        item_count=len(disclosure.items),
    )
    return filename(disclosure), made
