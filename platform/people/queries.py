"""The people domain's SQL: households and their members, who must not be told about a
case, merges of two records. The services hold the rules and the audit entries."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid4

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import connection, paged, raw
from confide.platform.people.schemas import (
    HouseholdView,
    MemberView,
    MergeView,
    NewMember,
    ParentalResponsibility,
    Relationship,
)
from confide.platform.people.tables import Household, HouseholdMember, PersonMerge


async def insert_household(
    tenant_id: UUID, household_id: UUID, name: str, members: Sequence[NewMember], by: UUID
) -> None:
    await Household.insert(
        Household(id=household_id, tenant_id=tenant_id, name=name, created_by=by)
    )
    if members:
        await HouseholdMember.insert(
            *(
                HouseholdMember(
                    id=uuid4(),
                    tenant_id=tenant_id,
                    household_id=household_id,
                    person_id=m.person_id,
                    relationship=m.relationship,
                    parental_responsibility=m.parental_responsibility,
                    added_by=by,
                )
                for m in members
            )
        )


async def household_exists(tenant_id: UUID, household_id: UUID) -> bool:
    found = await connection().fetchval(
        "SELECT 1 FROM households WHERE tenant_id = $1 AND id = $2", tenant_id, household_id
    )
    return found is not None


async def add_member(tenant_id: UUID, household_id: UUID, member: NewMember, by: UUID) -> bool:
    """Add someone, or change their relationship if already a member; False: no change."""
    status = await connection().execute(
        "INSERT INTO household_members (id, tenant_id, household_id, person_id, relationship,"
        " parental_responsibility, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())"
        " ON CONFLICT (tenant_id, household_id, person_id) DO UPDATE SET"
        " relationship = EXCLUDED.relationship,"
        " parental_responsibility = EXCLUDED.parental_responsibility",
        uuid4(),
        tenant_id,
        household_id,
        member.person_id,
        member.relationship.value,
        member.parental_responsibility.value,
        by,
    )
    return str(status).endswith(" 1")


_HOUSEHOLDS = (
    "SELECT h.id, h.name, h.created_at, coalesce(array_agg(ROW(m.person_id, p.first_name,"
    " p.last_name, m.relationship, m.parental_responsibility)"
    " ORDER BY p.last_name, p.first_name, m.person_id) FILTER (WHERE m.id IS NOT NULL),"
    " ARRAY[]::record[]) AS members FROM households h"
    " LEFT JOIN household_members m ON m.tenant_id = h.tenant_id AND m.household_id = h.id"
    " LEFT JOIN people p ON p.tenant_id = m.tenant_id AND p.id = m.person_id"
)


def _household(row: dict[str, object]) -> HouseholdView:
    members = row["members"]
    assert isinstance(members, list)
    return HouseholdView(
        id=row["id"],  # type: ignore[arg-type]
        name=str(row["name"]),
        created_at=row["created_at"],  # type: ignore[arg-type]
        members=[
            MemberView(
                person_id=m[0],
                first_name=m[1],
                last_name=m[2],
                relationship=Relationship(m[3]),
                parental_responsibility=ParentalResponsibility(m[4]),
            )
            for m in members
        ],
    )


async def household(tenant_id: UUID, household_id: UUID) -> HouseholdView | None:
    row = await connection().fetchrow(
        _HOUSEHOLDS + " WHERE h.tenant_id = $1 AND h.id = $2 GROUP BY h.id",
        tenant_id,
        household_id,
    )
    return None if row is None else _household(dict(row))


async def households_of(tenant_id: UUID, person_id: UUID) -> list[HouseholdView]:
    """The households a person is in (a person is in a few at most)."""
    return await households_of_people(tenant_id, [person_id])


async def households_of_people(tenant_id: UUID, person_ids: Sequence[UUID]) -> list[HouseholdView]:
    """The households any of these people is in, oldest first (a family has a few)."""
    rows = await connection().fetch(
        _HOUSEHOLDS + " WHERE h.tenant_id = $1 AND h.id IN (SELECT household_id FROM"
        " household_members WHERE tenant_id = $1 AND person_id = ANY($2::uuid[]))"
        " GROUP BY h.id ORDER BY h.created_at, h.id LIMIT 20",
        tenant_id,
        list(person_ids),
    )
    return [_household(dict(r)) for r in rows]


async def case_people(tenant_id: UUID, case_id: UUID) -> list[UUID]:
    """Everyone on a case: who it is about and the people linked to it."""
    rows = await connection().fetch(
        "SELECT subject_id AS id FROM cases WHERE tenant_id = $1 AND id = $2"
        " AND subject_id IS NOT NULL UNION SELECT person_id FROM case_people"
        " WHERE tenant_id = $1 AND case_id = $2",
        tenant_id,
        case_id,
    )
    return [r["id"] for r in rows]


async def household_people(tenant_id: UUID, household_id: UUID) -> list[UUID]:
    rows = await raw(
        "SELECT person_id FROM household_members WHERE tenant_id = {} AND household_id = {}",
        tenant_id,
        household_id,
    )
    return [r["person_id"] for r in rows]


async def set_must_not_be_told(
    tenant_id: UUID, case_id: UUID, person_id: UUID, value: bool
) -> bool:
    """Mark someone linked to a case (not its subject); False: they are not linked to it."""
    status = await connection().execute(
        "UPDATE case_people SET must_not_be_told = $4 WHERE tenant_id = $1 AND case_id = $2"
        " AND person_id = $3",
        tenant_id,
        case_id,
        person_id,
        value,
    )
    return str(status).endswith(" 1")


async def link_to_case(
    tenant_id: UUID, case_id: UUID, person_id: UUID, relationship: str, must_not_be_told: bool
) -> bool:
    """Link someone to a case (not already on it); False: already linked."""
    status = await connection().execute(
        "INSERT INTO case_people (id, tenant_id, case_id, person_id, relationship,"
        " must_not_be_told) SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM cases"
        " WHERE tenant_id = $2 AND id = $3 AND subject_id = $4)"
        " ON CONFLICT (tenant_id, case_id, person_id) DO NOTHING",
        uuid4(),
        tenant_id,
        case_id,
        person_id,
        relationship,
        must_not_be_told,
    )
    return str(status).endswith(" 1")


# Merging: the tombstone, and everything of the merged record moved to the survivor.


async def lock_people(tenant_id: UUID, ids: Sequence[UUID]) -> dict[UUID, UUID | None]:
    """Lock the records (in id order, so two merges never deadlock); each one's
    ``merged_into``."""
    rows = await connection().fetch(
        "SELECT id, merged_into FROM people WHERE tenant_id = $1 AND id = ANY($2::uuid[])"
        " ORDER BY id FOR UPDATE",
        tenant_id,
        sorted(ids),
    )
    return {r["id"]: r["merged_into"] for r in rows}


async def move_to_survivor(tenant_id: UUID, merged_id: UUID, survivor_id: UUID) -> int:
    """Every case and relationship of the merged record moved to the survivor, and the
    merged record made a tombstone pointing at it; the number of cases moved."""
    db = connection()
    subject = await db.execute(
        "UPDATE cases SET subject_id = $3 WHERE tenant_id = $1 AND subject_id = $2",
        tenant_id,
        merged_id,
        survivor_id,
    )
    # A link to a case the survivor is already on is kept only on the survivor's side; the
    # strongest warning wins.
    await db.execute(
        "UPDATE case_people s SET must_not_be_told = s.must_not_be_told OR m.must_not_be_told"
        " FROM case_people m WHERE s.tenant_id = $1 AND m.tenant_id = $1"
        " AND s.case_id = m.case_id AND s.person_id = $3 AND m.person_id = $2",
        tenant_id,
        merged_id,
        survivor_id,
    )
    linked = await db.execute(
        "UPDATE case_people m SET person_id = $3 WHERE m.tenant_id = $1 AND m.person_id = $2"
        " AND NOT EXISTS (SELECT 1 FROM case_people s WHERE s.tenant_id = $1"
        " AND s.case_id = m.case_id AND s.person_id = $3)"
        " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.tenant_id = $1 AND c.id = m.case_id"
        " AND c.subject_id = $3)",
        tenant_id,
        merged_id,
        survivor_id,
    )
    await db.execute(
        "UPDATE household_members m SET person_id = $3 WHERE m.tenant_id = $1"
        " AND m.person_id = $2 AND NOT EXISTS (SELECT 1 FROM household_members s"
        " WHERE s.tenant_id = $1 AND s.household_id = m.household_id AND s.person_id = $3)",
        tenant_id,
        merged_id,
        survivor_id,
    )
    await db.execute(
        "UPDATE people SET merged_into = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        merged_id,
        survivor_id,
    )
    return int(str(subject).split()[-1]) + int(str(linked).split()[-1])


async def insert_merge(
    tenant_id: UUID,
    merge_id: UUID,
    survivor_id: UUID,
    merged_id: UUID,
    reason: str,
    by: UUID,
    cases_moved: int,
) -> None:
    await PersonMerge.insert(
        PersonMerge(
            id=merge_id,
            tenant_id=tenant_id,
            survivor_id=survivor_id,
            merged_id=merged_id,
            reason=reason,
            merged_by=by,
            cases_moved=cases_moved,
        )
    )


_MERGES = (
    "SELECT g.id, g.survivor_id, g.merged_id, g.reason, g.merged_by, s.display_name,"
    " g.merged_at, g.cases_moved FROM person_merges g JOIN staff_users s"
    " ON s.tenant_id = g.tenant_id AND s.id = g.merged_by"
)


def _merge(r: dict[str, object]) -> MergeView:
    return MergeView(
        id=r["id"],  # type: ignore[arg-type]
        survivor_id=r["survivor_id"],  # type: ignore[arg-type]
        merged_id=r["merged_id"],  # type: ignore[arg-type]
        reason=str(r["reason"]),
        merged_by=r["merged_by"],  # type: ignore[arg-type]
        merged_by_name=str(r["display_name"]),
        merged_at=r["merged_at"],  # type: ignore[arg-type]
        cases_moved=int(r["cases_moved"]),  # type: ignore[call-overload]
    )


async def merges_into(tenant_id: UUID, survivor_id: UUID) -> list[MergeView]:
    rows = await connection().fetch(
        _MERGES + " WHERE g.tenant_id = $1 AND (g.survivor_id = $2 OR g.merged_id = $2)"
        " ORDER BY g.merged_at DESC LIMIT 20",
        tenant_id,
        survivor_id,
    )
    return [_merge(dict(r)) for r in rows]


async def merge_log(tenant_id: UUID, page: PageRequest) -> Page[MergeView]:
    """Every merge of the service, newest first."""
    result = await paged(
        _MERGES + " WHERE g.tenant_id = {} ORDER BY g.merged_at DESC, g.id",
        tenant_id,
        page=page,
    )
    items = [_merge(dict(r)) for r in result.items]
    return Page(items, total=result.total, limit=page.limit, offset=page.offset)


async def merged_among(tenant_id: UUID, ids: Sequence[UUID]) -> set[UUID]:
    """Which of ``ids`` are tombstones of a merge."""
    rows = await connection().fetch(
        "SELECT id FROM people WHERE tenant_id = $1 AND id = ANY($2::uuid[])"
        " AND merged_into IS NOT NULL",
        tenant_id,
        list(ids),
    )
    return {r["id"] for r in rows}
