"""A council's or another party's request for a case file (issue 17; rule 10, policy 5.1).

The service user is told of the request and asked for consent. The file may go only when
one of these holds (``release_refusal``, pure): the service user's signed consent form or
letter is recorded as a document on the request; or the service user asked for the file
to go to them or their solicitor; or a manager records a legal basis (court order, police
with a legal power, safeguarding), and then the tell-the-client task opens as for any
legal-basis disclosure (rule 7). Open or closed case alike. The release is a disclosure
(``consent.disclosures.record_release``): in the case's log, with exactly the items
released. A refusal is a 400 naming what is missing, and is audited.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.consent import disclosures
from confide.platform.consent.schemas import DisclosureView, NewDisclosure, SentDisclosure
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.identity.schemas import StaffView
from confide.platform.requests import queries
from confide.platform.requests.attachments import signed_consents
from confide.platform.requests.schemas import RequestKind, RequestStatus
from confide.platform.requests.services import RequestNotFound, managers_only
from confide.platform.requests.third_party_schemas import (
    CaseFileRelease,
    ReleaseGround,
    ReleaseView,
    release_refusal,
)


async def release_case_file(
    request_id: UUID, staff: StaffView, data: CaseFileRelease
) -> DisclosureView:
    """Release the case file (the items chosen) on a case-file request, once its ground
    holds; the disclosure as recorded. Once per request."""
    managers_only(staff)
    tenant_id = current_tenant_id()
    row = await queries.lock_request(tenant_id, request_id)
    if row is None:
        raise RequestNotFound()
    if row["kind"] != RequestKind.CASE_FILE:
        raise Invalid({"request": "Only a request for a case file is released this way"})
    if row["status"] != RequestStatus.OPEN:
        # Review finding: a closed request released the file. Its release is recorded
        # before it closes (``close_request`` then refers to it).
        raise Invalid({"request": "This request is closed: the case file is not released on it"})
    data.validate()
    if await queries.release_of(tenant_id, request_id) is not None:
        raise Invalid({"request": "The case file has already been released on this request"})
    signed = await signed_consents(request_id)
    refusal = release_refusal(
        data,
        signed_consent_ids=frozenset(signed),
        identity_confirmed=row["identity_confirmed_on"] is not None,
    )
    if refusal is not None:
        await audit.record(
            Action.REQUEST_RELEASE_REFUSED,
            actor_kind="staff",
            actor_id=staff.id,
            subject_kind="information_request",
            subject_id=request_id,
            reason_code=data.ground.value,
            detail={"request_id": request_id, "missing": next(iter(refusal))},
        )
        raise Invalid(refusal)
    case_id: UUID = row["case_id"]
    share = NewDisclosure(
        recipient_org=data.recipient_org,
        recipient_role=data.recipient_role,
        recipient_person=data.recipient_person,
        purpose=data.purpose.strip() or "Request for the case file (policy 5.1)",
        items=data.items,
        legal_basis=data.legal_basis if data.ground is ReleaseGround.LEGAL_BASIS else None,
        justification=data.justification,
    )
    sent = SentDisclosure(sent_on=data.sent_on, method=data.method, sent_to=data.sent_to)
    disclosure = await disclosures.record_release(
        case_id,
        staff,
        share,
        sent,
        on_service_users_word=data.ground is not ReleaseGround.LEGAL_BASIS,
        given_by=data.given_by,
        word_given_at=signed.get(data.consent_document_id)
        if data.ground is ReleaseGround.SIGNED_CONSENT and data.consent_document_id
        else None,
    )
    await queries.insert_release(
        tenant_id,
        uuid4(),
        request_id,
        case_id,
        disclosure.id,
        data.ground,
        data.consent_document_id if data.ground is ReleaseGround.SIGNED_CONSENT else None,
        staff.id,
    )
    await audit.record(
        Action.REQUEST_RELEASED,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="information_request",
        subject_id=request_id,
        reason_code=data.ground.value,
        detail={
            "request_id": request_id,
            "case_id": case_id,
            "disclosure_id": disclosure.id,
            "item_count": len(disclosure.items),
        },
    )
    return disclosure


async def release_of(request_id: UUID, staff: StaffView) -> ReleaseView | None:
    """The request's release, if any (the request is read through ``get_request``)."""
    managers_only(staff)
    return await queries.release_of(current_tenant_id(), request_id)
