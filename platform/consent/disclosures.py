"""Disclosure: nothing leaves the service beyond consent unless a manager records a legal
basis, and then the service user is told (DESIGN rules 6 and 7).

``check`` is the one consent check, used by the API, the pages and ``share``. ``share``
records a disclosure: on consent when the check allows it; on a legal basis when a
manager gives one (a caseworker cannot); or, asked by a caseworker whose share was
refused, as awaiting a manager's authorisation. A disclosure made without consent
opens a tell-the-client task. Each disclosure keeps exactly what was shared, as it was
then, for its printable record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.casework import records
from confide.platform.casework.access import (
    CaseAccess,
    NotPermitted,
    check_access,
    is_manager,
    open_case,
    record_act,
    works_cases,
)
from confide.platform.casework.schemas import CaseView, CaseworkError, Grounds
from confide.platform.casework.tables import CaseStatus, PersonKind, Side
from confide.platform.consent import tasks
from confide.platform.consent.consents import current_consent
from confide.platform.consent.schemas import (
    Authorisation,
    CaseField,
    CheckCode,
    ConsentView,
    Decline,
    DisclosureCheck,
    DisclosureSummary,
    DisclosureView,
    ItemKind,
    ItemRef,
    NewDisclosure,
    SharedItem,
)
from confide.platform.consent.tables import (
    Basis,
    Decision,
    Disclosure,
    DisclosureStatus,
    GivenBy,
    LegalBasis,
)
from confide.platform.core.db import current_tenant_id, raw
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.tenants.policy.services import PolicyView, get_policy

# Recipients beyond the professional roles a consent can name: a full consent covers
# them, a restricted one never does, and a legal basis may.
OTHER_RECIPIENT_ROLES: tuple[str, ...] = ("Police", "Court", "Other")

FIELD_LABELS = {
    CaseField.NAME: "Child or young person's name",
    CaseField.DATE_OF_BIRTH: "Date of birth",
    CaseField.SCHOOL: "School or setting",
    CaseField.PRIMARY_NEED: "Primary need",
    CaseField.TOPICS: "Enquiry topics",
    CaseField.PARENTS: "Parents or carers (names)",
}
LEGAL_BASIS_LABELS = {
    LegalBasis.SAFEGUARDING: "Risk of serious harm (safeguarding)",
    LegalBasis.POLICE_REQUEST: "Police request",
    LegalBasis.COURT_ORDER: "Court order",
    LegalBasis.LEGAL_OBLIGATION: "Other legal obligation",
}


class DisclosureRefused(PermissionError):
    """The consent check said no; ``check`` holds the reason to show."""

    def __init__(self, check: DisclosureCheck) -> None:
        super().__init__(check.code.value)
        self.check = check


class DisclosureNotFound(LookupError):
    """No such disclosure on this case (or another tenant's: the same to the caller)."""


def recipient_roles(policy: PolicyView) -> tuple[str, ...]:
    return (*policy.professional_roles, *OTHER_RECIPIENT_ROLES)


# The check


def decide(
    consent: ConsentView | None,
    role: str,
    policy: PolicyView,
    *,
    young_person_items: int = 0,
) -> DisclosureCheck:
    """The consent rule itself, without the database: every branch is here."""

    def result(
        allowed: bool, code: CheckCode, reason: str, warning: str | None = None
    ) -> DisclosureCheck:
        return DisclosureCheck(allowed, code, reason, role, consent, warning)

    if consent is None:
        return result(False, CheckCode.NO_CONSENT, "No consent to share has been recorded.")
    given = consent.given_on.strftime("%-d %B %Y")
    if consent.decision is Decision.REFUSED:
        return result(
            False, CheckCode.REFUSED, f"The service user refused consent to share on {given}."
        )
    if consent.decision is Decision.RESTRICTED and role not in consent.roles:
        return result(
            False,
            CheckCode.RESTRICTED_EXCLUDES,
            f"Consent is restricted to {', '.join(consent.roles)}: {role} is not one of them.",
        )
    if young_person_items and consent.given_by is not GivenBy.YOUNG_PERSON:
        return result(
            False,
            CheckCode.YOUNG_PERSON_SIDE,
            "Some items are the young person's confidential side: only the young person's"
            " own consent covers them.",
        )
    warning = None
    if consent.parent_for_competent_young_person:
        warning = (
            "This consent was given by a parent or carer for a young person who can decide"
            " for themselves: check that the young person agrees."
        )
    if consent.lapsed:
        due = consent.review_due.strftime("%-d %B %Y")
        if policy.lapsed_consent_blocks:
            return result(
                False,
                CheckCode.LAPSED,
                f"Consent was due for review on {due}. Review it with the service user"
                " before sharing.",
            )
        warning = " ".join(
            w
            for w in (
                f"Consent was due for review on {due}: review it with the service user soon.",
                warning,
            )
            if w
        )
    if consent.decision is Decision.FULL:
        code, reason = CheckCode.FULL, f"Full consent to share, given on {given}."
    else:
        code = CheckCode.RESTRICTED_INCLUDES
        reason = f"Consent given on {given} includes {role}."
    if consent.lapsed:
        code = CheckCode.LAPSED_WARNING
    return result(True, code, reason, warning)


def _snapshot(case: CaseView, refs: Sequence[ItemRef]) -> list[SharedItem]:
    """The chosen items exactly as they are now; an item not on this case is an error."""
    notes = {str(n.note_id): n for n in case.notes}
    contacts = {str(c.id): c for c in case.contacts}
    items: list[SharedItem] = []
    for ref in refs:
        if ref.kind is ItemKind.NOTE and ref.id in notes:
            note = notes[ref.id]
            when = note.current.recorded_at.strftime("%-d %B %Y")
            items.append(
                SharedItem(
                    ItemKind.NOTE,
                    f"{ref.id}@{note.current.version}",
                    f"Note of {when}" + (" (corrected)" if note.history else ""),
                    note.current.body,
                    note.side is Side.YOUNG_PERSON_ONLY,
                )
            )
        elif ref.kind is ItemKind.CONTACT and ref.id in contacts:
            contact = contacts[ref.id]
            when = contact.occurred_at.strftime("%-d %B %Y")
            items.append(
                SharedItem(
                    ItemKind.CONTACT,
                    ref.id,
                    f"{contact.kind.replace('_', ' ').capitalize()} on {when}",
                    contact.summary,
                    contact.side is Side.YOUNG_PERSON_ONLY,
                )
            )
        elif ref.kind is ItemKind.FIELD and ref.id in set(CaseField):
            text = field_text(case, CaseField(ref.id))
            if text is None:
                raise CaseworkError({"items": f"{FIELD_LABELS[CaseField(ref.id)]} is not recorded"})
            items.append(SharedItem(ItemKind.FIELD, ref.id, FIELD_LABELS[CaseField(ref.id)], text))
        else:
            raise CaseworkError({"items": "Choose items from this case"})
    return items


def field_text(case: CaseView, which: CaseField) -> str | None:
    """A case field as it would be shared; None when it is not recorded."""
    subject = case.subject
    if which is CaseField.TOPICS:
        return ", ".join(case.topics) or None
    if which is CaseField.PARENTS:
        names = [
            f"{p.person.first_name} {p.person.last_name}"
            for p in case.people
            if p.relationship == PersonKind.PARENT_OR_CARER
        ]
        return ", ".join(names) or None
    if subject is None:
        return None
    if which is CaseField.NAME:
        return f"{subject.first_name} {subject.last_name}"
    if which is CaseField.DATE_OF_BIRTH:
        return subject.date_of_birth.strftime("%-d %B %Y") if subject.date_of_birth else None
    if which is CaseField.SCHOOL:
        return subject.school_or_setting
    return subject.primary_need


async def check(
    case_id: UUID, staff: StaffView, role: str, items: Sequence[ItemRef] = ()
) -> DisclosureCheck:
    """Would sharing these items with this role be allowed now? (An audited case read.)"""
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    case = await records.get_case(case_id, staff, purpose="disclosure_check")
    return await check_case(case, role, items)


async def check_case(case: CaseView, role: str, items: Sequence[ItemRef] = ()) -> DisclosureCheck:
    """``check`` for a case the caller has already opened (``records.get_case``: a
    ``CaseView`` exists only after the need-to-know check and its audit entry), so a page
    that shows the case with the result reads it once."""
    policy = await get_policy()
    if role not in recipient_roles(policy):
        raise CaseworkError({"recipient_role": "Choose the recipient's professional role"})
    shared = _snapshot(case, items)
    consent = await current_consent(case.id)
    return decide(
        consent, role, policy, young_person_items=sum(i.young_person_only for i in shared)
    )


# Recording a disclosure


async def share(case_id: UUID, staff: StaffView, data: NewDisclosure) -> DisclosureView:
    """Record a disclosure the check allows, or one a manager authorises on a legal basis,
    or (``ask_manager``) a request for a manager to authorise. Otherwise ``DisclosureRefused``.
    """
    policy = await get_policy()
    data.validate(recipient_roles(policy))
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    case = await records.get_case(case_id, staff, purpose="disclosure")
    if case.status != CaseStatus.OPEN:
        raise CaseworkError({"case": "This case is closed"})
    if case.grounds is Grounds.BREAK_GLASS:
        raise NotPermitted("break-glass access does not extend to sharing a case")
    shared = _snapshot(case, data.items)
    # A consent being withdrawn at this moment holds the case row (``record_consent``):
    # wait for it, so a share never goes out on a consent that has just been refused.
    await raw(
        "SELECT 1 FROM cases WHERE tenant_id = {} AND id = {} FOR SHARE",
        current_tenant_id(),
        case_id,
    )
    consent = await current_consent(case_id)
    result = decide(
        consent,
        data.recipient_role,
        policy,
        young_person_items=sum(i.young_person_only for i in shared),
    )
    if data.legal_basis is not None and not is_manager(staff):
        await audit.record(
            "disclosure_override_refused",
            actor_kind="staff",
            actor_id=staff.id,
            subject_kind="case",
            subject_id=case_id,
            reason_code=data.legal_basis.value,
        )
        raise NotPermitted("only a manager may share without consent")
    if data.legal_basis is not None and result.allowed:
        raise CaseworkError(
            {"legal_basis": "Consent covers this share: record it without a legal basis"}
        )
    now = datetime.now(UTC)
    row = Disclosure(
        id=uuid4(),
        tenant_id=current_tenant_id(),
        case_id=case_id,
        recipient_org=data.recipient_org.strip(),
        recipient_role=data.recipient_role,
        recipient_person=data.recipient_person.strip(),
        purpose=data.purpose.strip(),
        items=json.dumps([_item_json(i) for i in shared]),
        check_code=result.code.value,
        check_reason=result.reason,
        requested_by=staff.id,
    )
    if result.allowed and data.legal_basis is None:
        assert consent is not None
        row.status = DisclosureStatus.SHARED
        row.basis = Basis.CONSENT
        row.consent_id = consent.id
        row.shared_at = now
        action = "disclosure_made"
    elif data.legal_basis is not None:
        row.status = DisclosureStatus.SHARED
        row.basis = Basis.LEGAL
        row.consent_id = consent.id if consent else None
        row.legal_basis = data.legal_basis
        row.justification = data.justification.strip()
        row.authorised_by = staff.id
        row.decided_at = now
        row.shared_at = now
        action = "disclosure_authorised"
    elif data.ask_manager:
        row.status = DisclosureStatus.AWAITING_AUTHORISATION
        action = "disclosure_requested"
    else:
        await audit.record(
            "disclosure_refused",
            actor_kind="staff",
            actor_id=staff.id,
            subject_kind="case",
            subject_id=case_id,
            reason_code=result.code.value,
            detail={"item_count": len(shared)},
        )
        raise DisclosureRefused(result)
    await Disclosure.insert(row)
    await record_act(
        CaseAccess(case.id, case.reference, case.status, case.grounds),
        staff,
        action,
        reason_code=str(row.legal_basis or row.basis or row.status),
        disclosure_id=row.id,
        item_count=len(shared),
        consent_id=row.consent_id,
        check=row.check_code,
    )
    if row.basis == Basis.LEGAL:
        await tasks.open_task(case_id, row.id, policy.tell_client_days)
    return await _load(case_id, row.id)


def _item_json(item: SharedItem) -> dict[str, Any]:
    return {
        "kind": item.kind.value,
        "ref": item.ref,
        "label": item.label,
        "text": item.text,
        "young_person_only": item.young_person_only,
    }


async def _awaiting(case_id: UUID, disclosure_id: UUID, staff: StaffView) -> CaseAccess:
    """A manager's need-to-know on a request awaiting authorisation, locked; the decision
    is audited (``record_act``) once made."""
    if not is_manager(staff):
        raise NotPermitted("managers only")
    access = await check_access(case_id, staff, purpose="disclosure")
    rows = await raw(
        "SELECT status FROM disclosures WHERE tenant_id = {} AND case_id = {} AND id = {}"
        " FOR UPDATE",
        current_tenant_id(),
        case_id,
        disclosure_id,
    )
    if not rows:
        raise DisclosureNotFound()
    if rows[0]["status"] != DisclosureStatus.AWAITING_AUTHORISATION:
        raise CaseworkError({"disclosure": "This request has already been decided"})
    if access.status != CaseStatus.OPEN:
        raise CaseworkError({"case": "This case is closed"})
    return access


async def authorise(
    case_id: UUID, disclosure_id: UUID, staff: StaffView, data: Authorisation
) -> DisclosureView:
    """A manager authorises a refused share on a legal basis; the client must be told."""
    data.validate()
    access = await _awaiting(case_id, disclosure_id, staff)
    await raw(
        "UPDATE disclosures SET status = 'shared', basis = 'legal', legal_basis = {},"
        " justification = {}, authorised_by = {}, decided_at = now(), shared_at = now()"
        " WHERE tenant_id = {} AND id = {}",
        data.legal_basis.value,
        data.justification.strip(),
        staff.id,
        current_tenant_id(),
        disclosure_id,
    )
    await record_act(
        access,
        staff,
        "disclosure_authorised",
        reason_code=data.legal_basis.value,
        disclosure_id=disclosure_id,
    )
    await tasks.open_task(case_id, disclosure_id, (await get_policy()).tell_client_days)
    return await _load(case_id, disclosure_id)


async def decline(
    case_id: UUID, disclosure_id: UUID, staff: StaffView, data: Decline
) -> DisclosureView:
    """A manager declines to authorise: nothing is shared; the reason is kept."""
    data.validate()
    access = await _awaiting(case_id, disclosure_id, staff)
    await raw(
        "UPDATE disclosures SET status = 'declined', decline_reason = {}, authorised_by = {},"
        " decided_at = now() WHERE tenant_id = {} AND id = {}",
        data.reason.strip(),
        staff.id,
        current_tenant_id(),
        disclosure_id,
    )
    await record_act(
        access, staff, "disclosure_declined", reason_code="declined", disclosure_id=disclosure_id
    )
    return await _load(case_id, disclosure_id)


# Reading disclosures back


_SUMMARY = (
    "SELECT d.id, d.case_id, c.reference, d.recipient_org, d.recipient_role, d.status, d.basis,"
    " d.legal_basis, jsonb_array_length(d.items) AS item_count, s.display_name AS requester,"
    " d.requested_at, d.shared_at FROM disclosures d"
    " JOIN cases c ON c.tenant_id = d.tenant_id AND c.id = d.case_id"
    " LEFT JOIN staff_users s ON s.tenant_id = d.tenant_id AND s.id = d.requested_by"
)


def _summary(r: dict[str, Any]) -> DisclosureSummary:
    return DisclosureSummary(
        id=r["id"],
        case_id=r["case_id"],
        case_reference=r["reference"],
        recipient_org=r["recipient_org"],
        recipient_role=r["recipient_role"],
        status=DisclosureStatus(r["status"]),
        basis=Basis(r["basis"]) if r["basis"] else None,
        legal_basis=LegalBasis(r["legal_basis"]) if r["legal_basis"] else None,
        item_count=r["item_count"],
        requested_by_name=r["requester"] or "",
        requested_at=r["requested_at"],
        shared_at=r["shared_at"],
    )


async def disclosure_log(
    case_id: UUID, staff: StaffView, page: PageRequest
) -> Page[DisclosureSummary]:
    """What went to whom, when, on what basis: the case's log, newest first (audited)."""
    await open_case(case_id, staff, purpose="disclosure_log")
    tenant_id = current_tenant_id()
    rows = await raw(
        _SUMMARY + " WHERE d.tenant_id = {} AND d.case_id = {}"
        " ORDER BY d.requested_at DESC, d.id LIMIT {} OFFSET {}",
        tenant_id,
        case_id,
        page.limit,
        page.offset,
    )
    [count] = await raw(
        "SELECT count(*) AS n FROM disclosures WHERE tenant_id = {} AND case_id = {}",
        tenant_id,
        case_id,
    )
    return Page([_summary(r) for r in rows], int(count["n"]), page.limit, page.offset)


async def awaiting_authorisation(staff: StaffView, page: PageRequest) -> Page[DisclosureSummary]:
    """Requests for a manager to authorise a share, oldest first (managers only)."""
    if not is_manager(staff):
        raise NotPermitted("managers only")
    tenant_id = current_tenant_id()
    rows = await raw(
        _SUMMARY + " WHERE d.tenant_id = {} AND d.status = 'awaiting_authorisation'"
        " ORDER BY d.requested_at, d.id LIMIT {} OFFSET {}",
        tenant_id,
        page.limit,
        page.offset,
    )
    [count] = await raw(
        "SELECT count(*) AS n FROM disclosures WHERE tenant_id = {}"
        " AND status = 'awaiting_authorisation'",
        tenant_id,
    )
    return Page([_summary(r) for r in rows], int(count["n"]), page.limit, page.offset)


async def get_disclosure(
    case_id: UUID, disclosure_id: UUID, staff: StaffView, *, purpose: str = "disclosure_record"
) -> DisclosureView:
    """One disclosure with exactly what was shared: the printable record (audited)."""
    await open_case(case_id, staff, purpose=purpose)
    return await _load(case_id, disclosure_id)


async def _load(case_id: UUID, disclosure_id: UUID) -> DisclosureView:
    rows = await raw(
        "SELECT d.*, c.reference, r.display_name AS requester, a.display_name AS authoriser,"
        " k.version AS consent_version FROM disclosures d"
        " JOIN cases c ON c.tenant_id = d.tenant_id AND c.id = d.case_id"
        " LEFT JOIN staff_users r ON r.tenant_id = d.tenant_id AND r.id = d.requested_by"
        " LEFT JOIN staff_users a ON a.tenant_id = d.tenant_id AND a.id = d.authorised_by"
        " LEFT JOIN consents k ON k.tenant_id = d.tenant_id AND k.id = d.consent_id"
        " WHERE d.tenant_id = {} AND d.case_id = {} AND d.id = {}",
        current_tenant_id(),
        case_id,
        disclosure_id,
    )
    if not rows:
        raise DisclosureNotFound()
    r = rows[0]
    raw_items = json.loads(r["items"]) if isinstance(r["items"], str) else r["items"]
    task = await tasks.task_for_disclosure(disclosure_id)
    return DisclosureView(
        id=r["id"],
        case_id=r["case_id"],
        case_reference=r["reference"],
        recipient_org=r["recipient_org"],
        recipient_role=r["recipient_role"],
        recipient_person=r["recipient_person"],
        purpose=r["purpose"],
        items=[
            SharedItem(ItemKind(i["kind"]), i["ref"], i["label"], i["text"], i["young_person_only"])
            for i in raw_items
        ],
        status=DisclosureStatus(r["status"]),
        basis=Basis(r["basis"]) if r["basis"] else None,
        consent_id=r["consent_id"],
        consent_version=r["consent_version"],
        check_code=CheckCode(r["check_code"]),
        check_reason=r["check_reason"],
        legal_basis=LegalBasis(r["legal_basis"]) if r["legal_basis"] else None,
        justification=r["justification"],
        decline_reason=r["decline_reason"],
        requested_by=r["requested_by"],
        requested_by_name=r["requester"] or "",
        requested_at=r["requested_at"],
        authorised_by=r["authorised_by"],
        authorised_by_name=r["authoriser"],
        decided_at=r["decided_at"],
        shared_at=r["shared_at"],
        task=task,
    )
