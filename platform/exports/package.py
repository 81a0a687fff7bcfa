"""The printable disclosure package (issue 16): exactly what a disclosure recorded, as one
PDF (ReportLab, as the case bundle), the disclosure record on its first page and then each
item as it was shared. A shared document is the exact version the disclosure recorded, by
its name, version and SHA-256 (the record's page offers that version's file).

Downloading it is a read of the case with need-to-know, never under break-glass (rule 29:
nothing is taken away from a case on break-glass), audited as a download with the
disclosure's id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from reportlab.platypus import PageBreak

from confide.platform.audit.actions import Action
from confide.platform.casework.access import check_access, record_act
from confide.platform.consent import disclosures
from confide.platform.consent.schemas import DisclosureStatus, DisclosureView
from confide.platform.core.clock import SERVICE_ZONE
from confide.platform.core.errors import Invalid
from confide.platform.exports import pdf
from confide.platform.exports.bundle import TEMPLATES, latin
from confide.platform.identity.schemas import StaffView

MEDIA_TYPE = "application/pdf"
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
    return f"disclosure-{disclosure.case_reference}-{str(disclosure.id)[:8]}.pdf"


def render(disclosure: DisclosureView, *, made_at: datetime, made_by: str) -> bytes:
    """The PDF: the record on the first page, then every item exactly as recorded."""
    context = {
        "d": disclosure,
        "made_at": made_at.astimezone(SERVICE_ZONE),
        "made_by": made_by,
        "legal_bases": disclosures.LEGAL_BASIS_LABELS,
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


async def disclosure_package(
    case_id: UUID, disclosure_id: UUID, staff: StaffView
) -> tuple[str, bytes]:
    """The package's name and PDF: need-to-know for the case (a refusal audited), not on
    break-glass; the read and the download audited."""
    access = await check_access(
        case_id, staff, purpose="disclosure_package", allow_break_glass=False
    )
    disclosure = await disclosures.get_disclosure(
        case_id, disclosure_id, staff, purpose="disclosure_package"
    )
    if disclosure.status not in _PACKAGED:
        raise Invalid({"status": _UNPACKAGED.get(disclosure.status, "This share has no package")})
    made = render(disclosure, made_at=datetime.now(UTC), made_by=staff.display_name)
    await record_act(
        access,
        staff,
        Action.DISCLOSURE_PACKAGE_DOWNLOADED,
        reason_code="download",
        disclosure_id=disclosure_id,
        item_count=len(disclosure.items),
    )
    return filename(disclosure), made
