"""Find people and cases: by name (typo-tolerant), date of birth, postcode or case reference.

Runs inside the caller's ``tenant_transaction``: row-level security keeps every other
tenant out, and each query names the tenant too, so the planner can use the indexes.

Need-to-know (rule 1): a case is open to its current assignees, to anyone
holding an unexpired break-glass grant on it, and to managers. A hit on a person whose
cases are all closed to the searcher is *restricted*: it carries only the case
references, never the name or any other detail; the person opens the case page and
uses break-glass there. Restricted details are nulled inside the database, so they
never reach this process. People on no case at all are shown to managers only.

Names use ``pg_trgm`` word similarity where the extension is installed (detected once
per process); elsewhere (the embedded PostgreSQL) a prefix match on the name parts
that tolerates mistakes after the third letter. The query text is never logged.

Row-level security trap: the planner uses a condition for an index scan under a policy
only if its function is LEAKPROOF, which only a superuser can declare. Until
``LEAKPROOF_STATEMENT`` has been run in the database, name searches are correct but
check every person of the tenant (about 3 ms per 1,000 people).

SQL here is put together from constants and ``$n`` placeholders only; every value the
caller gives is a bound argument (hence the ``noqa: S608``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from confide.platform.casework.access import connection
from confide.platform.core.db import current_tenant_id
from confide.platform.core.edge import control_characters
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.tenants.roles import StaffRole

MAX_QUERY_LENGTH = 100
MIN_NAME_LENGTH = 2
MAX_NAME_WORDS = 4
FALLBACK_PREFIX = 3  # letters that must be right when there is no trigram index

# A generated column, lower(first || ' ' || last): under row-level security only a plain
# column lets the trigram index serve the query (see the search indexes migration).
SEARCH_NAME = "p.search_name"
# What a superuser runs once per database so that the trigram index is used at all
# (infra/db/01-roles.sh; the test harness too).
LEAKPROOF_STATEMENT = "ALTER FUNCTION word_similarity_commutator_op(text, text) LEAKPROOF"

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_REFERENCE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,9}-[0-9]{4}-[0-9]{1,8}$")  # NM-2026-00042
_DATE_DMY = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")
_DATE_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


class SearchKind(StrEnum):
    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    POSTCODE = "postcode"
    REFERENCE = "reference"


class SearchError(Invalid):
    """The query (field ``q``) cannot be searched; the message is safe to show and never
    repeats it."""

    def __init__(self, message: str) -> None:
        super().__init__({"q": message})


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What to look for. ``kind`` None: guessed from the text (``SearchQuery.kind_of``)."""

    text: str
    kind: SearchKind | None = None

    def resolved(self) -> tuple[SearchKind, str | date]:
        """The kind and the normalised value; raises ``SearchError`` when it cannot be used."""
        text = " ".join(self.text.split())
        if not text:
            raise SearchError("Enter a name, date of birth, postcode or case reference")
        if len(text) > MAX_QUERY_LENGTH:
            raise SearchError(f"Search for at most {MAX_QUERY_LENGTH} characters")
        if control_characters(text):
            raise SearchError("Search for letters, numbers and punctuation, not control characters")
        kind = self.kind or self.kind_of(text)
        if kind is SearchKind.DATE_OF_BIRTH:
            return kind, _parse_date(text)
        if kind is SearchKind.POSTCODE:
            postcode = normalise_postcode(text)
            if not _POSTCODE.match(postcode):
                raise SearchError("Enter a full postcode, like AB1 2CD")
            return kind, postcode
        if kind is SearchKind.REFERENCE:
            return kind, text.replace(" ", "").upper()
        name = text.lower()
        if len(name.replace(" ", "")) < MIN_NAME_LENGTH:
            raise SearchError(f"Enter at least {MIN_NAME_LENGTH} letters of a name")
        if not any(ch.isalpha() for ch in name):
            raise SearchError("Enter a name, date of birth, postcode or case reference")
        return kind, name

    @staticmethod
    def kind_of(text: str) -> SearchKind:
        """Guess what a single search box holds."""
        text = text.strip()
        if _DATE_DMY.match(text) or _DATE_ISO.match(text):
            return SearchKind.DATE_OF_BIRTH
        if _REFERENCE.match(text.replace(" ", "")):
            return SearchKind.REFERENCE
        if _POSTCODE.match(normalise_postcode(text)):
            return SearchKind.POSTCODE
        return SearchKind.NAME


