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

The SQL is built and run in ``queries.search_page``: from constants and ``$n`` placeholders
only, every value the caller gives a bound argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from confide.platform.casework import queries
from confide.platform.casework.schemas import SearchHit, SearchKind
from confide.platform.core.db import current_tenant_id
from confide.platform.core.edge import control_characters
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView

MAX_QUERY_LENGTH = 100
MIN_NAME_LENGTH = 2
# What a superuser runs once per database so that the trigram index is used at all
# (infra/db/01-roles.sh; the test harness too).
LEAKPROOF_STATEMENT = "ALTER FUNCTION word_similarity_commutator_op(text, text) LEAKPROOF"

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_REFERENCE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,9}-[0-9]{4}-[0-9]{1,8}$")  # NM-2026-00042
_DATE_DMY = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")
_DATE_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


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


# Which kind of name search this process uses: None until first detected.
_trigram_available: bool | None = None


async def trigram_available() -> bool:
    """Whether ``pg_trgm`` is installed in this database; asked once per process."""
    global _trigram_available
    if _trigram_available is None:
        _trigram_available = await queries.pg_trgm_installed()
    return _trigram_available


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
    rows, total = await queries.search_page(kind, value, use_trigram, staff, page, tenant)
    return Page(items=rows, total=total, limit=page.limit, offset=page.offset)
