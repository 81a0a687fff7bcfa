"""Exports built by workers (issue 16): the case bundle task (a subject access release's
redacted bundle too, issue 17; a large period's annual return too, issue 18), and the
daily job that deletes expired export files (``platform/exports``).

The build runs step by step, each step in a transaction of its own for the export's tenant
(``run_for_tenant``, the one place a task sets its tenant), so the page sees its progress:
start (queued to running, from nought), the audited case read as the person who asked, the
PDF's sections with the progress after each, the JSON and the ZIP, then the file stored and
the export ready. A failure marks it failed with its kind and is logged by type (an
outage that outlasts the retries too, when they give up: ``unavailable``); a worker
killed mid-build is redelivered (late acknowledgement, ``task_reject_on_worker_lost``) and
builds it again from nought, and only one attempt marks it ready.

An annual return (``statistics.services``) runs the same way in its own steps: start (the
asker still an active manager, the period still releasable, not released meanwhile), the
period's figures, the disclosure control and the CSV and workbook (both outside a
transaction: pure), each followed by its progress, then the release kept and audited with
the export ready in one transaction.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from celery import Task

from confide.platform.casework.access import CaseNotFound, CaseRestricted
from confide.platform.core.errors import Invalid
from confide.platform.core.logs import get_logger
from confide.platform.core.outages import outage_of
from confide.platform.exports import bundle
from confide.platform.exports import services as exports
from confide.platform.exports.schemas import ExportFailure, ExportKind, ExportStatus
from confide.platform.requests import subject_access
from confide.platform.statistics import services as statistics
from confide.platform.statistics.schemas import ReleaseBuild
from confide.workers.celery_app import celery_app
from confide.workers.jobs import Run, scheduled_job
from confide.workers.retries import failure_kind, with_retries
from confide.workers.tenant_task import run_for_tenant

log = get_logger("confide.tasks")

#: A task queued by a request runs before that request commits at times: it waits for the
#: export to be there, so many times, a second apart.
NOT_THERE_RETRIES = 20


class _NotThereYet(Exception):
    """The export's row is not visible yet (its request has not committed)."""


async def _build(tenant_id: str, export_id: UUID) -> str:
    """Build one export; what became of it (for the log and the tests)."""
    found = await run_for_tenant(tenant_id, exports.find_export, export_id)
    if found is None:
        raise _NotThereYet()
    if found.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return found.status.value  # built (or failed, or expired) already: nothing again
    if found.kind is ExportKind.ANNUAL_RETURN:
        return await _build_annual_return(tenant_id, export_id)
    case_file = await run_for_tenant(tenant_id, _start, export_id, datetime.now(UTC))
    if not isinstance(case_file, bundle.CaseFile):
        return case_file or "gone"
    steps = bundle.build(case_file)
    while True:  # a section at a time, its progress committed after each
        try:
            done = next(steps)
        except StopIteration as built:
            content: bytes = built.value
            break
        await run_for_tenant(tenant_id, exports.progress, export_id, done)
    # A subject access release's bundle is also kept with its request, in the same
    # transaction as the export's finish.
    finish = (
        subject_access.finish_release
        if found.kind is ExportKind.SAR_RELEASE
        else exports.finish_build
    )
    ready = await run_for_tenant(tenant_id, finish, export_id, content)
    return ExportStatus.READY.value if ready else "already_ready"


