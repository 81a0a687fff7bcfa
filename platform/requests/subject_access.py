"""The subject access workflow (issue 17, rule 30): routing by the young person's age and
capacity, then the bundle built by the export engine in the route's view.

Every step is a manager's named action on an open subject access request, audited as a
request step with its code (ids and codes only). Reading where a request stands reads the
young person's capacity, a case read: audited as one.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4, uuid5

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework.access import (
    CaseNotFound,
    CaseRestricted,
    check_access,
    is_manager,
    open_case,
    record_act,
)
from confide.platform.casework.queries import case_people_of
from confide.platform.consent.capacity import age_on, current_capacity, record_capacity
from confide.platform.consent.queries import case_subject
from confide.platform.consent.schemas import NewCapacityDecision
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.exports import bundle
from confide.platform.exports import services as exports
from confide.platform.exports.schemas import (
    ExportFailure,
    ExportStatus,
    ExportView,
    NewCaseBundle,
)
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.staff import get_staff
from confide.platform.requests import queries, redaction
from confide.platform.requests.routing import Route, WaitsFor, route
from confide.platform.requests.schemas import (
    Relation,
    RequestKind,
    RequestStatus,
    RequestView,
    Stage,
)
from confide.platform.requests.services import RequestNotFound, _managers_only
from confide.platform.requests.subject_access_schemas import (
    REVIEW_PAGE_SIZE,
    Agreement,
    LacksCapacity,
    MarkChange,
    MarkView,
    NewMark,
    Release,
    ReleaseMethod,
    ReviewItem,
    ReviewPage,
    ReviewView,
    SubjectAccessView,
)
from confide.platform.storage.backends import ObjectMissing
from confide.platform.storage.services import tenant_files
from confide.tenants.policy.services import get_policy


async def _request(request_id: UUID, staff: StaffView) -> RequestView:
    """The subject access request, for a manager (anything else: not found)."""
    _managers_only(staff)
    found = await queries.request(current_tenant_id(), request_id, service_today())
    if found is None or found.kind is not RequestKind.SUBJECT_ACCESS or found.case_id is None:
        raise RequestNotFound()
    return found


async def _standing(found: RequestView, staff: StaffView, purpose: str) -> SubjectAccessView:
    assert found.case_id is not None
    await open_case(found.case_id, staff, purpose=purpose)  # the capacity is the case's
    capacity = await current_capacity(found.case_id)
    capacity_age = capacity.capacity_age if capacity else (await get_policy()).capacity_age
    has = capacity.has_capacity if capacity else None
    row = await queries.subject_access(current_tenant_id(), found.id) or {}
    young_person, _ = await case_people_of(current_tenant_id(), found.case_id)
    about = young_person is not None and row.get("subject_person_id") == young_person
    own = found.relation is Relation.SELF and about
    # Someone else's request goes on a "no" only when it is the manager's decision recorded
    # for this request (record_lacks_capacity), still the latest: anyone else's judgement
    # leaves the presumption by age standing.
    decision = capacity.decision if capacity is not None else None
    if (
        not own
        and has is False
        and decision is not None
        and decision.id != row.get("capacity_decision_id")
    ):
        assert capacity is not None
        has = None if capacity.age is None else capacity.age >= capacity_age
    routing = route(found.relation, has, row.get("agreed_on") is not None, about_young_person=about)
    export_id = row.get("export_id")
    export = await exports.find_export(export_id) if export_id else None
    release_export_id = row.get("release_export_id")
    built = await exports.find_export(release_export_id) if release_export_id else None
    identity = found.stage is not Stage.AWAITING_IDENTITY
    return SubjectAccessView(
        request_id=found.id,
        route=routing.route,
        waits_for=routing.waits_for,
        proceeds=routing.proceeds,
        view=routing.view,
        age=capacity.age if capacity else None,
        capacity_age=capacity_age,
        has_capacity=has,
        agreed_on=row.get("agreed_on"),
        agreement_evidence=row.get("agreement_evidence") or "",
        identity_confirmed=identity,
        export_id=export_id,
        export_status=export.status if export else None,
        can_build=routing.proceeds and identity and found.status is RequestStatus.OPEN,
        original_kept=row.get("original_id") is not None,
        marks=len(await queries.redactions(current_tenant_id(), found.id)),
        approved_at=row.get("approved_at"),
        release_export_id=release_export_id,
        release_export=built,
        release_ready=row.get("released_id") is not None,
        released_sha256=row.get("released_sha256"),
        released_at=row.get("released_at"),
        release_method=ReleaseMethod(row["release_method"]) if row.get("release_method") else None,
        release_stalled=built is not None
        and row.get("released_id") is None
        and built.stalled(RELEASE_STALLED_AFTER, datetime.now(UTC)),
    )


async def subject_access(request_id: UUID, staff: StaffView) -> SubjectAccessView:
    """Where a subject access request stands (an audited read of the case's capacity)."""
    found = await _request(request_id, staff)
    return await _standing(found, staff, "subject_access")


async def _audit_step(staff: StaffView, found: RequestView, code: str, **ids: Any) -> None:
    await audit.record(
        Action.REQUEST_STEP,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="information_request",
        subject_id=found.id,
        reason_code=code,
        detail={"request_id": found.id, "case_id": found.case_id, **ids},
    )


async def _open(request_id: UUID, staff: StaffView) -> RequestView:
    """The request for a step: open, its row locked (two steps apply one after another)
    and read once locked, so its status is the one the step goes on."""
    _managers_only(staff)
    await queries.lock_request(current_tenant_id(), request_id)
    found = await _request(request_id, staff)
    if found.status is not RequestStatus.OPEN:
        raise Invalid({"request": "This request is closed"})
    return found


async def record_agreement(
    request_id: UUID, staff: StaffView, data: Agreement
) -> SubjectAccessView:
    """The young person's agreement to a request made about them by someone else."""
    found = await _open(request_id, staff)
    data.validate(service_today())
    if data.agreed_on < found.received_on:
        raise Invalid({"agreed_on": "The date they agreed must be on or after the date received"})
    if (await _standing(found, staff, "subject_access")).route is Route.OWN:
        raise Invalid({"agreed_on": "This is the young person's own request"})
    if (await _row(found)).get("agreed_on") is not None:
        raise Invalid({"agreed_on": "Their agreement is recorded already"})
    await queries.set_subject_access(
        current_tenant_id(),
        request_id,
        {"agreed_on": data.agreed_on, "agreement_evidence": data.evidence.strip(),
         "agreed_by": staff.id},
    )  # fmt: skip
    await _audit_step(staff, found, "sar_agreement")
    return await _standing(found, staff, "subject_access")


async def record_lacks_capacity(
    request_id: UUID, staff: StaffView, data: LacksCapacity
) -> SubjectAccessView:
    """A manager's judgement that the young person cannot decide for themselves, kept on
    the case's one capacity record (``consent/capacity``): a request made for them then
    proceeds with the parent's view."""
    found = await _open(request_id, staff)
    data.validate(service_today())
    assert found.case_id is not None
    if data.judged_on < found.received_on:
        raise Invalid({"judged_on": "The date it was judged must be on or after the date received"})
    if (await _row(found)).get("capacity_decision_id") is not None:
        raise Invalid({"judged_on": "A decision is recorded already for this request"})
    subject = await case_subject(current_tenant_id(), found.case_id)
    capacity_age = (await get_policy()).capacity_age
    if (
        subject is not None
        and subject[1] is not None
        and (age_on(subject[1], data.judged_on) < capacity_age)
    ):
        raise Invalid({"judged_on": (
                f"They were under {capacity_age} on that date, so presumed unable to decide"
                " already: judge it on or after the day they reached that age"
            )})  # fmt: skip
    decision = NewCapacityDecision(has_capacity=False, judged_on=data.judged_on, note=data.note)
    view = await record_capacity(found.case_id, staff, decision)
    [decision_id] = [d.id for d in view.decisions[:1]]  # newest first: the one just recorded
    await queries.set_subject_access(
        current_tenant_id(), request_id, {"capacity_decision_id": decision_id}
    )
    await _audit_step(staff, found, "sar_no_capacity", decision_id=decision_id)
    return await _standing(found, staff, "subject_access")


async def build_bundle(request_id: UUID, staff: StaffView) -> SubjectAccessView:
    """The bundle for the request, built by the export engine's worker in the route's view
    (a parent's view for anyone but the young person themselves, rule 15) and linked to
    the request. Only once the request proceeds and the requester's identity is confirmed."""
    found = await _open(request_id, staff)
    standing = await _standing(found, staff, "subject_access")
    if not standing.proceeds:
        raise Invalid({"bundle": "The request waits: record what it waits for first"})
    if not standing.identity_confirmed:
        raise Invalid({"bundle": "Confirm the requester's identity first"})
    assert found.case_id is not None
    export = await exports.request_case_bundle(
        found.case_id, staff, NewCaseBundle(view=standing.view, include_documents=True)
    )
    await queries.set_subject_access(current_tenant_id(), request_id, {"export_id": export.id})
    await _audit_step(staff, found, "sar_bundle", export_id=export.id)
    return await _standing(found, staff, "subject_access")


# The redaction review (rule 30): the original kept, marks, approval, the release.


async def _row(found: RequestView) -> dict[str, Any]:
    return await queries.subject_access(current_tenant_id(), found.id) or {}


@asynccontextmanager
async def _kept_only_if_recorded(files: Any, object_id: UUID) -> AsyncIterator[None]:
    """A sealed file written before its row: deleted again if recording it fails (the
    transaction then rolls back and nothing would name it)."""
    try:
        yield
    except BaseException:
        await files.delete(object_id)
        raise


def _copy_id(request_id: UUID, which: str, export_id: UUID) -> UUID:
    """The id a copy kept with the request is stored under, derived from the request and
    the export it is copied from: an attempt that stored it and then died before its
    transaction committed is overwritten by the next, never left behind as an unnamed file
    of personal data. (The request's row lock, or the export's, lets one attempt at a time
    write it.)"""
    return uuid5(request_id, f"sar_{which}:{export_id}")


async def start_review(request_id: UUID, staff: StaffView) -> SubjectAccessView:
    """Keep the built bundle with the request as the unredacted original (a copy of the
    export's file under an id derived from both: the export itself expires), so the review can
    begin. Once only."""
    found = await _open(request_id, staff)
    row = await _row(found)
    if row.get("original_id") is not None:
        raise Invalid({"review": "The original is kept already"})
    export_id = row.get("export_id")
    export = await exports.find_export(export_id) if export_id else None
    if export is None or export.status is not ExportStatus.READY:
        raise Invalid({"review": "Build the bundle first, and wait until it is ready"})
    expired = Invalid({"review": "The built bundle has expired: build it again"})
    if export.expires_at is not None and export.expires_at <= datetime.now(UTC):
        raise expired
    files = await tenant_files()
    try:
        content = await files.get(export.id)
    except ObjectMissing:
        raise expired from None
    original_id = _copy_id(request_id, "original", export.id)
    await files.put(original_id, content)  # sealed with the tenant's data key
    async with _kept_only_if_recorded(files, original_id):
        await queries.set_subject_access(
            current_tenant_id(), request_id, {"original_id": original_id}
        )
        await _audit_step(staff, found, "sar_original_kept", export_id=export.id)
    return await _standing(found, staff, "subject_access")


async def _original(found: RequestView, staff: StaffView) -> tuple[dict[str, Any], bytes]:
    """The kept original's bytes: reading them is a read of the case file (audited)."""
    row = await _row(found)
    if row.get("original_id") is None:
        raise Invalid({"review": "Start the redaction review first"})
    assert found.case_id is not None
    await open_case(found.case_id, staff, purpose="subject_access_review")
    return row, await (await tenant_files()).get(row["original_id"])


def _marks(rows: list[dict[str, Any]]) -> list[MarkView]:
    return [
        MarkView(r["id"], redaction.ItemKind(r["kind"]), r["item"], r["range_start"],
                 r["range_end"], r["marked_at"])
        for r in rows
    ]  # fmt: skip


async def review(request_id: UUID, staff: StaffView) -> ReviewView:
    """What the kept original holds, item by item, and the marks standing."""
    found = await _request(request_id, staff)
    row, content = await _original(found, staff)
    marks = _marks(await queries.redactions(current_tenant_id(), request_id))
    whole = {(m.kind, m.item) for m in marks if m.start is None}
    items = [
        ReviewItem(i.kind, i.item, i.label, i.text, (i.kind, i.item) in whole)
        for i in redaction.items(redaction.read_original(content))
    ]
    return ReviewView(request_id, items, marks, row.get("approved_at") is not None)


def review_page(review: ReviewView, number: int) -> ReviewPage:
    """The review's ``number``-th page of items (a page past the last: the last), as its
    page shows it and the API serves it: a long case file is never sent whole."""
    total = len(review.items)
    pages = Page([], total, REVIEW_PAGE_SIZE, 0).page_count
    number = min(number, pages)
    at = PageRequest.numbered(number, REVIEW_PAGE_SIZE)
    return ReviewPage(
        review.request_id,
        review.items[at.offset : at.offset + at.limit],
        review.marks,
        review.approved,
        total,
        number,
        pages,
    )


async def _changed(request_id: UUID, row: dict[str, Any], *, removed: bool) -> MarkChange:
    """The one mark changed and the marks standing after it (never the review's items: a
    long case file is read a page at a time)."""
    [mark] = _marks([row])
    standing = len(await queries.redactions(current_tenant_id(), request_id))
    return MarkChange(request_id, mark, removed, standing)


async def mark(request_id: UUID, staff: StaffView, data: NewMark) -> MarkChange:
    """Mark an item, or a range of a note's text, for redaction (before approval): the mark
    made and the marks standing."""
    data.validate()
    found = await _open(request_id, staff)
    row, content = await _original(found, staff)
    if row.get("approved_at") is not None:
        raise Invalid({"item": "The release is approved: nothing more can be marked"})
    items = {(i.kind, i.item): i for i in redaction.items(redaction.read_original(content))}
    item = items.get((data.kind, data.item))
    if item is None:
        raise Invalid({"item": "Choose something the bundle holds"})
    if data.end is not None and data.end > len(item.text):
        raise Invalid({"end": f"The note has {len(item.text)} characters"})
    mark_id = uuid4()
    made = await queries.insert_redaction(
        current_tenant_id(), mark_id, request_id, data.kind.value, data.item,
        data.start, data.end, staff.id,
    )  # fmt: skip
    await _audit_step(staff, found, "sar_redaction_marked", mark_id=mark_id, kind=data.kind.value)
    return await _changed(request_id, made, removed=False)


async def unmark(request_id: UUID, staff: StaffView, mark_id: UUID) -> MarkChange:
    """Take a mark back (before approval): the mark taken back and the marks standing."""
    found = await _open(request_id, staff)
    if (await _row(found)).get("approved_at") is not None:
        raise Invalid({"mark": "The release is approved: its marks stand"})
    taken = await queries.remove_redaction(current_tenant_id(), request_id, mark_id, staff.id)
    if taken is None:
        raise Invalid({"mark": "No such mark on this request"})
    await _audit_step(staff, found, "sar_redaction_removed", mark_id=mark_id)
    return await _changed(request_id, taken, removed=True)


#: What to do when a step finds the request waiting again (the young person has reached
#: the capacity age since, say): the records that let it go on, each on the request's page.
_WAITS_AGAIN = {
    WaitsFor.AGREEMENT: "The young person can now decide for themselves (they have reached"
    " the capacity age): record their agreement to this request, or a manager's decision"
    " that they lack capacity, then do this again",
    WaitsFor.CAPACITY: "Record a judgement that the young person can decide for themselves,"
    " then do this again",
    WaitsFor.AGREEMENT_OR_CAPACITY: "Record the young person's agreement to this request, or"
    " a manager's decision that they lack capacity, then do this again",
}


async def _still_proceeds(found: RequestView, staff: StaffView, field: str) -> SubjectAccessView:
    """The route worked out again (the young person may have reached the capacity age, or
    a judgement changed, since the bundle was built): the step goes on only if it still
    proceeds, in the view the bundle was built in."""
    standing = await _standing(found, staff, "subject_access")
    if not standing.proceeds:
        raise Invalid({field: _WAITS_AGAIN[standing.waits_for or WaitsFor.AGREEMENT]})
    export = await exports.find_export(standing.export_id) if standing.export_id else None
    if export is not None and export.view is not standing.view:
        raise Invalid({field: "The bundle was built in another view: build it again"})
    return standing


async def approve(request_id: UUID, staff: StaffView) -> SubjectAccessView:
    """Approve the release: the decision is recorded (the marks stand from now on) and the
    redacted bundle is queued for the export worker, which makes it from the kept original
    and the marks (burned into the PDF, removed from the JSON and the documents) and keeps
    a copy with the request (``finish_release``). It can be released once that is ready."""
    found = await _open(request_id, staff)
    standing = await _still_proceeds(found, staff, "approve")
    row = await _row(found)
    if row.get("original_id") is None:
        raise Invalid({"approve": "Start the redaction review first"})
    if row.get("approved_at") is not None:
        raise Invalid({"approve": "The release is approved already"})
    assert found.case_id is not None
    export = await exports.request_redacted_bundle(found.case_id, staff, standing.view)
    marks = len(await queries.redactions(current_tenant_id(), request_id))
    await queries.set_subject_access(
        current_tenant_id(), request_id,
        {"release_export_id": export.id, "approved_by": staff.id,
         "approved_at": datetime.now(UTC)},
    )  # fmt: skip
    await _audit_step(staff, found, "sar_approved", marks=marks, export_id=export.id)
    return await _standing(found, staff, "subject_access")


#: How long an approved release's redacted bundle may sit queued or running with no attempt
#: begun before it may be asked for again. A build takes seconds to minutes, and the task's
#: retries give up within about ten (``CONFIDE_TASK_MAX_RETRIES``, backoff capped at
#: ``CONFIDE_TASK_RETRY_BACKOFF_MAX``), marking it failed when they can; this is for a
#: task the broker lost, or an outage that also kept the failure from being recorded.
RELEASE_STALLED_AFTER = timedelta(minutes=30)


async def rebuild_release(request_id: UUID, staff: StaffView) -> SubjectAccessView:
    """Ask the worker again for an approved release's redacted bundle whose build failed,
    or stalled (``RELEASE_STALLED_AFTER``: that export is marked failed, so a worker that
    still finishes it keeps nothing with the request). The approval and the marks stand."""
    found = await _open(request_id, staff)
    standing = await _still_proceeds(found, staff, "approve")
    row = await _row(found)
    if row.get("approved_at") is None or row.get("released_id") is not None:
        raise Invalid({"approve": "There is no failed redacted bundle to build again"})
    current = standing.release_export
    stalled = standing.release_stalled
    if current is None or (current.status is not ExportStatus.FAILED and not stalled):
        raise Invalid({"approve": "The redacted bundle is being built: wait until it is ready"})
    assert found.case_id is not None
    if stalled:
        await exports.fail_build(current.id, ExportFailure.STALLED)
    export = await exports.request_redacted_bundle(found.case_id, staff, standing.view)
    await queries.set_subject_access(
        current_tenant_id(), request_id, {"release_export_id": export.id}
    )
    await _audit_step(staff, found, "sar_release_rebuilt", export_id=export.id)
    return await _standing(found, staff, "subject_access")


# The export worker's side of the release (``workers/exports.py``): what the redacted
# bundle is made from, and its copy kept with the request once built.


async def release_case_file(export: ExportView) -> bundle.CaseFile:
    """The redacted bundle's record, for the worker building ``export`` (a release's): the
    kept original with the request's marks applied, read as the manager who approved it
    (an audited case read; they must still be an active manager with need-to-know, or
    ``CaseRestricted``)."""
    row = await queries.subject_access_of_release(current_tenant_id(), export.id)
    if row is None or export.case_id is None or row.get("original_id") is None:
        raise CaseNotFound()
    staff = await get_staff(export.requested_by)
    if staff is None or not is_manager(staff):  # an active manager
        raise CaseRestricted(export.case_id)
    content = await (await tenant_files()).get(row["original_id"])
    await open_case(export.case_id, staff, purpose="subject_access_release")
    marks = [
        redaction.Mark(m.kind, m.item, m.start, m.end)
        for m in _marks(await queries.redactions(current_tenant_id(), row["request_id"]))
    ]
    return redaction.case_file(redaction.redact(redaction.read_original(content), marks))


async def finish_release(export_id: UUID, content: bytes) -> bool:
    """The built redacted bundle: the export finished (``exports.finish_build``, once) and
    a copy kept with the request under an id derived from both (the export's file expires), its
    checksum recorded. False when another attempt had finished it: nothing is kept twice."""
    if not await exports.finish_build(export_id, content):
        return False
    row = await queries.subject_access_of_release(current_tenant_id(), export_id)
    if row is None or row.get("released_id") is not None:
        return True  # the request is gone (erased), or kept already
    files = await tenant_files()
    released_id = _copy_id(row["request_id"], "released", export_id)
    await files.put(released_id, content)  # sealed with the tenant's data key
    sha = hashlib.sha256(content).hexdigest()
    async with _kept_only_if_recorded(files, released_id):
        await queries.set_subject_access(
            current_tenant_id(), row["request_id"],
            {"released_id": released_id, "released_sha256": sha},
        )  # fmt: skip
        await audit.record(
            Action.REQUEST_STEP,
            actor_kind="system",
            subject_kind="information_request",
            subject_id=row["request_id"],
            reason_code="sar_release_built",
            detail={"request_id": row["request_id"], "export_id": export_id, "sha256": sha},
        )
    return True


async def release(request_id: UUID, staff: StaffView, data: Release) -> SubjectAccessView:
    """Record the approved bundle's release: when, how, by whom (what: its checksum)."""
    found = await _open(request_id, staff)
    await _still_proceeds(found, staff, "method")
    row = await _row(found)
    if row.get("approved_at") is None:
        raise Invalid({"method": "Approve the release first"})
    if row.get("released_id") is None:
        raise Invalid({"method": "Wait until the redacted bundle is ready"})
    if row.get("released_at") is not None:
        raise Invalid({"method": "It is released already"})
    await queries.set_subject_access(
        current_tenant_id(), request_id,
        {"released_by": staff.id, "released_at": datetime.now(UTC),
         "release_method": data.method.value},
    )  # fmt: skip
    await _audit_step(
        staff, found, "sar_released", method=data.method.value, sha256=row["released_sha256"]
    )
    return await _standing(found, staff, "subject_access")


async def download(request_id: UUID, staff: StaffView, which: str) -> tuple[str, bytes]:
    """The kept original or the released bundle, to a manager with need-to-know for the
    case (never by break-glass), each download audited: its file name (ids only) and bytes."""
    found = await _request(request_id, staff)
    row = await _row(found)
    object_id = row.get("original_id" if which == "original" else "released_id")
    if object_id is None:
        raise RequestNotFound()
    assert found.case_id is not None
    access = await check_access(
        found.case_id, staff, purpose="subject_access_download", allow_break_glass=False
    )
    content = await (await tenant_files()).get(object_id)
    await record_act(
        access, staff, Action.EXPORT_DOWNLOADED, reason_code=f"sar_{which}",
        request_id=request_id,
    )  # fmt: skip
    name = f"subject-access-{found.case_reference}-{which}-{str(request_id)[:8]}.zip"
    return name, content
