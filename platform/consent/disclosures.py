"""Disclosure: nothing leaves the service beyond consent unless a manager records a legal
basis, and then the service user is told (rules 6 and 7).

``decide`` is the rule. ``check`` (API, pages) and ``share`` run it on a case: consent
covers the tenant's professional roles only, for an open case, within what the person who
gave it may speak for; police, a court or anyone not on the list is a manager's decision on
a legal basis. A share is decided first and sent later: ``share`` records it allowed
(consent), authorised (a manager's legal basis) or awaiting a manager (``ask_manager``);
``send`` records when, how and to whom it went, and only then is it shared (a legal-basis
share then opens the tell-the-client task, unless there is no-one to tell). Each disclosure
keeps exactly what was shared, as it was then, for its printable record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import msgspec

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework import records
from confide.platform.casework.access import (
    CaseAccess,
    check_access,
    is_manager,
    open_case,
    record_act,
    works_cases,
)
from confide.platform.casework.schemas import (
    CaseStatus,
    CaseView,
    Grounds,
    PersonKind,
    PersonView,
    Side,
)
from confide.platform.consent import queries, tasks
from confide.platform.consent.capacity import current_capacity
from confide.platform.consent.consents import current_consent
from confide.platform.consent.errors import NotPermitted
from confide.platform.consent.schemas import (
    Authorisation,
    Basis,
    CancelShare,
    CapacityView,
    CaseField,
    CheckCode,
    ConsentView,
    Decision,
    Decline,
    DisclosureCheck,
    DisclosureStatus,
    DisclosureSummary,
    DisclosureView,
    GivenBy,
    ItemKind,
    ItemRef,
    LegalBasis,
    NewDisclosure,
    SendMethod,
    SentDisclosure,
    SharedItem,
)
from confide.platform.core.clock import SERVICE_ZONE, service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Conflict, Invalid, NotFound
from confide.platform.core.pagination import MAX_PAGE_SIZE, Page, PageRequest
from confide.platform.documents import services as documents
from confide.platform.documents.schemas import SharedVersion
from confide.platform.identity.schemas import StaffView
from confide.platform.notifications import services as notifications
from confide.platform.notifications.schemas import NotificationKind
from confide.platform.schools import directory
from confide.platform.schools.schemas import SchoolNotFound
from confide.tenants.policy.services import PolicyView, get_policy

# Recipients no consent covers (policy 2.4, 2.6, 4.2): sharing with them is always a
# manager's decision on a legal basis, and the service user is told.
LEGAL_BASIS_RECIPIENTS: tuple[str, ...] = ("Police", "Court", "Other")

FIELD_LABELS = {
    CaseField.NAME: "Child or young person's name",
    CaseField.DATE_OF_BIRTH: "Date of birth",
    CaseField.SCHOOL: "School or setting",
    CaseField.PRIMARY_NEED: "Primary need",
    CaseField.TOPICS: "Enquiry topics",
    CaseField.PARENTS: "Parents or carers (names)",
}
BASIS_LABELS = {
    Basis.CONSENT: "Consent",
    Basis.LEGAL: "Without consent, on a legal basis",
    Basis.SERVICE_USER: "The service user's signed consent or own request (information request)",
}
LEGAL_BASIS_LABELS = {
    LegalBasis.SAFEGUARDING: "Risk of serious harm (safeguarding)",
    LegalBasis.POLICE_REQUEST: "Police request",
    LegalBasis.COURT_ORDER: "Court order",
    LegalBasis.LEGAL_OBLIGATION: "Other legal obligation",
}
ANONYMOUS_NO_ONE_TO_TELL = (
    "An anonymous enquiry: no name or contact details were recorded, so there is no-one to tell."
)
DECIDED = (DisclosureStatus.ALLOWED, DisclosureStatus.AUTHORISED)  # decided, not yet sent


class DisclosureRefused(Conflict):
    """The consent check said no; ``check`` holds the reason to show. Nothing was shared."""

    detail = "The consent on this case does not allow this share. Nothing was shared."

    def __init__(self, check: DisclosureCheck) -> None:
        super().__init__(check.code.value)
        self.check = check

    def details(self) -> dict[str, Any]:
        return {"refused": True, "code": self.code, "reason": self.check.reason}


class DisclosureNotFound(NotFound):
    """No such disclosure on this case (or another tenant's: the same to the caller)."""


async def with_school_senco(data: NewDisclosure) -> NewDisclosure:
    """A share to a school's SENCO from the directory (``recipient_school_id``): the
    organisation is the school's name and the person its SENCO, as the directory holds
    them now; a school without a SENCO recorded is refused on the field."""
    if data.recipient_school_id is None:
        return data
    try:
        school = await directory.get_school(data.recipient_school_id)
    except SchoolNotFound:
        raise Invalid({"recipient_school_id": "Choose a school from the directory"}) from None
    if not school.has_senco:
        raise Invalid(
            {"recipient_school_id": "This school has no SENCO recorded: add one in the directory"}
        )
    person = " ".join(p for p in (school.senco_name, f"<{school.senco_email}>") if p != "<>")
    return msgspec.structs.replace(data, recipient_org=school.name, recipient_person=person.strip())


def recipient_roles(policy: PolicyView) -> tuple[str, ...]:
    """Whom a share may name: the tenant's professional roles, then those only a legal
    basis covers."""
    return (*policy.professional_roles, *LEGAL_BASIS_RECIPIENTS)


# The check


def _day(value: Any) -> str:
    return str(value.strftime("%-d %B %Y"))


def decide(
    consent: ConsentView | None,
    role: str,
    policy: PolicyView,
    *,
    capacity: CapacityView | None = None,
    young_person_items: int = 0,
    closed: bool = False,
    anonymous: bool = False,
) -> DisclosureCheck:
    """The consent rule itself, without the database: every branch is here.

    ``young_person_items``: how many chosen items are the young person's own (told in
    confidence); ``capacity``: whether they can decide for themselves (None: no young
    person). A refusal here is what a manager's legal basis may override.
    """

    def result(
        allowed: bool, code: CheckCode, reason: str, warning: str | None = None
    ) -> DisclosureCheck:
        return DisclosureCheck(allowed, code, reason, role, consent, warning)

    if anonymous:
        return result(
            False,
            CheckCode.ANONYMOUS,
            "This is an anonymous enquiry: no-one gave consent. Only a manager can share from"
            " it, on a legal basis.",
        )
    if closed:
        return result(
            False,
            CheckCode.CASE_CLOSED,
            "This case is closed: consent covers sharing during case work only. A manager can"
            " share from a closed case on a legal basis, such as a court order.",
        )
    if role not in policy.professional_roles:
        return result(
            False,
            CheckCode.LEGAL_BASIS_ONLY,
            f"{role} is not one of the professional roles consent covers: sharing with them is"
            " a manager's decision on a legal basis, and the service user will be told.",
        )
    if consent is None:
        return result(False, CheckCode.NO_CONSENT, "No consent to share has been recorded.")
    given = _day(consent.given_on)
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
    able = None if capacity is None else capacity.has_capacity
    why = "" if capacity is None else f" {capacity.explain()}"
    if consent.given_by is GivenBy.YOUNG_PERSON and able is not True:
        return result(
            False,
            CheckCode.YOUNG_PERSON_CANNOT_DECIDE,
            "This consent was given by the young person, who cannot be taken to decide for"
            f" themselves now.{why} A parent's or carer's consent is needed.",
        )
    if consent.given_by is not GivenBy.YOUNG_PERSON and young_person_items and able is not False:
        return result(
            False,
            CheckCode.YOUNG_PERSON_SIDE,
            "Some items are what the young person told us in confidence: a parent's or"
            f" carer's consent covers the parent's side only.{why} Only the young person's own"
            " consent covers them.",
        )
    warnings: list[str] = []
    if consent.lapsed:
        due = _day(consent.review_due)
        if policy.lapsed_consent_blocks:
            return result(
                False,
                CheckCode.LAPSED,
                f"Consent was due for review on {due}. Review it with the service user"
                " before sharing.",
            )
        warnings.append(f"Consent was due for review on {due}: review it with them soon.")
    if role not in consent.parties_told:
        told = ", ".join(consent.parties_told) or "no particular parties"
        warnings.append(
            f"When they gave consent they were told about {told}, not {role}: tell them"
            " who it is going to."
        )
    if consent.decision is Decision.FULL:
        code, reason = CheckCode.FULL, f"Full consent to share, given on {given}."
    else:
        code = CheckCode.RESTRICTED_INCLUDES
        reason = f"Consent given on {given} includes {role}."
    if consent.lapsed:
        code = CheckCode.LAPSED_WARNING
    return result(True, code, reason, " ".join(warnings) or None)


def _person(case: CaseView, person_id: str) -> tuple[str, PersonView] | None:
    people = [("young person", case.subject)] if case.subject else []
    people += [
        ("parent or carer" if p.relationship == PersonKind.PARENT_OR_CARER else "other", p.person)
        for p in case.people
    ]
    return next(((part, p) for part, p in people if str(p.id) == person_id), None)


def _item(
    case: CaseView, ref: ItemRef, chosen: dict[str, SharedVersion] | None = None
) -> SharedItem | None:
    """One chosen item as it is now in ``case`` (as that view shows it); None if absent.
    A case field or contact detail that is not recorded is an error. ``chosen``: the
    exact versions of the documents chosen (``_documents``)."""
    if ref.kind is ItemKind.DOCUMENT:
        version = (chosen or {}).get(ref.id)
        return None if version is None else document_item(version)
    if ref.kind is ItemKind.NOTE:
        note = next((n for n in case.notes if str(n.note_id) == ref.id), None)
        if note is None:
            return None
        when = _day(note.current.recorded_at)
        return SharedItem(
            ItemKind.NOTE,
            f"{ref.id}@{note.current.version}",
            f"Note of {when}" + (" (corrected)" if note.history else ""),
            note.current.body,
            note.side is Side.YOUNG_PERSON_ONLY,
        )
    if ref.kind is ItemKind.CONTACT:
        contact = next((c for c in case.contacts if str(c.id) == ref.id), None)
        if contact is None:
            return None
        label = f"{contact.kind.replace('_', ' ').capitalize()} on {_day(contact.occurred_at)}"
        return SharedItem(
            ItemKind.CONTACT,
            ref.id,
            label,
            contact.summary,
            contact.side is Side.YOUNG_PERSON_ONLY,
        )
    if ref.kind is ItemKind.FIELD:
        if ref.id not in set(CaseField):
            return None
        which = CaseField(ref.id)
        text = field_text(case, which)
        if text is None:
            raise Invalid({"items": f"{FIELD_LABELS[which]} is not recorded"})
        return SharedItem(ItemKind.FIELD, ref.id, FIELD_LABELS[which], text)
    found = _person(case, ref.id)
    if found is None:
        return None
    part, person = found
    label, text = contact_detail(person, ref.kind)
    if text is None:
        raise Invalid({"items": f"{label} is not recorded"})
    return SharedItem(ref.kind, ref.id, f"{label} ({part})", text)


def document_item(found: SharedVersion) -> SharedItem:
    """A document as a share records it: the exact version (``<id>@<version>``), its title,
    and its file's name, type, size and SHA-256, so the package sends that very file."""
    size = f"{found.size / 1024:.0f} KB" if found.size >= 1024 else f"{found.size} bytes"
    return SharedItem(
        ItemKind.DOCUMENT,
        f"{found.document_id}@{found.version}",
        f"Document: {found.title} (version {found.version})",
        f"{found.filename} ({found.content_type.split(';')[0]}, {size}), SHA-256 {found.sha256}",
        found.side is Side.YOUNG_PERSON_ONLY,
    )


async def _documents(
    case: CaseView, refs: Sequence[ItemRef]
) -> tuple[list[ItemRef], dict[str, SharedVersion]]:
    """The exact version of each document chosen, by its reference, and the references
    with each version once: a document named by its id and by its latest version's number
    (``<id>`` and ``<id>@<n>``) is one item, recorded once."""
    asked = [ref.id for ref in refs if ref.kind is ItemKind.DOCUMENT]
    chosen = await documents.versions_for_share(case, asked) if asked else {}
    distinct: list[ItemRef] = []
    seen: set[tuple[UUID, int]] = set()
    for ref in refs:
        found = chosen.get(ref.id) if ref.kind is ItemKind.DOCUMENT else None
        if found is not None:
            if (found.document_id, found.version) in seen:
                continue
            seen.add((found.document_id, found.version))
        distinct.append(ref)
    return distinct, chosen


def contact_detail(person: PersonView, kind: ItemKind) -> tuple[str, str | None]:
    """A person's address or phone number as it would be shared, with its label."""
    name = f"{person.first_name} {person.last_name}"
    if kind is ItemKind.PHONE:
        return f"Phone number of {name}", person.phone
    lines = [line for line in ((person.address or "").strip(), person.postcode or "") if line]
    return f"Address of {name}", "\n".join(lines) or None


def _snapshot(
    case: CaseView, refs: Sequence[ItemRef], chosen: dict[str, SharedVersion]
) -> list[SharedItem]:
    """The chosen items exactly as they are now; an item not on this case is an error."""
    items = [_item(case, ref, chosen) for ref in refs]
    if any(item is None for item in items):
        raise Invalid({"items": "Choose items from this case"})
    return [item for item in items if item is not None]


def _parents_side_only(consent: ConsentView | None, capacity: CapacityView | None) -> bool:
    """A parent's or carer's consent for a young person who may decide for themselves (or
    whose capacity is not known) speaks for the parent's side of the record only."""
    if consent is None or consent.given_by is GivenBy.YOUNG_PERSON:
        return False
    return capacity is None or capacity.has_capacity is not False


async def _what_may_go(
    case: CaseView,
    staff: StaffView,
    consent: ConsentView | None,
    capacity: CapacityView | None,
    refs: Sequence[ItemRef],
) -> tuple[list[SharedItem], int]:
    """The chosen items as they would go, and how many are the young person's own.

    On a consent that speaks for the parent's side only, what may go is what the parent's
    view shows (``records.parent_view``, an audited read): a chosen item it leaves out is the
    young person's. Otherwise the young person's own items are those on their side. A
    document's side is its own, as a note's is (rule 15): one on the young person's side is
    not in the parent's view.
    """
    refs, chosen = await _documents(case, refs)
    everything = _snapshot(case, refs, chosen)
    if not _parents_side_only(consent, capacity):
        return everything, sum(item.young_person_only for item in everything)
    parents = await records.parent_view(case.id, staff, purpose="parent_consent_share")
    parents_documents = {
        ref: found for ref, found in chosen.items() if found.side is not Side.YOUNG_PERSON_ONLY
    }
    seen = [_item(parents, ref, parents_documents) for ref in refs]
    outside = sum(item is None for item in seen)
    return [s or e for s, e in zip(seen, everything, strict=True)], outside


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
        return _day(subject.date_of_birth) if subject.date_of_birth else None
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
    return await check_case(case, staff, role, items)


async def check_case(
    case: CaseView, staff: StaffView, role: str, items: Sequence[ItemRef] = ()
) -> DisclosureCheck:
    """``check`` for a case the caller has already opened (``records.get_case``: a
    ``CaseView`` exists only after the need-to-know check and its audit entry), so a page
    that shows the case with the result reads it once."""
    policy = await get_policy()
    if role not in recipient_roles(policy):
        raise Invalid({"recipient_role": "Choose the recipient's professional role"})
    result, _ = await _check(case, staff, role, items, policy)
    return result


async def _check(
    case: CaseView, staff: StaffView, role: str, refs: Sequence[ItemRef], policy: PolicyView
) -> tuple[DisclosureCheck, list[SharedItem]]:
    """The check on an opened case, and the items as they would go."""
    consent = None if case.anonymous else await current_consent(case.id)
    capacity = await current_capacity(case.id)
    shared, young_person_items = await _what_may_go(case, staff, consent, capacity, refs)
    result = decide(
        consent,
        role,
        policy,
        capacity=capacity,
        young_person_items=young_person_items,
        closed=case.status != CaseStatus.OPEN,
        anonymous=case.anonymous,
    )
    return result, shared


# Recording a disclosure


async def share(case_id: UUID, staff: StaffView, data: NewDisclosure) -> DisclosureView:
    """Record a share the check allows (allowed, to be sent), one a manager authorises on a
    legal basis (authorised, to be sent; open or closed case), or (``ask_manager``) a
    request for a manager to decide. Otherwise ``DisclosureRefused``. Nothing has left the
    service until ``send`` records it.
    """
    policy = await get_policy()
    data = await with_school_senco(data)
    data.validate(recipient_roles(policy))
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    case = await records.get_case(case_id, staff, purpose="disclosure")
    if case.grounds is Grounds.BREAK_GLASS:
        raise NotPermitted("break-glass access does not extend to sharing a case")
    # A consent being withdrawn at this moment holds the case row (``record_consent``):
    # wait for it, so a share never goes out on a consent that has just been refused.
    await queries.hold_case(current_tenant_id(), case_id)
    result, shared = await _check(case, staff, data.recipient_role, data.items, policy)
    if data.legal_basis is not None and not is_manager(staff):
        await audit.record(
            Action.DISCLOSURE_OVERRIDE_REFUSED,
            actor_kind="staff",
            actor_id=staff.id,
            subject_kind="case",
            subject_id=case_id,
            reason_code=data.legal_basis.value,
        )
        raise NotPermitted("only a manager may share without consent")
    if data.legal_basis is not None and result.allowed:
        raise Invalid({"legal_basis": "Consent covers this share: record it without a legal basis"})
    row: dict[str, Any] = {
        "id": uuid4(),
        "tenant_id": current_tenant_id(),
        "case_id": case_id,
        "recipient_org": data.recipient_org.strip(),
        "recipient_role": data.recipient_role,
        "recipient_person": data.recipient_person.strip(),
        "purpose": data.purpose.strip(),
        "items": json.dumps([_item_json(i) for i in shared]),
        "check_code": result.code.value,
        "check_reason": result.reason,
        "requested_by": staff.id,
    }
    if result.allowed and data.legal_basis is None:
        assert result.consent is not None
        row["status"] = DisclosureStatus.ALLOWED
        row["basis"] = Basis.CONSENT
        row["consent_id"] = result.consent.id
        action = Action.DISCLOSURE_ALLOWED
    elif data.legal_basis is not None:
        row["status"] = DisclosureStatus.AUTHORISED
        row["basis"] = Basis.LEGAL
        row["consent_id"] = result.consent.id if result.consent else None
        row["legal_basis"] = data.legal_basis
        row["justification"] = data.justification.strip()
        row["tell_not_possible"] = ANONYMOUS_NO_ONE_TO_TELL if case.anonymous else None
        row["authorised_by"] = staff.id
        row["decided_at"] = datetime.now(UTC)
        action = Action.DISCLOSURE_AUTHORISED
    elif data.ask_manager:
        row["status"] = DisclosureStatus.AWAITING_AUTHORISATION
        action = Action.DISCLOSURE_REQUESTED
    else:
        await audit.record(
            Action.DISCLOSURE_REFUSED,
            actor_kind="staff",
            actor_id=staff.id,
            subject_kind="case",
            subject_id=case_id,
            reason_code=result.code.value,
            detail={"item_count": len(shared)},
        )
        raise DisclosureRefused(result)
    await queries.insert_disclosure(row)
    if row["status"] == DisclosureStatus.AWAITING_AUTHORISATION:
        await notifications.notify_managers(
            NotificationKind.SHARE_AWAITING,
            subject_key=str(row["id"]),
            case_id=case_id,
            case_reference=case.reference,
            subject_id=row["id"],
            actor_id=staff.id,
        )
    await record_act(
        CaseAccess(case.id, case.reference, case.status, case.grounds),
        staff,
        action,
        reason_code=str(row.get("legal_basis") or row.get("basis") or row["status"]),
        disclosure_id=row["id"],
        item_count=len(shared),
        consent_id=row.get("consent_id"),
        check=row["check_code"],
    )
    return await _load(case_id, row["id"])


async def record_release(
    case_id: UUID,
    staff: StaffView,
    data: NewDisclosure,
    sent: SentDisclosure,
    *,
    on_service_users_word: bool,
    given_by: GivenBy | None = None,
    word_given_at: datetime | None = None,
) -> DisclosureView:
    """A case file released on an information request (rule 10, policy 5.1), decided and
    sent at once, on an open or a closed case, by a manager; the requests domain has checked
    its ground. ``on_service_users_word``: their signed consent form or letter on the
    request, or their asking for the file to go to them or their solicitor (basis
    ``service_user``; their confidences stay out: rule 15). Otherwise ``data.legal_basis``:
    a manager's legal basis, and the tell-the-client task opens (rule 7). The disclosure
    keeps exactly the items released, as they are now, and is in the case's log.
    ``given_by``: whose word it is (the young person's releases stay out of a parent's
    bundle); ``word_given_at``: when their form was recorded, refused when a refusal of
    consent recorded on the case since is the newer word (rule 10)."""
    if not is_manager(staff):
        raise NotPermitted("a case file is released by a manager")
    policy = await get_policy()
    case = await records.get_case(case_id, staff, purpose="disclosure")
    if case.grounds is Grounds.BREAK_GLASS:
        raise NotPermitted("break-glass access does not extend to sharing a case")
    await queries.hold_case(current_tenant_id(), case_id)
    shared = _snapshot(case, *(await _documents(case, data.items)))
    sent.validate(service_today())
    if on_service_users_word:
        if given_by is None:
            raise Invalid({"given_by": "Choose whose word the release rests on"})
        consent = await current_consent(case_id)
        if (
            word_given_at is not None
            and consent is not None
            and consent.decision is Decision.REFUSED
            and consent.recorded_at > word_given_at
        ):
            raise Invalid(
                {
                    "consent_document_id": "A refusal of consent was recorded on the case after"
                    " this form: ask the service user again before releasing the file"
                }
            )
        if any(item.young_person_only for item in shared):
            raise Invalid(
                {
                    "items": "What the young person told the service in confidence is not"
                    " released on this ground: choose items from the shared record"
                }
            )
    elif data.legal_basis is None:
        raise Invalid({"legal_basis": "Choose the legal basis"})
    row: dict[str, Any] = {
        "id": uuid4(),
        "tenant_id": current_tenant_id(),
        "case_id": case_id,
        "recipient_org": data.recipient_org.strip(),
        "recipient_role": data.recipient_role.strip(),
        "recipient_person": data.recipient_person.strip(),
        "purpose": data.purpose.strip(),
        "items": json.dumps([_item_json(i) for i in shared]),
        "check_code": CheckCode.INFORMATION_REQUEST.value,
        "check_reason": "Released on an information request for the case file (policy 5.1).",
        "requested_by": staff.id,
        "decided_at": datetime.now(UTC),
    }
    if on_service_users_word:
        row["status"] = DisclosureStatus.ALLOWED
        row["basis"] = Basis.SERVICE_USER
        # How and when the service user asked (or what their form says) is kept with the
        # release, as a manager's reason is for a legal basis.
        row["justification"] = data.justification.strip()
        row["given_by"] = given_by
    else:
        row["status"] = DisclosureStatus.AUTHORISED
        row["basis"] = Basis.LEGAL
        row["legal_basis"] = data.legal_basis
        row["justification"] = data.justification.strip()
        row["tell_not_possible"] = ANONYMOUS_NO_ONE_TO_TELL if case.anonymous else None
        row["authorised_by"] = staff.id
    await queries.insert_disclosure(row)
    await queries.mark_sent(current_tenant_id(), row["id"], sent, staff.id)
    await record_act(
        CaseAccess(case.id, case.reference, case.status, case.grounds),
        staff,
        Action.DISCLOSURE_SENT,
        reason_code=str(row.get("legal_basis") or row["basis"]),
        disclosure_id=row["id"],
        item_count=len(shared),
        check=row["check_code"],
    )
    if row["basis"] == Basis.LEGAL and row["tell_not_possible"] is None:
        await tasks.open_task(case_id, row["id"], policy.tell_client_days)
    return await _load(case_id, row["id"])


def _item_json(item: SharedItem) -> dict[str, Any]:
    return {
        "kind": item.kind.value,
        "ref": item.ref,
        "label": item.label,
        "text": item.text,
        "young_person_only": item.young_person_only,
    }


async def _locked(
    case_id: UUID, disclosure_id: UUID, staff: StaffView, *, managers_only: bool = False
) -> tuple[CaseAccess, dict[str, Any]]:
    """Need-to-know on the case (open or closed; not break-glass) and the disclosure row,
    locked; the act is audited (``record_act``) once done."""
    if managers_only and not is_manager(staff):
        raise NotPermitted("managers only")
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    access = await check_access(case_id, staff, purpose="disclosure", allow_break_glass=False)
    row = await queries.lock_disclosure(current_tenant_id(), case_id, disclosure_id)
    if row is None:
        raise DisclosureNotFound()
    return access, row


async def _awaiting(
    case_id: UUID, disclosure_id: UUID, staff: StaffView
) -> tuple[CaseAccess, dict[str, Any]]:
    access, row = await _locked(case_id, disclosure_id, staff, managers_only=True)
    if row["status"] != DisclosureStatus.AWAITING_AUTHORISATION:
        raise Invalid({"disclosure": "This request has already been decided"})
    return access, row


async def authorise(
    case_id: UUID, disclosure_id: UUID, staff: StaffView, data: Authorisation
) -> DisclosureView:
    """A manager authorises a request on a legal basis, on an open or a closed case (a
    court order for a closed file is the usual case of policy 5.1): it may now be sent."""
    data.validate()
    access, row = await _awaiting(case_id, disclosure_id, staff)
    await queries.mark_authorised(
        current_tenant_id(),
        disclosure_id,
        data,
        ANONYMOUS_NO_ONE_TO_TELL if row["anonymous"] else None,
        staff.id,
    )
    await record_act(
        access,
        staff,
        Action.DISCLOSURE_AUTHORISED,
        reason_code=data.legal_basis.value,
        disclosure_id=disclosure_id,
    )
    return await _load(case_id, disclosure_id)


async def decline(
    case_id: UUID, disclosure_id: UUID, staff: StaffView, data: Decline
) -> DisclosureView:
    """A manager declines to authorise: nothing is shared; the reason is kept."""
    data.validate()
    access, _ = await _awaiting(case_id, disclosure_id, staff)
    await queries.mark_declined(current_tenant_id(), disclosure_id, data.reason.strip(), staff.id)
    await record_act(
        access,
        staff,
        Action.DISCLOSURE_DECLINED,
        reason_code="declined",
        disclosure_id=disclosure_id,
    )
    return await _load(case_id, disclosure_id)


async def _decided(
    case_id: UUID, disclosure_id: UUID, staff: StaffView
) -> tuple[CaseAccess, dict[str, Any]]:
    access, row = await _locked(case_id, disclosure_id, staff)
    if row["status"] not in DECIDED:
        raise Invalid(
            {"disclosure": "Only a share that is allowed or authorised, and not sent, can be"}
        )
    return access, row


async def _still_allowed(case_id: UUID, row: dict[str, Any], policy: PolicyView) -> None:
    """A share allowed by consent is checked again as it goes: the consent may have been
    withdrawn, the case closed, or the young person come of an age to decide since."""
    await queries.hold_case(current_tenant_id(), case_id)
    status, anonymous = await queries.case_state(current_tenant_id(), case_id)
    items = json.loads(row["items"]) if isinstance(row["items"], str) else row["items"]
    result = decide(
        await current_consent(case_id),
        row["recipient_role"],
        policy,
        capacity=await current_capacity(case_id),
        young_person_items=sum(bool(i["young_person_only"]) for i in items),
        closed=status != CaseStatus.OPEN,
        anonymous=anonymous,
    )
    if not result.allowed:
        raise DisclosureRefused(result)


async def send(
    case_id: UUID, disclosure_id: UUID, staff: StaffView, data: SentDisclosure
) -> DisclosureView:
    """Record that an allowed or authorised share went: the day, how, and to whom exactly.
    Only now is it shared. A legal-basis share opens the task to tell the service user,
    unless there is no-one to tell."""
    policy = await get_policy()
    access, row = await _decided(case_id, disclosure_id, staff)
    decided = row["decided_at"] or row["requested_at"]
    data.validate(decided.astimezone(SERVICE_ZONE).date())
    if row["basis"] == Basis.CONSENT:
        try:
            await _still_allowed(case_id, row, policy)
        except DisclosureRefused as refused:
            await record_act(
                access,
                staff,
                Action.DISCLOSURE_SEND_REFUSED,
                reason_code=refused.check.code.value,
                disclosure_id=disclosure_id,
            )
            raise
    await queries.mark_sent(current_tenant_id(), disclosure_id, data, staff.id)
    await record_act(
        access,
        staff,
        Action.DISCLOSURE_SENT,
        reason_code=data.method.value,
        disclosure_id=disclosure_id,
    )
    if row["basis"] == Basis.LEGAL and row["tell_not_possible"] is None:
        await tasks.open_task(case_id, disclosure_id, policy.tell_client_days)
    return await _load(case_id, disclosure_id)


async def cancel(
    case_id: UUID, disclosure_id: UUID, staff: StaffView, data: CancelShare
) -> DisclosureView:
    """An allowed or authorised share that will not be sent: nothing left, the reason kept."""
    data.validate()
    access, _ = await _decided(case_id, disclosure_id, staff)
    await queries.mark_cancelled(current_tenant_id(), disclosure_id, data.reason.strip(), staff.id)
    await record_act(
        access,
        staff,
        Action.DISCLOSURE_CANCELLED,
        reason_code="cancelled",
        disclosure_id=disclosure_id,
    )
    return await _load(case_id, disclosure_id)


# Reading disclosures back


async def disclosure_log(
    case_id: UUID, staff: StaffView, page: PageRequest
) -> Page[DisclosureSummary]:
    """What went to whom, when, on what basis: the case's log, newest first (audited)."""
    await open_case(case_id, staff, purpose="disclosure_log")
    return await queries.case_disclosures(current_tenant_id(), case_id, page)


async def case_disclosures(case_id: UUID) -> list[DisclosureView]:
    """Every disclosure of the case with exactly what it shared, newest first, for a caller
    that has already opened the case (the case bundle, ``platform/exports``)."""
    found: list[DisclosureView] = []
    offset = 0
    while True:
        page = await queries.case_disclosures(
            current_tenant_id(), case_id, PageRequest(limit=MAX_PAGE_SIZE, offset=offset)
        )
        found += [await _load(case_id, d.id) for d in page.items]
        offset += MAX_PAGE_SIZE
        if offset >= page.total:
            return found


async def awaiting_authorisation(staff: StaffView, page: PageRequest) -> Page[DisclosureSummary]:
    """Requests for a manager to authorise a share, oldest first (managers only)."""
    if not is_manager(staff):
        raise NotPermitted("managers only")
    return await queries.awaiting_authorisation(current_tenant_id(), page)


async def unsent(staff: StaffView, page: PageRequest) -> Page[DisclosureSummary]:
    """Shares allowed or authorised but still not sent after the tenant's number of days,
    oldest first: a caseworker's on their cases, a manager's on every case."""
    if not works_cases(staff):
        return Page([], total=0, limit=page.limit, offset=page.offset)
    days = (await get_policy()).unsent_share_days
    assigned_to = None if is_manager(staff) else staff.id
    return await queries.unsent(current_tenant_id(), days, assigned_to, page)


async def get_disclosure(
    case_id: UUID,
    disclosure_id: UUID,
    staff: StaffView,
    *,
    purpose: str = "disclosure_record",
    checked: CaseAccess | None = None,
) -> DisclosureView:
    """One disclosure with exactly what was shared: the printable record (audited).
    ``checked``: the caller checked access itself and records the read
    (``access.record_read``) once it answers (the package, after its files are verified)."""
    if checked is None or checked.case_id != case_id:
        await open_case(case_id, staff, purpose=purpose)
    return await _load(case_id, disclosure_id)


async def _load(case_id: UUID, disclosure_id: UUID) -> DisclosureView:
    r = await queries.disclosure_row(current_tenant_id(), case_id, disclosure_id)
    if r is None:
        raise DisclosureNotFound()
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
        tell_not_possible=r["tell_not_possible"],
        decline_reason=r["decline_reason"],
        requested_by=r["requested_by"],
        requested_by_name=r["requester"] or "",
        requested_at=r["requested_at"],
        authorised_by=r["authorised_by"],
        authorised_by_name=r["authoriser"],
        decided_at=r["decided_at"],
        sent_on=r["sent_on"],
        sent_method=SendMethod(r["sent_method"]) if r["sent_method"] else None,
        sent_to=r["sent_to"],
        sent_by_name=r["sender"],
        shared_at=r["shared_at"],
        cancel_reason=r["cancel_reason"],
        cancelled_by_name=r["canceller"],
        cancelled_at=r["cancelled_at"],
        task=task,
        given_by=GivenBy(r["given_by"]) if r["given_by"] else None,
    )