def normalise_postcode(text: str) -> str:
    """Upper case, no spaces: how postcodes are compared."""
    return "".join(text.split()).upper()


def _parse_date(text: str) -> date:
    iso = _DATE_ISO.match(text)
    dmy = _DATE_DMY.match(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dmy:
            return date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
    except ValueError:
        pass
    raise SearchError("Enter a real date of birth, like 27/03/2012")


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case a hit is on. Restricted: the reference only."""

    reference: str
    restricted: bool
    case_id: UUID | None = None
    status: str | None = None
    opened_on: date | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A person with their cases. Restricted: no person details at all, only references."""

    restricted: bool
    cases: tuple[CaseRef, ...]
    person_id: UUID | None = None
    kind: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None

    @property
    def name(self) -> str | None:
        if self.first_name is None or self.last_name is None:
            return None
        return f"{self.first_name} {self.last_name}"


# Every value ``plan_cache_mode`` can take (PostgreSQL 12 on).
_PLAN_CACHE_MODES = frozenset({"auto", "force_generic_plan", "force_custom_plan"})

# Which kind of name search this process uses: None until first detected.
_trigram_available: bool | None = None


async def trigram_available() -> bool:
    """Whether ``pg_trgm`` is installed in this database; asked once per process."""
    global _trigram_available
    if _trigram_available is None:
        found = await connection().fetchval("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        _trigram_available = found is not None
    return _trigram_available


class _Args:
    """Bound arguments: each distinct value becomes one ``$n``, in order of first use."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[tuple[type, Any], int] = {}

    def __call__(self, value: Any) -> str:
        key = (type(value), value)
        if key not in self._index:
            self.values.append(value)
            self._index[key] = len(self.values)
        return f"${self._index[key]}"


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matched(kind: SearchKind, value: str | date, trigram: bool, tenant: UUID, a: _Args) -> str:
    """SQL selecting ``id`` and ``score`` of the people the query finds."""
    if kind is SearchKind.NAME:
        assert isinstance(value, str)
        if trigram:
            q = a(value)
            return (
                f"SELECT p.id, word_similarity({q}, {SEARCH_NAME}) AS score,"  # noqa: S608
                f" similarity({a(value)}, {SEARCH_NAME}) AS score2"
                f" FROM people p WHERE p.tenant_id = {a(tenant)} AND {SEARCH_NAME} %> {a(value)}"
            )
        words = value.split()[:MAX_NAME_WORDS]
        conditions = []
        scores = []
        for word in words:
            prefix = _like_escape(word[:FALLBACK_PREFIX]) + "%"
            whole = _like_escape(word) + "%"
            conditions.append(
                f"(lower(p.first_name) LIKE {a(prefix)} OR lower(p.last_name) LIKE {a(prefix)})"
            )
            scores.append(
                f"(CASE WHEN lower(p.first_name) LIKE {a(whole)}"
                f" OR lower(p.last_name) LIKE {a(whole)} THEN 1 ELSE 0 END)"
            )
        return (
            f"SELECT p.id, ({' + '.join(scores)})::float4 / {len(words)} AS score,"  # noqa: S608
            f" (CASE WHEN {SEARCH_NAME} = {a(value)} THEN 1 ELSE 0 END)::float4 AS score2"
            f" FROM people p WHERE p.tenant_id = {a(tenant)} AND {' AND '.join(conditions)}"
        )
    if kind is SearchKind.DATE_OF_BIRTH:
        return (
            "SELECT p.id, 1::float4 AS score, 1::float4 AS score2 FROM people p"  # noqa: S608
            f" WHERE p.tenant_id = {a(tenant)} AND p.date_of_birth = {a(value)}"
        )
    if kind is SearchKind.POSTCODE:
        return (
            "SELECT p.id, 1::float4 AS score, 1::float4 AS score2 FROM people p"  # noqa: S608
            f" WHERE p.tenant_id = {a(tenant)}"
            f" AND upper(replace(p.postcode::text, ' ', '')) = {a(value)}"
        )
    t = a(tenant)
    ref = a(value)
    return (
        "SELECT DISTINCT x.id, 1::float4 AS score, 1::float4 AS score2 FROM ("  # noqa: S608
        f" SELECT c.subject_id AS id FROM cases c WHERE c.tenant_id = {t}"
        f" AND upper(c.reference::text) = {ref} AND c.subject_id IS NOT NULL"
        f" UNION SELECT cp.person_id FROM cases c JOIN case_people cp"
        f" ON cp.tenant_id = c.tenant_id AND cp.case_id = c.id"
        f" WHERE c.tenant_id = {a(tenant)} AND upper(c.reference::text) = {a(value)}) x"
    )


def _open(tenant: UUID, staff: StaffView, a: _Args) -> str:
    """SQL true when the searcher has grounds for case ``c``."""
    return (
        f"({a(staff.has(StaffRole.MANAGER))}"  # noqa: S608
        " OR EXISTS (SELECT 1 FROM case_assignments ca"
        f" WHERE ca.tenant_id = {a(tenant)} AND ca.case_id = c.id"
        f" AND ca.staff_id = {a(staff.id)} AND ca.ended_at IS NULL)"
        " OR EXISTS (SELECT 1 FROM break_glass_grants bg"
        f" WHERE bg.tenant_id = {a(tenant)} AND bg.case_id = c.id"
        f" AND bg.staff_id = {a(staff.id)} AND bg.expires_at > now()))"
    )


def _sql(
    kind: SearchKind,
    value: str | date,
    trigram: bool,
    staff: StaffView,
    page: PageRequest,
    tenant: UUID,
    a: _Args,
) -> str:
    manager = staff.has(StaffRole.MANAGER)
    matched = _matched(kind, value, trigram, tenant, a)
    t1, t2, t3 = a(tenant), a(tenant), a(tenant)
    grounds = _open(tenant, staff, a)
    # A case nobody is on (anonymous) is still found by its reference.
    lone_case = ""
    if kind is SearchKind.REFERENCE:
        lone_grounds = _open(tenant, staff, a)
        lone_case = (
            " UNION ALL SELECT NULL::uuid, NOT o.open, 1::float4, 1::float4,"  # noqa: S608
            " NULL, NULL, NULL, NULL::date, NULL,"
            " ARRAY[o.reference::text], ARRAY[o.open],"
            " ARRAY[CASE WHEN o.open THEN o.id END], ARRAY[CASE WHEN o.open THEN o.status END],"
            " ARRAY[CASE WHEN o.open THEN o.opened_on END]"
            f" FROM (SELECT c.id, c.reference, c.status::text AS status, c.opened_on,"
            f" {lone_grounds} AS open FROM cases c WHERE c.tenant_id = {a(tenant)}"
            f" AND upper(c.reference::text) = {a(value)} AND c.subject_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM case_people cp"
            " WHERE cp.tenant_id = c.tenant_id AND cp.case_id = c.id)) o"
        )
    return f"""
WITH matched AS ({matched}),
links AS (
    SELECT m.id AS person_id, c.id AS case_id FROM matched m
      JOIN cases c ON c.tenant_id = {t1} AND c.subject_id = m.id
    UNION
    SELECT m.id, cp.case_id FROM matched m
      JOIN case_people cp ON cp.tenant_id = {t2} AND cp.person_id = m.id
),
grounds AS (
    SELECT l.person_id, c.id, c.reference::text AS reference, c.status::text AS status,
           c.opened_on, {grounds} AS open
      FROM links l JOIN cases c ON c.tenant_id = {t3} AND c.id = l.case_id
),
per_person AS (
    SELECT m.id, m.score, m.score2,
           coalesce(bool_or(g.open), {a(manager)}) AS visible,
           array_agg(g.reference ORDER BY g.reference) FILTER (WHERE g.id IS NOT NULL) AS refs,
           array_agg(g.open ORDER BY g.reference) FILTER (WHERE g.id IS NOT NULL) AS opens,
           array_agg(CASE WHEN g.open THEN g.id END ORDER BY g.reference)
             FILTER (WHERE g.id IS NOT NULL) AS ids,
           array_agg(CASE WHEN g.open THEN g.status END ORDER BY g.reference)
             FILTER (WHERE g.id IS NOT NULL) AS statuses,
           array_agg(CASE WHEN g.open THEN g.opened_on END ORDER BY g.reference)
             FILTER (WHERE g.id IS NOT NULL) AS opened
      FROM matched m LEFT JOIN grounds g ON g.person_id = m.id
     GROUP BY m.id, m.score, m.score2
),
hits AS (
    SELECT h.id AS person_id, false AS restricted, h.score, h.score2,
           p.kind::text AS kind, p.first_name::text AS first_name,
           p.last_name::text AS last_name, p.date_of_birth, p.postcode::text AS postcode,
           h.refs, h.opens, h.ids, h.statuses, h.opened
      FROM per_person h JOIN people p ON p.tenant_id = {a(tenant)} AND p.id = h.id
     WHERE h.visible
    UNION ALL
    SELECT NULL::uuid, true, max(h.score), max(h.score2), NULL, NULL, NULL, NULL::date, NULL,
           h.refs, h.opens, h.ids, h.statuses, h.opened
      FROM per_person h
     WHERE NOT h.visible AND h.refs IS NOT NULL
     GROUP BY h.refs, h.opens, h.ids, h.statuses, h.opened
    {lone_case}
)
SELECT hits.*, count(*) OVER () AS total FROM hits
 ORDER BY score DESC, score2 DESC, last_name, first_name, refs, person_id
 LIMIT {a(page.limit)} OFFSET {a(page.offset)}
"""  # noqa: S608


def _hit(row: Mapping[str, Any]) -> SearchHit:
    refs = row["refs"] or []
    cases = tuple(
        CaseRef(reference=ref, restricted=True)
        if not opened
        else CaseRef(
            reference=ref, restricted=False, case_id=case_id, status=status, opened_on=opened_on
        )
        for ref, opened, case_id, status, opened_on in zip(
            refs,
            row["opens"] or [],
            row["ids"] or [],
            row["statuses"] or [],
            row["opened"] or [],
            strict=True,
        )
    )
    if row["restricted"]:
        return SearchHit(restricted=True, cases=cases)
    return SearchHit(
        restricted=False,
        cases=cases,
        person_id=row["person_id"],
        kind=row["kind"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        date_of_birth=row["date_of_birth"],
        postcode=row["postcode"],
    )


async def search(
    query: SearchQuery, staff: StaffView, page: PageRequest, *, trigram: bool | None = None
) -> Page[SearchHit]:
    """One page of hits, best first, with the total. ``trigram``: None detects ``pg_trgm``
    (the normal case); False forces the prefix fallback the embedded database uses."""
    kind, value = query.resolved()
    tenant = current_tenant_id()
    use_trigram = kind is SearchKind.NAME and (
        await trigram_available() if trigram is None else trigram
    )
    args = _Args()
    sql = _sql(kind, value, use_trigram, staff, page, tenant, args)
    db = connection()
    # Planning this query costs more than running it (measured: 1.1 ms against 2.3 ms a
    # search); the generic plan serves every value, so plan once per connection.
    before = await db.fetchval(
        "SELECT current_setting('plan_cache_mode') AS before,"
        " set_config('plan_cache_mode', 'force_generic_plan', true)"
    )
    rows = await db.fetch(sql, *args.values)
    # (After a failure the transaction is aborted, and rolling back restores it anyway.)
    if before in _PLAN_CACHE_MODES:
        # A known constant goes as plain text: one short message, no statement to bind.
        await db.execute(f"SELECT set_config('plan_cache_mode', '{before}', true)")
    else:  # pragma: no cover - PostgreSQL has no other values
        await db.execute("SELECT set_config('plan_cache_mode', $1, true)", before)
    if rows:
        total = int(rows[0]["total"])
    elif page.offset == 0:
        total = 0
    else:  # past the end: count on its own
        count_args = _Args()
        count_sql = _sql(kind, value, use_trigram, staff, PageRequest(limit=1), tenant, count_args)
        counted = await db.fetch(count_sql, *count_args.values)
        total = int(counted[0]["total"]) if counted else 0
    return Page(items=[_hit(r) for r in rows], total=total, limit=page.limit, offset=page.offset)
