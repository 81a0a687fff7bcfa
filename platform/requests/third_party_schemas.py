"""Documents on a request, and the release of a case file to the council or another party
(issue 17; rule 10, policy 5.1): what the staff send and the views the services return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from confide.platform.consent.schemas import (
    GivenBy,
    ItemRef,
    LegalBasis,
    SendMethod,
    validate_items,
)
from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid

TITLE_MAX = 200
TEXT_MAX = 4000


class RequestDocumentKind(StrEnum):
    """What a file on a request is: a letter the service sent, the service user's signed
    consent form or letter (rule 10), other correspondence."""

    LETTER_SENT = "letter_sent"
    SIGNED_CONSENT = "signed_consent"
    CORRESPONDENCE = "correspondence"
    OTHER = "other"


class ReleaseGround(StrEnum):
    """Why a case file may go (policy 5.1, 2.4): the service user's signed consent form or
    letter recorded on the request; the service user asked for it to go to them or their
    solicitor; a manager's legal basis (then the service user is told, rule 7)."""

    SIGNED_CONSENT = "signed_consent"
    USER_ASKED = "user_asked"
    LEGAL_BASIS = "legal_basis"


#: Whom the file goes to when the service user asked for it themselves (policy 5.1 b).
USER_ASKED_RECIPIENTS = ("Service user", "Solicitor")


@dataclass(frozen=True, slots=True)
class RequestDocumentView:
    id: UUID
    request_id: UUID
    kind: RequestDocumentKind
    title: str
    filename: str
    content_type: str
    size: int
    uploaded_by: UUID
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class RequestDocumentFile:
    """One request document's file, for a download."""

    id: UUID
    filename: str
    content_type: str
    object_id: UUID


class CaseFileRelease(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A case file released on a request: to whom, exactly which items, on what ground,
    and when and how it went. ``consent_document_id``: the signed consent form on the
    request (ground ``signed_consent``); ``legal_basis`` and ``justification``: a
    manager's legal basis (ground ``legal_basis``); ``justification`` also says how the
    service user asked (ground ``user_asked``); ``given_by``: whose word it is, the young
    person's or a parent's or carer's (both grounds on the service user's word)."""

    ground: ReleaseGround
    recipient_org: str
    recipient_role: str
    items: list[ItemRef]
    sent_on: date
    method: SendMethod
    sent_to: str
    recipient_person: str = ""
    purpose: str = ""
    consent_document_id: UUID | None = None
    legal_basis: LegalBasis | None = None
    justification: str = ""
    given_by: GivenBy | None = None

    def validate(self) -> None:
        """The fields on their own; whether the ground holds is ``release_refusal``."""
        errors: dict[str, str] = {}
        check_text(
            errors, "recipient_org", self.recipient_org, label="the organisation",
            high=TITLE_MAX, single_line=True,
        )  # fmt: skip
        check_text(
            errors, "recipient_role", self.recipient_role, label="the recipient's role",
            high=80, single_line=True,
        )  # fmt: skip
        check_text(
            errors, "recipient_person", self.recipient_person, label="the person",
            high=TITLE_MAX, single_line=True, required=False,
        )  # fmt: skip
        check_text(
            errors, "purpose", self.purpose, label="the purpose", high=TEXT_MAX, required=False
        )
        check_text(
            errors, "justification", self.justification, label="the reason", high=TEXT_MAX,
            required=False,
        )  # fmt: skip
        errors.update(validate_items(self.items))
        if errors:
            raise Invalid(errors)


def release_refusal(
    data: CaseFileRelease, *, signed_consent_ids: frozenset[UUID], identity_confirmed: bool
) -> dict[str, str] | None:
    """Rule 10 without the database: why this release may not go (the field and what is
    missing), or None. ``signed_consent_ids``: the signed consent forms recorded on the
    request; ``identity_confirmed``: the request's identity check is recorded (a file goes
    at the service user's asking only to someone whose identity was confirmed)."""
    if data.ground is not ReleaseGround.LEGAL_BASIS and data.given_by is None:
        return {
            "given_by": "Choose whose word the release rests on: the young person's, or a"
            " parent's or carer's"
        }
    if data.ground is ReleaseGround.SIGNED_CONSENT:
        if not signed_consent_ids:
            return {
                "consent_document_id": "The service user's signed consent form or letter is not"
                " recorded on this request: upload it before releasing the file"
            }
        if data.consent_document_id not in signed_consent_ids:
            return {"consent_document_id": "Choose the signed consent form on this request"}
        return None
    if data.ground is ReleaseGround.USER_ASKED:
        if data.recipient_role not in USER_ASKED_RECIPIENTS:
            return {
                "recipient_role": "At the service user's request the file goes to them or their"
                " solicitor only"
            }
        if not data.justification.strip():
            return {"justification": "Enter when and how the service user asked for their file"}
        if not identity_confirmed:
            return {
                "request": "Confirm the identity of whoever asked on the request before releasing"
                " the file at their asking"
            }
        return None
    if data.legal_basis is None:
        return {"legal_basis": "Choose the legal basis for releasing the file without consent"}
    if not data.justification.strip():
        return {"justification": "Enter why the legal basis applies"}
    return None


@dataclass(frozen=True, slots=True)
class ReleaseView:
    id: UUID
    request_id: UUID
    case_id: UUID
    disclosure_id: UUID
    ground: ReleaseGround
    consent_document_id: UUID | None
    released_by: UUID
    released_at: datetime
