"""Audit checkpoints: every tenant's chain head signed each period, fanned out by beat.

Unlike ``tenant_task`` bodies, a checkpoint is made for a suspended tenant too:
its records are kept while it is suspended, and a pause in its checkpoints would
read as checkpoints deleted. The body still runs in ``tenant_transaction``, the
one place a tenant is set.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from celery import Task

from confide.platform.audit.checkpoints import make_checkpoint
from confide.platform.core.clock import period_start
from confide.platform.core.db import tenant_transaction
from confide.platform.core.logs import add_context, get_logger
from confide.platform.core.settings import get_settings
from confide.tenants.services import list_tenant_ids
from confide.workers.celery_app import celery_app

log = get_logger("confide.tasks")


async def _checkpoint(tenant_id: UUID, period: datetime, minutes: int) -> bool:
    add_context(tenant_id=str(tenant_id))
    async with tenant_transaction(tenant_id):
        made = await make_checkpoint(period, minutes)
    log.info("audit_checkpoint", made=made is not None)
    return made is not None


@celery_app.task(name="confide.audit.checkpoint", bind=True, acks_late=True)
def checkpoint(self: Task[Any, Any], tenant_id: str, period: str, minutes: int) -> bool:
    """Sign this tenant's chain head for ``period``; a redelivery makes nothing new."""
    return asyncio.run(_checkpoint(UUID(tenant_id), datetime.fromisoformat(period), minutes))


@celery_app.task(name="confide.audit.fan_out_checkpoints", acks_late=True)
def fan_out_checkpoints() -> int:
    """Queue one checkpoint per tenant, active or suspended, for the current period."""
    minutes = get_settings().core.audit_checkpoint_minutes
    period = period_start(datetime.now(UTC), minutes)
    tenant_ids = asyncio.run(list_tenant_ids())
    for tenant_id in tenant_ids:
        checkpoint.delay(str(tenant_id), period.isoformat(), minutes)
    return len(tenant_ids)
