"""``confide audit verify``: recompute every tenant's audit chain and report breaks.

It runs as the owner role, as the other administrative commands do, and still
goes through ``tenant_transaction`` per tenant: the owner is subject to FORCE
row-level security too, so without a tenant set it would see no entries.
"""

from __future__ import annotations

import sys

import click

from confide.platform.audit.schemas import ChainReport
from confide.platform.audit.services import verify_chain
from confide.platform.core.commands import as_owner, fail
from confide.platform.core.db import tenant_transaction
from confide.tenants.schemas import TenantView
from confide.tenants.services import list_tenants

_TENANT_PAGE = 100


async def _tenants(slug: str | None) -> list[TenantView]:
    found: list[TenantView] = []
    offset = 0
    while True:
        batch = await list_tenants(limit=_TENANT_PAGE, offset=offset)
        found.extend(t for t in batch if slug is None or t.slug == slug)
        if len(batch) < _TENANT_PAGE:
            return found
        offset += _TENANT_PAGE


async def _verify(slug: str | None) -> list[tuple[TenantView, ChainReport]] | None:
    tenants = await _tenants(slug)
    if slug is not None and not tenants:
        return None
    results = []
    for tenant in tenants:
        async with tenant_transaction(tenant.id):
            results.append((tenant, await verify_chain()))
    return results


def _line(tenant: TenantView, report: ChainReport) -> str:
    if report.ok:
        return f"{tenant.slug}: ok, {report.entries_checked} entries"
    return (
        f"{tenant.slug}: BROKEN at entry {report.first_broken_seq}"
        f" ({report.first_broken_id}): {report.why}"
    )


@click.command("verify")
@click.option("--tenant", "slug", default=None, help="Only this tenant (its slug).")
def audit_verify(slug: str | None) -> None:
    """Check each tenant's audit log is unchanged; exit 1 if any is broken."""
    results = as_owner(lambda: _verify(slug))
    if results is None:
        fail(f"no tenant with slug {slug!r}")
    for tenant, report in results:
        click.echo(_line(tenant, report))
    if not all(report.ok for _, report in results):
        sys.exit(1)