async def _build_annual_return(tenant_id: str, export_id: UUID) -> str:
    """A period's annual return, step by step, its progress committed after each."""
    build = await run_for_tenant(tenant_id, statistics.start_build, export_id)
    if not isinstance(build, ReleaseBuild):
        return _failed(build) if isinstance(build, ExportFailure) else build or "gone"
    figures = await run_for_tenant(tenant_id, statistics.build_figures, build)
    if figures is None:
        return "gone"  # the tenant was suspended meanwhile
    annual = statistics.protected(build.period, figures, build.policy)
    await run_for_tenant(tenant_id, exports.progress, export_id, 2)
    files = statistics.return_files(annual)
    await run_for_tenant(tenant_id, exports.progress, export_id, 3)
    try:
        done = await run_for_tenant(
            tenant_id, statistics.finish_build, build, figures, annual, files
        )
    except Invalid:  # the service's kind of year changed meanwhile: nothing was kept
        failure = ExportFailure.NOT_RELEASABLE
        await run_for_tenant(tenant_id, exports.fail_build, export_id, failure)
        return _failed(failure)
    if done is None:
        return "gone"  # the tenant was suspended meanwhile: nothing kept, as at the start
    if isinstance(done, ExportFailure):
        return _failed(done)
    return ExportStatus.READY.value if done else "already_ready"


def _failed(failure: ExportFailure) -> str:
    """A build marked failed with ``failure``: logged by its kind, and the outcome."""
    log.warning("export_failed", failure=failure.value)
    return ExportStatus.FAILED.value


async def _start(export_id: UUID, now: datetime) -> bundle.CaseFile | str | None:
    """Start the export and read what it is made from, in one transaction: a refusal
    (audited by the read) marks the export failed in the same transaction, so both are
    kept. A case bundle is the case file as the asker may read it now; a subject access
    release is the request's kept original with its marks applied."""
    started = await exports.start_build(export_id, bundle.STEPS)
    if started is None:
        return None
    try:
        if started.kind is ExportKind.SAR_RELEASE:
            return await subject_access.release_case_file(started)
        return await exports.read_for_build(started, now)
    except (CaseRestricted, CaseNotFound):
        await exports.fail_build(export_id, ExportFailure.CASE_NOT_READABLE)
        return _failed(ExportFailure.CASE_NOT_READABLE)


@celery_app.task(name="confide.exports.build", bind=True, acks_late=True)
def build_export(self: Task[Any, Any], tenant_id: str, export_id: str) -> str | None:
    """Build the export ``export_id`` of ``tenant_id`` (queued by ``exports.request_*``)."""

    def attempt() -> str | None:
        try:
            return asyncio.run(_run(tenant_id, UUID(export_id)))
        except _NotThereYet:
            if self.request.retries < NOT_THERE_RETRIES:
                raise self.retry(countdown=1, max_retries=NOT_THERE_RETRIES) from None
            log.warning("export_not_found")
            return None

    def gave_up(error: BaseException) -> None:
        # Nothing else would move the export on: mark it failed where its page (and a
        # subject access release's request) shows it, so it can be asked for again.
        failure = ExportFailure.UNAVAILABLE if outage_of(error) else ExportFailure.ERROR
        log.error("export_failed", failure=failure.value, error=failure_kind(error))
        asyncio.run(run_for_tenant(tenant_id, exports.fail_build, UUID(export_id), failure))

    return with_retries(self, attempt, tenant_id, on_give_up=gave_up)


async def _run(tenant_id: str, export_id: UUID) -> str:
    try:
        outcome = await _build(tenant_id, export_id)
    except _NotThereYet:
        raise
    except Exception as error:
        if outage_of(error) is not None:
            raise  # retried by ``with_retries``: the build starts again from nought
        log.error("export_failed", failure=ExportFailure.ERROR.value, error=failure_kind(error))
        await run_for_tenant(tenant_id, exports.fail_build, export_id, ExportFailure.ERROR)
        return ExportStatus.FAILED.value
    # What the attempt came to, in a word: ready, failed, gone, already_ready or a status.
    log.info("export_build_done", outcome=outcome)
    return outcome


@scheduled_job("exports.expire", every=timedelta(hours=1))
async def expire_exports_job(run: Run) -> dict[str, int]:
    """Delete the files of exports past their expiry; mark them expired."""
    return await exports.expire_due()


#: ``expire_exports.delay(tenant_id, period)``: one tenant's, for a period.
expire_exports = expire_exports_job.task
