"""Exports (issue 16): asked for by a member of staff, built by a worker step by step (each
step its own transaction, so the page sees the progress), stored sealed with the tenant's
data key (``platform/storage``), downloaded only by whoever asked and the managers, with
need-to-know for the case still holding (rule 29), each download audited, and expired
after the service's number of days by a scheduled job that deletes the file.

A build is run by ``workers/exports.py``: ``start_build``, ``read_for_build`` (the audited
case read, as the person who asked), ``progress`` between the sections, ``finish_build``
(the file stored, then the row ready, once) or ``fail_build``. A worker killed mid-build is
redelivered and starts the same export again from nought; the object's id is the export's,
so a second attempt replaces the first one's file, and only one attempt can mark it ready.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework.access import (
    CaseRestricted,
    check_access,
    is_manager,
    record_act,
    works_cases,
)
from confide.platform.core.db import current_tenant_id
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.exports import bundle, queries
from confide.platform.exports.schemas import (
    BundleView,
    Download,
    ExportFailure,
    ExportKind,
    ExportNotFound,
    ExportNotPermitted,
    ExportNotReady,
    ExportStatus,
    ExportView,
    NewCaseBundle,
)
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.platform.identity.staff import get_staff
from confide.platform.storage.services import ObjectMissing, tenant_files
from confide.tenants.policy.services import get_policy

#: How a new export reaches a worker: ``queue(tenant_id, export_id)``, set once by the
#: app's composition (``platform/app.py``), which may import the workers.
Queue = Callable[[UUID, UUID], None]
_queue: list[Queue] = []

EXPIRED_AT_ONCE = 100
#: Kinds only managers see (one who asked and is no longer a manager does not either).
MANAGERS_ONLY = (ExportKind.SAR_RELEASE, ExportKind.ANNUAL_RETURN)


def set_queue(queue: Queue) -> None:
    _queue[:] = [queue]


def _enqueue(export_id: UUID) -> None:
    if not _queue:
        raise RuntimeError("no export queue: the app's composition sets one")
    _queue[0](current_tenant_id(), export_id)


# Asking, listing, downloading


async def request_case_bundle(case_id: UUID, staff: StaffView, data: NewCaseBundle) -> ExportView:
    """Queue the case bundle for a worker to build. Need-to-know for the case, as for any
    act on it (break-glass opens a case to read on screen, not to take away); audited."""
    data.validate()
    return await _queue_build(ExportKind.CASE_BUNDLE, case_id, staff, data)


async def request_redacted_bundle(case_id: UUID, staff: StaffView, view: BundleView) -> ExportView:
    """Queue a subject access request's redacted bundle (``ExportKind.SAR_RELEASE``) for
    the same worker: the requests domain, which asks for it at approval, gives the worker
    what it is made from. Need-to-know for the case, and audited, as for a case bundle."""
    return await _queue_build(
        ExportKind.SAR_RELEASE, case_id, staff, NewCaseBundle(view=view, include_documents=True)
    )


async def _queue_build(
    kind: ExportKind, case_id: UUID, staff: StaffView, data: NewCaseBundle
) -> ExportView:
    if not works_cases(staff):
        raise ExportNotPermitted("case work is for caseworkers and managers")
    access = await check_access(case_id, staff, purpose="export", allow_break_glass=False)
    export_id = uuid4()
    await queries.insert_export(
        current_tenant_id(), export_id, kind, case_id, data.view, data.include_documents,
        staff.id,
    )  # fmt: skip
    # The reason code names the export's kind (the audit trail says which was asked for),
    # as an annual return's does; the view is in the detail.
    await record_act(
        access, staff, Action.EXPORT_REQUESTED, reason_code=kind.value, export_id=export_id,
        view=data.view.value,
    )  # fmt: skip
    _enqueue(export_id)
    return await _found(export_id)


async def request_annual_return(
    period_kind: str, period_start: date, staff: StaffView
) -> ExportView:
    """Queue a period's annual return (``ExportKind.ANNUAL_RETURN``) for the worker, or the
    one queued or running already (one per period: two requests at once make one). The
    statistics domain, which decides a period is too large to release in a request, checks
    who asks and the period first, and gives the worker what it is made from; audited."""
    tenant_id = current_tenant_id()
    export_id = uuid4()
    for attempt in range(2):
        if await queries.insert_annual_return(
            tenant_id, export_id, period_kind, period_start, staff.id
        ):
            break
        building = await queries.building_annual_return(tenant_id, period_kind, period_start)
        if building is not None:
            return building
        # It finished or failed between the two statements: a failed one leaves the period
        # free, so the insert is tried once more (a finished one was kept: the caller,
        # asked again, shows it).
        if attempt:
            raise ExportNotReady()
    await audit.record(
        Action.EXPORT_REQUESTED, actor_kind="staff", actor_id=staff.id,
        subject_kind="export", subject_id=export_id, reason_code=ExportKind.ANNUAL_RETURN.value,
        detail={"period": period_kind, "year": period_start.year},
    )  # fmt: skip
    _enqueue(export_id)
    return await _found(export_id)


async def building_annual_return(period_kind: str, period_start: date) -> ExportView | None:
    """The period's annual return queued or running, if any (its caller checks who asks)."""
    return await queries.building_annual_return(current_tenant_id(), period_kind, period_start)


