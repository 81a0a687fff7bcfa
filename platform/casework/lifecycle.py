"""A case's life after its first contact: its details and its people's changed with a
reason (each change a version: who, when, why, each field's old and new value), a contact
recorded in error corrected by a new version, a closed case reopened, and a returning
family's new case linked to the one before.

Every act goes through the need-to-know check (rule 1) and is audited once done (rule 2).
Break-glass opens a case to read, not to change what it says about the family, so only
the assigned caseworkers and the managers edit, reopen or open a case for a returning
family; a contact is corrected as it is added (as a note is).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

from confide.platform.audit.actions import Action
from confide.platform.casework import queries
from confide.platform.casework.access import (
    CaseNotFound,
    check_access,
    open_case,
    record_act,
)
from confide.platform.casework.records import RecordNotFound, _load, start_case
from confide.platform.casework.schemas import (
    PERSON_FIELDS,
    CaseChange,
    CaseStatus,
    CaseView,
    ChangeView,
    ContactCorrection,
    ContactView,
    FieldChange,
    Grounds,
    NewPerson,
    PersonChange,
    PersonKind,
    RecordKind,
    Reopen,
    ReturningFamily,
    check_case_details,
    check_reason,
)
from confide.platform.casework.search import refresh_search_keys
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.tables import json_list
from confide.platform.identity.schemas import StaffView
from confide.tenants.policy.services import get_policy

NOTHING_CHANGED = "Change at least one detail, or go back without saving"


def shown(value: object) -> str | None:
    """A value as a change's history keeps it: text, a date as YYYY-MM-DD, yes or no."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def differences(current: Mapping[str, object], wanted: Mapping[str, object]) -> list[FieldChange]:
    """The fields whose value changes, in ``wanted``'s order, old and new as kept."""
    return [
        FieldChange(name, shown(current[name]), shown(value))
        for name, value in wanted.items()
        if _normal(current[name]) != _normal(value)
    ]


def _normal(value: object) -> object:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


async def change_person(
    case_id: UUID, person_id: UUID, staff: StaffView, data: PersonChange
) -> ChangeView:
    """Change a person's details (safe-contact preferences too) with a reason: the person
    keeps the new values, a new version keeps the old ones (who, when, why)."""
    errors: dict[str, str] = {}
    check_reason(errors, data.reason, "why the details change")
    access = await check_access(case_id, staff, purpose="change", allow_break_glass=False)
    tenant_id = current_tenant_id()
    current = await queries.person_for_change(tenant_id, case_id, person_id)
    if current is None:
        raise RecordNotFound()
    given = data.given()
    merged = {name: current[name] for name in PERSON_FIELDS} | given
    if current["kind"] != PersonKind.CHILD_OR_YOUNG_PERSON:
        for own in ("date_of_birth", "school_or_setting", "primary_need"):
            if own in given and given[own] != current[own]:
                errors[own] = "Only the child or young person has this detail"
    errors.update(NewPerson(**merged).validate())
    changes = differences(current, given)
    if not changes and not errors:
        errors["changes"] = NOTHING_CHANGED
    if errors:
        raise Invalid(errors)
    await queries.update_person(tenant_id, person_id, {c.field: merged[c.field] for c in changes})
    await refresh_search_keys(person_id)  # a new name or number is found at once
    change_id = await queries.insert_change(
        tenant_id, case_id, RecordKind.PERSON, person_id, changes, data.reason.strip(), staff.id
    )
    await record_act(
        access,
        staff,
        Action.PERSON_CHANGED,
        reason_code="change",
        person_id=person_id,
        change_id=change_id,
        fields=len(changes),
    )
    return await _change(tenant_id, case_id, change_id)


async def change_case(case_id: UUID, staff: StaffView, data: CaseChange) -> ChangeView:
    """Change a case's details (who got in touch, referral, topics, support level) with a
    reason, as a new version; a professional referral still needs the family's consent
    (rule 3)."""
    errors: dict[str, str] = {}
    check_reason(errors, data.reason, "why the details change")
    access = await check_access(case_id, staff, purpose="change", allow_break_glass=False)
    tenant_id = current_tenant_id()
    current = await queries.case_for_change(tenant_id, case_id)
    current["topics"] = json_list(current["topics"])
    given = data.given()
    merged = {**current, **given}
    errors.update(check_case_details(merged, (await get_policy()).topics))
    changes = differences(current, given)
    if not changes and not errors:
        errors["changes"] = NOTHING_CHANGED
    if errors:
        raise Invalid(errors)
    await queries.update_case(tenant_id, case_id, {c.field: merged[c.field] for c in changes})
    change_id = await queries.insert_change(
        tenant_id, case_id, RecordKind.CASE, case_id, changes, data.reason.strip(), staff.id
    )
    await record_act(
        access,
        staff,
        Action.CASE_DETAILS_CHANGED,
        reason_code="change",
        change_id=change_id,
        fields=len(changes),
    )
    return await _change(tenant_id, case_id, change_id)


