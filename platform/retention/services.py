"""Retention (rule 14): a case is kept until the later of the tenant's years after its last
contact or closure and the child's birthday (``tenants/policy``: ``retention_years``,
``retention_birthday``), then erased unless a legal hold is on it.

What is due is decided inside the database (``app_retention_due``), and the erasure is
done there (``app_retention_erase``), which checks again itself: the application role
cannot delete from the append-only case record, and the door it is given takes nothing on
trust from its caller. Here: legal holds, the dry run the tenant admin confirms once, and
the sweep in batches, one audit entry (ids only) per erased case.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework.access import NotPermitted, is_manager
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Conflict, NotFound
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.documents import services as documents
from confide.platform.exports import services as exports
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.platform.retention import queries
from confide.platform.retention.schemas import DryRun, DueCase, HeldCase, HoldView, NewHold
from confide.platform.storage.services import tenant_files
from confide.tenants.roles import StaffRole

#: Cases erased per call of the database's door: memory stays flat whatever the total.
BATCH = 500


class RetentionCaseNotFound(NotFound):
    """No such case here (another tenant's is the same)."""


def _manager(staff: StaffView) -> None:
    if not is_manager(staff):
        raise NotPermitted("legal holds are placed and lifted by managers")


def _admin(staff: StaffView) -> None:
    if staff.status is not StaffStatus.ACTIVE or not staff.has(StaffRole.TENANT_ADMIN):
        raise NotPermitted("the retention sweep is the tenant admin's")


async def place_hold(case_id: UUID, data: NewHold, staff: StaffView) -> HoldView:
    """Put a case on legal hold: it is not erased until the hold is lifted."""
    _manager(staff)
    data.validate()
    tenant_id = current_tenant_id()
    if not await queries.case_exists(tenant_id, case_id):
        raise RetentionCaseNotFound()
    if await queries.open_hold(tenant_id, case_id) is not None:
        raise Conflict("already_on_hold")
    hold_id = uuid4()
    await queries.insert_hold(tenant_id, hold_id, case_id, data.reason.strip(), staff.id)
    await audit.record(
        Action.LEGAL_HOLD_PLACED, actor_kind="staff", actor_id=staff.id, subject_kind="case",
        subject_id=case_id, detail={"hold_id": hold_id},
    )  # fmt: skip
    hold = await queries.open_hold(tenant_id, case_id)
    assert hold is not None
    return hold


async def lift_hold(case_id: UUID, staff: StaffView) -> HoldView:
    """Lift a case's legal hold (who and when kept); it is erased when next due."""
    _manager(staff)
    tenant_id = current_tenant_id()
    if not await queries.case_exists(tenant_id, case_id):
        raise RetentionCaseNotFound()
    hold = await queries.open_hold(tenant_id, case_id)
    if hold is None:
        raise Conflict("not_on_hold")
    await queries.lift_hold(tenant_id, hold.id, staff.id)
    await audit.record(
        Action.LEGAL_HOLD_LIFTED, actor_kind="staff", actor_id=staff.id, subject_kind="case",
        subject_id=case_id, detail={"hold_id": hold.id},
    )  # fmt: skip
    page = await queries.holds_of(tenant_id, case_id, PageRequest(1, 0))
    return page.items[0]


async def list_holds(case_id: UUID, staff: StaffView, page: PageRequest) -> Page[HoldView]:
    """A case's legal holds, newest first (managers)."""
    _manager(staff)
    tenant_id = current_tenant_id()
    if not await queries.case_exists(tenant_id, case_id):
        raise RetentionCaseNotFound()
    return await queries.holds_of(tenant_id, case_id, page)


async def current_hold(case_id: UUID, staff: StaffView) -> HoldView | None:
    """The case's legal hold now, if it has one (managers)."""
    _manager(staff)
    tenant_id = current_tenant_id()
    if not await queries.case_exists(tenant_id, case_id):
        raise RetentionCaseNotFound()
    return await queries.open_hold(tenant_id, case_id)


async def held_cases(staff: StaffView, page: PageRequest) -> Page[HeldCase]:
    """Every case on legal hold now, the longest held first (managers; references only)."""
    _manager(staff)
    return await queries.open_holds(current_tenant_id(), page)


async def dry_run(staff: StaffView) -> DryRun:
    """What a sweep would erase today, by the rule that decided, and whether the admin
    has confirmed the sweep under the retention settings now in force."""
    _admin(staff)
    by_rule = await queries.due_by_rule()
    confirmed_at, last_confirmed_at = await queries.confirmation()
    return DryRun(
        total=sum(by_rule.values()),
        by_rule=by_rule,
        confirmed_at=confirmed_at,
        last_confirmed_at=last_confirmed_at,
    )


async def due_cases(staff: StaffView, page: PageRequest) -> Page[DueCase]:
    """The dry run's list: the cases a sweep would erase today (references and dates)."""
    _admin(staff)
    return await queries.due_page(page)


async def confirm(staff: StaffView) -> DryRun:
    """The tenant admin, having seen the dry run, lets the sweep run under the retention
    settings now in force; from then on it runs on schedule, until they change."""
    _admin(staff)
    confirmed_at, _ = await queries.confirmation()
    if confirmed_at is not None:
        raise Conflict("already_confirmed")
    by_rule = await queries.due_by_rule()
    await queries.insert_confirmation(staff.id, sum(by_rule.values()))
    await audit.record(
        Action.RETENTION_CONFIRMED, actor_kind="staff", actor_id=staff.id,
        detail={"cases_due": sum(by_rule.values())},
    )  # fmt: skip
    return await dry_run(staff)


async def _remove_files(object_ids: list[UUID]) -> None:
    if not object_ids:
        return
    files = await tenant_files()
    for object_id in object_ids:
        await files.delete(object_id)


async def sweep() -> dict[str, int]:
    """Erase every case past retention and not on hold, in batches; nothing before the
    tenant admin has confirmed. Counts only (the job's run record)."""
    confirmed_at, _ = await queries.confirmation()
    if confirmed_at is None:
        return {"erased": 0, "not_confirmed": 1}
    erased = 0
    after: UUID | None = None
    while batch := await queries.due_batch(after, BATCH):
        after = batch[-1].case_id
        ids = [c.case_id for c in batch]
        stored = [
            *await documents.stored_objects(ids),
            *await exports.stored_objects(ids),
            *await queries.request_objects(current_tenant_id(), ids),  # rule 30's kept files
            *await queries.request_document_objects(current_tenant_id(), ids),
        ]
        done = await queries.erase(ids)
        if done != len(ids):  # the same rule in the same transaction: never, short of a bug
            raise RuntimeError("the database erased other cases than it found due")
        # The stored files of their documents, exports and subject access requests (rule
        # 30) go with their rows, before the commit: a removal that fails rolls the batch
        # back, and the next run erases those cases again (removing an object already gone
        # is nothing).
        await _remove_files(stored)
        await audit.record_many(
            [
                audit.entry(
                    Action.CASE_ERASED,
                    actor_kind="system",
                    subject_kind="case",
                    subject_id=case.case_id,
                    grounds="retention",
                    reason_code=case.rule.value,
                )
                for case in batch
            ]
        )
        erased += done
    return {"erased": erased, "not_confirmed": 0}