async def _found(export_id: UUID) -> ExportView:
    found = await queries.export(current_tenant_id(), export_id)
    if found is None:
        raise ExportNotFound()
    return found


async def list_exports(
    staff: StaffView, page: PageRequest, *, case_id: UUID | None = None
) -> Page[ExportView]:
    """One's own exports, newest first; a manager sees everyone's, subject access releases
    and annual returns too (a caseworker never: they are the managers' work, rules 12 and
    30)."""
    if not works_cases(staff):
        return Page([], total=0, limit=page.limit, offset=page.offset)
    if is_manager(staff):
        return await queries.exports(current_tenant_id(), None, case_id, page)
    return await queries.exports(
        current_tenant_id(), staff.id, case_id, page, without=MANAGERS_ONLY
    )


async def get_export(staff: StaffView, export_id: UUID) -> ExportView:
    """One export, to whoever asked for it and the managers (anyone else: not found; a
    subject access release or an annual return to the managers only)."""
    found = await queries.export(current_tenant_id(), export_id)
    if found is None or not works_cases(staff):
        raise ExportNotFound()
    if is_manager(staff):
        return found
    if found.requested_by != staff.id or found.kind in MANAGERS_ONLY:
        raise ExportNotFound()
    return found


async def download(staff: StaffView, export_id: UUID) -> Download:
    """The export's file, to whoever asked and the managers, while they have need-to-know
    for the case (a refusal is audited); each download audited (rule 29). A subject access
    release is not downloaded here: its copy kept with the request is, from the request
    (``requests.subject_access.download``, audited as the request's)."""
    export = await get_export(staff, export_id)
    if export.kind is not ExportKind.CASE_BUNDLE:
        raise ExportNotFound()
    if export.status is not ExportStatus.READY:
        raise ExportNotReady()
    if export.expires_at is not None and export.expires_at <= datetime.now(UTC):
        raise ExportNotReady()  # expired: the hourly job has not deleted it yet
    if await queries.object_key(current_tenant_id(), export_id) is None:
        raise ExportNotReady()
    if export.case_id is None:
        raise ExportNotFound()
    # A bundle is never taken away under break-glass (rule 29), at the download as at the
    # request.
    access = await check_access(
        export.case_id, staff, purpose="export_download", allow_break_glass=False
    )
    try:
        content = await (await tenant_files()).get(export_id)
    except ObjectMissing:
        raise ExportNotReady() from None
    await record_act(
        access,
        staff,
        Action.EXPORT_DOWNLOADED,
        reason_code=export.view.value,
        export_id=export_id,
        sha256=export.sha256,
    )
    return Download(export, content)


# Building (the worker's steps, each in a transaction of its own)


