"""An FOI request's response (issue 17; rule 11, policy 5.2): free text and attachments that
carry no personal data, only the service's statistics releases and policy documents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid

TEXT_MAX = 20_000
MAX_ATTACHMENTS = 20


class FoiAttachmentKind(StrEnum):
    """What an FOI response may attach: a kept release of the anonymised annual statistics
    return (rule 12), a version of the service's policy document (rule 13)."""

    STATISTICS_RELEASE = "statistics_release"
    POLICY_DOCUMENT = "policy_document"


#: What holds personal data and is refused by name (anything else unknown is refused too).
PERSONAL = {
    "case_document": "a case document",
    "case_bundle": "a case bundle",
    "request_document": "a file recorded on a request",
    "case_note": "a case note",
}


class FoiAttachment(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``kind`` as sent (a string: what is refused is named, not just "invalid") and
    ``ref``: a statistics release's id, a policy document's version."""

    kind: str
    ref: str


class FoiResponseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    text: str
    attachments: list[FoiAttachment] = []


@dataclass(frozen=True, slots=True)
class Attached:
    kind: FoiAttachmentKind
    ref: str
    label: str


def attachment_problem(
    item: FoiAttachment, *, releases: Mapping[str, str], policy_version: int
) -> tuple[Attached | None, str | None]:
    """Rule 11 without the database: the attachment as it will be recorded, or why it is
    refused (personal data never; a release or version that does not exist).
    ``releases``: the service's kept statistics releases, id to label."""
    if item.kind in PERSONAL:
        return None, (
            f"An FOI response cannot attach {PERSONAL[item.kind]}: it holds personal data."
            " Attach only statistics releases and policy documents"
        )
    try:
        kind = FoiAttachmentKind(item.kind)
    except ValueError:
        return None, "Attach only statistics releases and policy documents"
    if kind is FoiAttachmentKind.STATISTICS_RELEASE:
        label = releases.get(item.ref.strip().lower())
        if label is None:
            return None, "Choose one of the service's statistics releases"
        return Attached(kind, item.ref.strip().lower(), f"Statistics: {label}"), None
    version = int(item.ref) if item.ref.isdigit() and len(item.ref) < 7 else 0
    if not 1 <= version <= policy_version:
        return None, "Choose a version of the service's policy document"
    return Attached(kind, str(version), f"Confidentiality policy, version {version}"), None


def check_response(
    data: FoiResponseIn, *, releases: Mapping[str, str], policy_version: int
) -> list[Attached]:
    """The attachments as recorded, or ``Invalid`` naming ``text`` or ``attachments``."""
    errors: dict[str, str] = {}
    check_text(errors, "text", data.text, label="the response", high=TEXT_MAX)
    attached: list[Attached] = []
    if len(data.attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = f"Attach at most {MAX_ATTACHMENTS} documents"
    for item in data.attachments:
        found, problem = attachment_problem(item, releases=releases, policy_version=policy_version)
        if problem is not None:
            errors.setdefault("attachments", problem)
        elif found is not None and found not in attached:
            attached.append(found)
    if errors:
        raise Invalid(errors)
    return attached


@dataclass(frozen=True, slots=True)
class FoiResponseView:
    request_id: UUID
    text: str
    attachments: list[Attached]
    responded_by: UUID
    responded_at: datetime


@dataclass(frozen=True, slots=True)
class FoiLogEntry:
    """A line of the FOI log: the request and whether it was answered."""

    request_id: UUID
    received_on: date
    due_on: date | None
    status: str
    foi_applies: bool
    responded_at: datetime | None
    attachment_count: int