async def _change(tenant_id: UUID, case_id: UUID, change_id: UUID) -> ChangeView:
    found = await queries.change(tenant_id, change_id)
    if found is None:  # pragma: no cover - just written in this transaction
        raise CaseNotFound()
    return found


async def history(case_id: UUID, staff: StaffView, page: PageRequest) -> Page[ChangeView]:
    """The versions of the case's details and its people's, newest first (an audited read
    of the case: need-to-know, break-glass included)."""
    return (await case_history(case_id, staff, page))[1]


async def case_history(
    case_id: UUID, staff: StaffView, page: PageRequest
) -> tuple[str, Page[ChangeView]]:
    """``history`` and the case's reference (for its page)."""
    access = await open_case(case_id, staff, purpose="history")
    return access.reference, await queries.case_changes(current_tenant_id(), case_id, page)


async def correct_contact(
    case_id: UUID, contact_id: UUID, staff: StaffView, data: ContactCorrection
) -> ContactView:
    """A contact recorded in error: a new version with the reason; the first is kept (the
    contacts table is append-only), as a note is corrected."""
    data.validate()
    access = await check_access(case_id, staff, purpose="record", require_open=True)
    tenant_id = current_tenant_id()
    if data.with_person_id is not None and not await queries.on_case(
        tenant_id, case_id, data.with_person_id
    ):
        raise Invalid({"with_person_id": "Choose someone on this case"})
    await queries.lock_contact(tenant_id, contact_id)
    latest = await queries.latest_contact_version(tenant_id, case_id, contact_id)
    if latest is None:
        raise RecordNotFound()
    version_id = await queries.insert_contact_version(
        tenant_id, case_id, latest, data.as_contact(), data.reason.strip(), staff.id
    )
    await record_act(
        access,
        staff,
        Action.CONTACT_CORRECTED,
        contact_id=contact_id,
        version=latest.version + 1,
    )
    return await queries.contact(tenant_id, version_id)


async def reopen(case_id: UUID, staff: StaffView, data: Reopen) -> CaseView:
    """Reopen a closed case with a reason: the outcome and closing date it had are kept as
    a version of the case's details."""
    data.validate()
    access = await check_access(case_id, staff, purpose="reopen", allow_break_glass=False)
    tenant_id = current_tenant_id()
    current = await queries.case_for_change(tenant_id, case_id)
    if current["status"] != CaseStatus.CLOSED:
        raise Invalid({"case": "This case is open"})
    await queries.reopen_case(tenant_id, case_id)
    changes = differences(
        current, {"status": CaseStatus.OPEN.value, "outcome": None, "closed_on": None}
    )
    change_id = await queries.insert_change(
        tenant_id, case_id, RecordKind.CASE, case_id, changes, data.reason.strip(), staff.id
    )
    await record_act(access, staff, Action.CASE_REOPENED, reason_code="reopen", change_id=change_id)
    return await _load(case_id, access.grounds)


async def open_for_returning_family(
    case_id: UUID, staff: StaffView, data: ReturningFamily
) -> CaseView:
    """A new case for a family who come back after their case closed: the same people,
    linked to the case before (shown on both); the caseworker who opens it is assigned."""
    data.validate((await get_policy()).topics)
    access = await check_access(case_id, staff, purpose="returning", allow_break_glass=False)
    if access.status != CaseStatus.CLOSED:
        raise Invalid({"case": "This case is still open: record the new contact on it"})
    tenant_id = current_tenant_id()
    subject_id, people = await queries.case_people_of(tenant_id, case_id)
    if subject_id is None:
        raise Invalid({"case": "An anonymous enquiry has no family to come back"})
    new_id = await start_case(
        data, subject_id, staff, anonymous=False, parents=len(people), follows=case_id
    )
    await queries.link_people(tenant_id, new_id, people)
    await record_act(access, staff, Action.RETURNING_CASE_OPENED, reason_code="returning",
                     new_case_id=new_id)  # fmt: skip
    grounds = Grounds.MANAGER if access.grounds is Grounds.MANAGER else Grounds.ASSIGNED
    return await _load(new_id, grounds)
