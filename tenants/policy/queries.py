"""The tenant policy's SQL: its one row, read and changed (made on first change); the
versions of its changes, the service's own text and the reviews."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import literal, paged, raw
from confide.tenants.policy.schemas import (
    PolicyChangeView,
    PolicyReviewView,
    PolicyTextView,
    SettingChange,
)
from confide.tenants.policy.tables import PolicyChange, PolicyReview, PolicyText, TenantPolicy


async def policy_row() -> dict[str, Any] | None:
    """The tenant's policy row, None while it has set nothing (row-level security picks the
    tenant's row), with its ``version__``: a digest of the whole row (``policy_unchanged``)."""
    rows = await raw("SELECT p.*, md5(p::text) AS version__ FROM tenant_policies p LIMIT 1")
    return rows[0] if rows else None


def policy_unchanged(version: str | None) -> str:
    """A condition (for the request's BEGIN, see ``tenant_transaction``'s check): the
    transaction's tenant's policy row is still at ``version`` (None: there is still no
    row). ``app_policy_unchanged`` (the tenants app's raw migration 2026-11-30T07:10:00),
    with a plan the session keeps."""
    return f"app_policy_unchanged({literal(version)})"


async def any_statistics_release() -> bool:
    """Whether the tenant has released any annual return (row-level security: its own)."""
    rows = await raw("SELECT EXISTS (SELECT 1 FROM statistics_releases) AS released")
    return bool(rows[0]["released"])


#: The database's refusal (statistics' triggers, rule 12) of a release of another kind of
#: year than the policy's, or of a change of the kind once a release is kept.
ONE_KIND_OF_YEAR = "statistics_one_kind_of_year"


class OneKindOfYear(Exception):
    """The database refused a second kind of year (``ONE_KIND_OF_YEAR``): a race the
    services' own checks lost."""


def one_kind_of_year(error: BaseException) -> bool:
    return (
        isinstance(error, asyncpg.exceptions.CheckViolationError)
        and error.constraint_name == ONE_KIND_OF_YEAR
    )


async def save_policy(tenant_id: UUID, values: Mapping[str, Any]) -> None:
    """Change the named columns of the tenant's one policy row (made on first change);
    OneKindOfYear when the database refuses the statistics' kind of year."""
    try:
        await _save_policy(tenant_id, values)
    except asyncpg.exceptions.CheckViolationError as error:
        if one_kind_of_year(error):
            raise OneKindOfYear from error
        raise


async def _save_policy(tenant_id: UUID, values: Mapping[str, Any]) -> None:
    if await TenantPolicy.exists():
        await TenantPolicy.update(
            {getattr(TenantPolicy, name): value for name, value in values.items()}, force=True
        )
    else:
        await TenantPolicy.insert(TenantPolicy(tenant_id=tenant_id, **values))


async def add_change(
    tenant_id: UUID, group: str, changes: list[dict[str, Any]], changed_by: UUID | None
) -> None:
    """Keep one saved change of a group of settings as a version."""
    await PolicyChange.insert(
        PolicyChange(
            tenant_id=tenant_id,
            group_name=group,
            changes=json.dumps(changes),
            changed_by=changed_by,
        )
    )


def _change(row: dict[str, Any]) -> PolicyChangeView:
    items = json.loads(row["changes"]) if isinstance(row["changes"], str) else row["changes"]
    return PolicyChangeView(
        id=row["id"],
        group=row["group_name"],
        changes=[SettingChange(i["setting"], i["old"], i["new"]) for i in items],
        changed_by=row["changed_by"],
        changed_at=row["changed_at"],
    )


async def changes(page: PageRequest) -> Page[PolicyChangeView]:
    """The tenant's changes of settings, newest first: a page of them and their count."""
    found = await paged(
        "SELECT id, group_name, changes, changed_by, changed_at FROM policy_changes"
        " ORDER BY changed_at DESC, id",
        page=page,
    )
    return Page([_change(r) for r in found.items], found.total, found.limit, found.offset)


async def latest_text() -> PolicyTextView | None:
    rows = await raw(
        "SELECT version, sections, written_by, written_at FROM policy_texts"
        " ORDER BY version DESC LIMIT 1"
    )
    if not rows:
        return None
    row = rows[0]
    sections = row["sections"]
    return PolicyTextView(
        version=row["version"],
        sections=json.loads(sections) if isinstance(sections, str) else dict(sections),
        written_by=row["written_by"],
        written_at=row["written_at"],
    )


async def add_text(
    tenant_id: UUID, version: int, sections: Mapping[str, str], written_by: UUID | None
) -> None:
    """A new version of the text (the unique version refuses a concurrent one)."""
    await PolicyText.insert(
        PolicyText(
            tenant_id=tenant_id,
            version=version,
            sections=json.dumps(dict(sections)),
            written_by=written_by,
        )
    )


async def add_review(tenant_id: UUID, reviewed_on: date, note: str, reviewed_by: UUID) -> None:
    """Record a review, and the latest review's day on the policy row (so every process's
    kept policy is read again at its next request)."""
    await PolicyReview.insert(
        PolicyReview(
            tenant_id=tenant_id, reviewed_on=reviewed_on, note=note, reviewed_by=reviewed_by
        )
    )
    latest = "SELECT max(reviewed_on) FROM policy_reviews"
    if await TenantPolicy.exists():
        await raw(f"UPDATE tenant_policies SET policy_reviewed_on = ({latest})")  # noqa: S608
    else:
        await raw(
            "INSERT INTO tenant_policies (id, tenant_id, policy_reviewed_on)"  # noqa: S608
            f" VALUES (gen_random_uuid(), {{}}, ({latest}))",
            tenant_id,
        )


async def reviews(page: PageRequest) -> Page[PolicyReviewView]:
    """The reviews recorded, latest first."""
    found = await paged(
        "SELECT id, reviewed_on, note, reviewed_by, recorded_at FROM policy_reviews"
        " ORDER BY reviewed_on DESC, recorded_at DESC",
        page=page,
    )
    return Page(
        [
            PolicyReviewView(
                r["id"], r["reviewed_on"], r["note"], r["reviewed_by"], r["recorded_at"]
            )
            for r in found.items
        ],
        found.total,
        found.limit,
        found.offset,
    )


async def change_count() -> int:
    """How many changes the settings and text have had (the published document's
    version is one more)."""
    rows = await raw("SELECT count(*) AS n FROM policy_changes")
    return int(rows[0]["n"])
