"""``confide audit verify | checkpoint | public-key``: check and anchor the audit chains.

``verify`` recomputes every tenant's chain and checks it against the tenant's
signed checkpoints (``audit/checkpoints.py``): a chain shorter than a checkpoint
saw, a checkpoint whose signature fails, a gap in their schedule; any of these
exits 1. ``checkpoint`` signs every tenant's head now, as beat does on its
schedule; ``public-key`` prints what a verifier elsewhere needs.

They run as the owner role, as the other administrative commands do, and still
go through ``tenant_transaction`` per tenant: the owner is subject to FORCE
row-level security too, so without a tenant set it would see no entries.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from confide.platform.audit.checkpoints import make_checkpoint, verify_checkpoints
from confide.platform.audit.schemas import ChainReport
from confide.platform.audit.services import verify_chain
from confide.platform.audit.signing import ALGORITHM, checkpoint_keys
from confide.platform.core.clock import period_start
from confide.platform.core.commands import as_owner, fail
from confide.platform.core.db import tenant_transaction
from confide.platform.core.settings import get_settings
from confide.tenants.schemas import TenantView
from confide.tenants.services import list_tenants

_TENANT_PAGE = 100
_SHOWN_PROBLEMS = 10


async def _tenants(slug: str | None) -> list[TenantView]:
    found: list[TenantView] = []
    offset = 0
    while True:
        batch = await list_tenants(limit=_TENANT_PAGE, offset=offset)
        found.extend(t for t in batch if slug is None or t.slug == slug)
        if len(batch) < _TENANT_PAGE:
            return found
        offset += _TENANT_PAGE


async def _verify(slug: str | None) -> list[tuple[TenantView, ChainReport, list[str]]] | None:
    tenants = await _tenants(slug)
    if slug is not None and not tenants:
        return None
    now, minutes = datetime.now(UTC), get_settings().core.audit_checkpoint_minutes
    results = []
    for tenant in tenants:
        async with tenant_transaction(tenant.id):
            report = await verify_chain()
            problems = await verify_checkpoints(
                now=now, tenant_created_at=tenant.created_at, interval_minutes=minutes
            )
        results.append((tenant, report, problems))
    return results


def _lines(tenant: TenantView, report: ChainReport, problems: list[str]) -> list[str]:
    lines = []
    if not report.ok:
        lines.append(
            f"{tenant.slug}: BROKEN at entry {report.first_broken_seq}"
            f" ({report.first_broken_id}): {report.why}"
        )
    lines.extend(f"{tenant.slug}: BROKEN: {problem}" for problem in problems[:_SHOWN_PROBLEMS])
    if len(problems) > _SHOWN_PROBLEMS:
        lines.append(f"{tenant.slug}: and {len(problems) - _SHOWN_PROBLEMS} more")
    return lines or [f"{tenant.slug}: ok, {report.entries_checked} entries"]


@click.command("verify")
@click.option("--tenant", "slug", default=None, help="Only this tenant (its slug).")
def audit_verify(slug: str | None) -> None:
    """Check each tenant's audit log is unchanged and whole; exit 1 if any is not."""
    results = as_owner(lambda: _verify(slug))
    if results is None:
        fail(f"no tenant with slug {slug!r}")
    for tenant, report, problems in results:
        for line in _lines(tenant, report, problems):
            click.echo(line)
    if not all(report.ok and not problems for _, report, problems in results):
        sys.exit(1)


async def _checkpoint(slug: str | None) -> list[tuple[TenantView, bool]] | None:
    tenants = await _tenants(slug)
    if slug is not None and not tenants:
        return None
    minutes = get_settings().core.audit_checkpoint_minutes
    period = period_start(datetime.now(UTC), minutes)
    made = []
    for tenant in tenants:
        async with tenant_transaction(tenant.id):
            made.append((tenant, await make_checkpoint(period, minutes) is not None))
    return made


@click.command("checkpoint")
@click.option("--tenant", "slug", default=None, help="Only this tenant (its slug).")
def audit_checkpoint(slug: str | None) -> None:
    """Sign each tenant's audit chain head now, for the current period (as beat does)."""
    made = as_owner(lambda: _checkpoint(slug))
    if made is None:
        fail(f"no tenant with slug {slug!r}")
    for tenant, new in made:
        click.echo(f"{tenant.slug}: {'checkpoint made' if new else 'this period has one already'}")


@click.command("public-key")
def audit_public_key() -> None:
    """Print the checkpoint keys' ids and public keys (signing key first), to keep elsewhere."""
    for name, public in checkpoint_keys().public_keys().items():
        click.echo(f"{name}\t{ALGORITHM}\t{public}")