async def start_build(export_id: UUID, total: int) -> ExportView | None:
    """The export running from nought with ``total`` steps; None when it is finished or
    not (yet) there."""
    return await queries.start(current_tenant_id(), export_id, total)


async def find_export(export_id: UUID) -> ExportView | None:
    """For the worker: the export as it is (no one's view: the worker acts for the asker)."""
    return await queries.export(current_tenant_id(), export_id)


async def read_for_build(export: ExportView, now: datetime) -> bundle.CaseFile:
    """The case as the person who asked may read it now (an audited case read); they
    need-to-know still, and an active account, or ``CaseRestricted``."""
    staff = await get_staff(export.requested_by)
    if staff is None or staff.status is not StaffStatus.ACTIVE or export.case_id is None:
        raise CaseRestricted(export.case_id or export.id)
    return await bundle.read_case_file(
        export.case_id,
        staff,
        export.view,
        include_documents=export.include_documents,
        now=now,
    )


async def progress(export_id: UUID, done: int) -> None:
    await queries.progress(current_tenant_id(), export_id, done)


async def expiry_days() -> int:
    """The service's days an export is kept (a policy setting, default 7)."""
    return (await get_policy()).export_expiry_days


async def finish_build(export_id: UUID, content: bytes) -> bool:
    """Store the file (encrypted) and mark the export ready, once: False when another
    attempt had finished it, and then nothing is stored (a redelivered build never
    overwrites the file a finished export's checksum describes). The export's row is held
    from the check to the end of this transaction, so two attempts finishing at once
    take turns."""
    tenant_id = current_tenant_id()
    if not await queries.hold_running(tenant_id, export_id):
        return False
    files = await tenant_files()
    await files.put(export_id, content)  # sealed with the tenant's data key
    key = files.name(export_id)
    expires = datetime.now(UTC) + timedelta(days=await expiry_days())
    sha = hashlib.sha256(content).hexdigest()
    done = await queries.finish(tenant_id, export_id, key, len(content), sha, expires)
    if done:
        await audit.record(
            Action.EXPORT_BUILT,
            actor_kind="system",
            subject_kind="export",
            subject_id=export_id,
            detail={"bytes": len(content), "sha256": sha},
        )
    return done


async def finish_kept(export_id: UUID) -> bool:
    """Mark a build ready whose result is kept elsewhere, with no file (an annual return:
    its release), once: False when another attempt had finished it. Its caller keeps the
    result in the same transaction, after ``hold_build``."""
    return await queries.finish_kept(current_tenant_id(), export_id)


async def hold_build(export_id: UUID) -> bool:
    """The export's row held to the end of the transaction if it is still being built
    (running); False otherwise: two attempts finishing at once take turns."""
    return await queries.hold_running(current_tenant_id(), export_id)


async def fail_stalled(export_id: UUID, after: timedelta) -> bool:
    """Mark a build failed as stalled if it still is (queued or running, no sign of life
    for ``after``): False when it finished, failed or made progress meanwhile."""
    before = datetime.now(UTC) - after
    return await queries.fail_stalled(
        current_tenant_id(), export_id, ExportFailure.STALLED.value, before
    )


async def fail_build(export_id: UUID, failure: ExportFailure) -> None:
    await queries.fail(current_tenant_id(), export_id, failure.value)


async def stored_objects(case_ids: list[UUID]) -> list[UUID]:
    """Every stored file of these cases' exports (for retention's erasure)."""
    return await queries.objects_of_cases(current_tenant_id(), case_ids)


# Expiry (the scheduled job)


async def expire_due(now: datetime | None = None) -> dict[str, int]:
    """Delete the files of ready exports past their expiry and mark them expired: how many."""
    tenant_id = current_tenant_id()
    moment = now or datetime.now(UTC)
    expired = 0
    while True:
        due = await queries.expired(tenant_id, moment, EXPIRED_AT_ONCE)
        if not due:
            return {"exports_expired": expired}
        files = await tenant_files()
        for export_id, _ in due:
            await files.delete(export_id)
        expired += await queries.mark_expired(tenant_id, [export_id for export_id, _ in due])
