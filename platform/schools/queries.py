"""Every statement of the schools directory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.sql import paged, raw
from confide.platform.schools.schemas import SchoolRow, SchoolView

_COLUMNS = (
    "id, urn, name, phase, kind, status, street, locality, town, postcode,"
    " senco_name, senco_email, senco_phone"
)
_IMPORTED = ("urn", "name", "phase", "kind", "status", "street", "locality", "town", "postcode")


def school_view(row: Mapping[str, Any]) -> SchoolView:
    return SchoolView(
        id=row["id"],
        urn=row["urn"],
        name=row["name"],
        phase=row["phase"],
        kind=row["kind"],
        status=row["status"],
        street=row["street"],
        locality=row["locality"],
        town=row["town"],
        postcode=row["postcode"],
        senco_name=row["senco_name"],
        senco_email=row["senco_email"],
        senco_phone=row["senco_phone"],
    )


async def upsert_schools(tenant_id: UUID, rows: Sequence[SchoolRow]) -> tuple[int, int]:
    """Insert the new URNs and update those whose details changed, in one statement (the
    SENCO contact is the service's own and never touched). (created, updated)."""
    columns = ", ".join(_IMPORTED)
    arrays = ", ".join("{}::text[]" for _ in _IMPORTED)
    changed = ", ".join(f"{c} = EXCLUDED.{c}" for c in _IMPORTED[1:])
    differs = (
        "(" + ", ".join(f"schools.{c}" for c in _IMPORTED[1:]) + ") IS DISTINCT FROM ("
        + ", ".join(f"EXCLUDED.{c}" for c in _IMPORTED[1:]) + ")"
    )  # fmt: skip
    found = await raw(
        f"INSERT INTO schools (id, tenant_id, {columns})"  # noqa: S608 - fixed names only
        f" SELECT gen_random_uuid(), {{}}, * FROM unnest({arrays})"
        f" ON CONFLICT (tenant_id, urn) DO UPDATE SET {changed}, updated_at = now()"
        f" WHERE {differs}"
        " RETURNING (xmax = 0) AS created",
        tenant_id,
        *([getattr(r, c) for r in rows] for c in _IMPORTED),
    )
    created = sum(1 for r in found if r["created"])
    return created, len(found) - created


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def school_page(
    tenant_id: UUID, text: str, phase: str, page: PageRequest
) -> Page[SchoolView]:
    """The directory in name order, filtered: words of the name, a URN, or the start of a
    postcode; and a phase. One round trip."""
    conditions = ["tenant_id = {}"]
    args: list[Any] = [tenant_id]
    words = text.split()
    if words:
        name = " AND ".join("name ILIKE {}" for _ in words)
        args.extend(_like(w) for w in words)
        compact = text.replace(" ", "").upper()
        conditions.append(
            f"(({name}) OR urn = {{}} OR upper(replace(postcode::text, ' ', '')) LIKE {{}})"
        )
        args.append(text.strip())
        args.append(compact.replace("\\", "").replace("%", "").replace("_", "") + "%")
    if phase:
        conditions.append("phase = {}")
        args.append(phase)
    found = await paged(
        f"SELECT {_COLUMNS} FROM schools WHERE {' AND '.join(conditions)}"  # noqa: S608
        " ORDER BY name, urn",
        *args,
        page=page,
    )
    return Page([school_view(r) for r in found.items], found.total, page.limit, page.offset)


async def phases(tenant_id: UUID) -> list[str]:
    """The phases in the directory, for the listing's filter."""
    rows = await raw(
        "SELECT DISTINCT phase FROM schools WHERE tenant_id = {} AND phase <> '' ORDER BY phase",
        tenant_id,
    )
    return [str(r["phase"]) for r in rows]


async def school(tenant_id: UUID, school_id: UUID) -> SchoolView | None:
    rows = await raw(
        f"SELECT {_COLUMNS} FROM schools WHERE tenant_id = {{}} AND id = {{}}",  # noqa: S608
        tenant_id,
        school_id,
    )
    return school_view(rows[0]) if rows else None


async def set_senco(tenant_id: UUID, school_id: UUID, name: str, email: str, phone: str) -> bool:
    rows = await raw(
        "UPDATE schools SET senco_name = {}, senco_email = {}, senco_phone = {},"
        " updated_at = now() WHERE tenant_id = {} AND id = {} RETURNING id",
        name,
        email,
        phone,
        tenant_id,
        school_id,
    )
    return bool(rows)
