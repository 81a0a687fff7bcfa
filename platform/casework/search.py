"""Find people and cases from one search box: a name (misspelt, first and last swapped,
a nickname), a date of birth as people type it, a phone number, an email address, a
postcode, or a case reference, whole or in part.

Runs inside the caller's ``tenant_transaction``: row-level security keeps every other
tenant out, and each query names the tenant too, so the planner can use the indexes.

Need-to-know (rule 1): a case is open to its current assignees, to anyone
holding an unexpired break-glass grant on it, and to managers. A hit on a person whose
cases are all closed to the searcher is *restricted*: it carries only the case
references, never the name, any other detail or why it matched; the person opens the
case page and uses break-glass there. Restricted details are nulled inside the
database, so they never reach this process. People on no case at all are shown to
managers only.

Names are found by each person's search keys (``matching.py``: folded words, their
sound, name variants such as Kate/Katherine, and, from the query side, every spelling
one edit away), stored in ``person_search_keys``, so the search is as good with or
without ``pg_trgm``; where the extension is installed (detected once per process) its
word similarity adds candidates. Dates of birth, phone numbers, email addresses and
postcodes are keys too; case references are looked up on the cases. Each hit says why
it matched, best reason first. The query text is never logged.

A person's keys are written with the person (``queries.insert_people``); whatever
changes a person's name, date of birth, phone, email or postcode calls
``refresh_search_keys(person_id)`` in the same transaction.

Row-level security trap: the planner uses a condition for an index scan under a policy
only if its function is LEAKPROOF, which only a superuser can declare. Until
``LEAKPROOF_STATEMENT`` has been run in the database, the trigram candidates are correct
but check every person of the tenant (about 3 ms per 1,000 people). The keys' look-ups
(``=`` and ranges on text) are LEAKPROOF already.

The SQL is built and run in ``queries.search_page``: from constants and ``$n`` placeholders
only, every value the caller gives a bound argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from confide.platform.casework import queries
from confide.platform.casework.matching import (
    MatchReason,
    exact_probe,
    name_prefix,
    name_probes,
    name_words,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    person_keys,
    word_count,
)
from confide.platform.casework.queries import KeyLookup
from confide.platform.casework.schemas import SearchHit, SearchKind
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.edge import control_characters
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.identity.schemas import StaffView

__all__ = [
    "LEAKPROOF_STATEMENT",
    "MAX_QUERY_LENGTH",
    "MatchReason",
    "SearchError",
    "SearchHit",
    "SearchKind",
    "SearchQuery",
    "normalise_postcode",
    "refresh_search_keys",
    "search",
    "trigram_available",
]

MAX_QUERY_LENGTH = 100
MIN_NAME_LENGTH = 2
# What a superuser runs once per database so that the trigram index is used at all
# (infra/db/01-roles.sh; the test harness too).
LEAKPROOF_STATEMENT = "ALTER FUNCTION word_similarity_commutator_op(text, text) LEAKPROOF"

_ASK = "Enter a name, date of birth, phone number, email, postcode or case reference"
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_REFERENCE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,9}-[0-9]{4}-[0-9]{1,8}$")  # NM-2026-00042
# Part of a reference: its number, its year and number, or its prefix and number.
_PARTIAL_REFERENCE = re.compile(r"^(?:([A-Z][A-Z0-9]{0,9})-)?(?:([0-9]{4})-)?([0-9]{1,8})$")
_SEP = r"(?:\s*[/.-]\s*|\s+)"
# 14/05/2015, 14.5.15, 14-05-2015, 14 5 2015: day first, as written in England.
_DATE_DMY = re.compile(rf"^([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{2}}|[0-9]{{4}})$")
_DATE_ISO = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
# 14 May 2015, 14th May 15, 14-may-2015; May 14, 2015.
_DATE_WORDS = re.compile(
    r"^([0-9]{1,2})(?:st|nd|rd|th)?[\s/.-]*([A-Za-z]{3,9})[\s/.,-]*([0-9]{2}|[0-9]{4})$"
)
_DATE_MONTH_FIRST = re.compile(
    r"^([A-Za-z]{3,9})[\s.-]*([0-9]{1,2})(?:st|nd|rd|th)?[\s,./-]*([0-9]{2}|[0-9]{4})$"
)
_MONTH_NAMES = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
_MONTHS = {name: n for n, names in enumerate(_MONTH_NAMES, start=1) for name in names}


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
            raise SearchError(_ASK)
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
        if kind is SearchKind.PHONE:
            phone = normalise_phone(text)
            if phone is None:
                raise SearchError("Enter a UK phone number, like 07700 900123")
            return kind, phone
        if kind is SearchKind.EMAIL:
            email = normalise_email(text)
            if email is None:
                raise SearchError("Enter an email address, like name@example.com")
            return kind, email
        if kind is SearchKind.REFERENCE:
            return kind, _reference(text)
        name = text.lower()
        if len(name.replace(" ", "")) < MIN_NAME_LENGTH:
            raise SearchError(f"Enter at least {MIN_NAME_LENGTH} letters of a name")
        if not any(ch.isalpha() for ch in name) or not name_words(name):
            raise SearchError(_ASK)
        return kind, name

    @staticmethod
    def kind_of(text: str) -> SearchKind:
        """Guess what a single search box holds."""
        text = text.strip()
        if "@" in text:
            return SearchKind.EMAIL
        if _date_parts(text) is not None:
            return SearchKind.DATE_OF_BIRTH
        if normalise_phone(text) is not None:
            return SearchKind.PHONE
        compact = _compact_reference(text)
        if _REFERENCE.match(compact) or _PARTIAL_REFERENCE.match(compact):
            return SearchKind.REFERENCE
        if _POSTCODE.match(normalise_postcode(text)):
            return SearchKind.POSTCODE
        return SearchKind.NAME


def _compact_reference(text: str) -> str:
    """Upper case, spaces and slashes between the parts read as ``-``: ``nm 2026 42``
    is ``NM-2026-42``."""
    return re.sub(r"\s*[-/\s]\s*", "-", text.strip()).upper()


def _reference(text: str) -> str:
    """A whole reference in upper case; for part of one, a pattern (starting ``^``) of
    the references it may be: any prefix, any year, the number with or without leading
    zeros. Built from letters, digits and ``-`` only."""
    compact = _compact_reference(text)
    if _REFERENCE.match(compact):
        return compact
    part = _PARTIAL_REFERENCE.match(compact)
    if part is None:
        raise SearchError("Enter a case reference, like NOR-2026-00042, or its number")
    prefix, year, number = part.groups()
    return f"^{prefix or '[A-Z][A-Z0-9]*'}-{year or '[0-9]{4}'}-0*{int(number)}$"


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) as typed, a two-digit year made whole; None: not a date."""
    if iso := _DATE_ISO.match(text):
        return int(iso[1]), int(iso[2]), int(iso[3])
    found: tuple[str, str, str] | None = None
    if dmy := _DATE_DMY.match(text):
        found = (dmy[1], dmy[2], dmy[3])
    elif (words := _DATE_WORDS.match(text)) and words[2].lower() in _MONTHS:
        found = (words[1], str(_MONTHS[words[2].lower()]), words[3])
    elif (first := _DATE_MONTH_FIRST.match(text)) and first[1].lower() in _MONTHS:
        found = (first[2], str(_MONTHS[first[1].lower()]), first[3])
    if found is None:
        return None
    day, month, year = found
    return _whole_year(year), int(month), int(day)


def _whole_year(year: str) -> int:
    """A two-digit year is this century's unless that is in the future: ``15`` is 2015,
    ``98`` is 1998."""
    if len(year) == 4:
        return int(year)
    this = service_today().year
    whole = this - this % 100 + int(year)
    return whole if whole <= this else whole - 100


def _parse_date(text: str) -> date:
    parts = _date_parts(text)
    if parts is not None:
        try:
            return date(*parts)
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


_EXACT_KEYS = {
    SearchKind.POSTCODE: ("p", MatchReason.POSTCODE),
    SearchKind.PHONE: ("t", MatchReason.PHONE),
    SearchKind.EMAIL: ("e", MatchReason.EMAIL),
}


def key_lookup(kind: SearchKind, value: str | date, trigram: bool) -> KeyLookup | None:
    """What to look up in the people's search keys; None for a case reference."""
    if kind is SearchKind.REFERENCE:
        return None
    if isinstance(value, date):
        return KeyLookup(exact_probe("d", value.isoformat(), MatchReason.DATE_OF_BIRTH), 1)
    if kind is SearchKind.NAME:
        return KeyLookup(
            probes=name_probes(value),
            groups=word_count(value),
            prefix=name_prefix(value),
            trigram_name=value if trigram else None,
        )
    prefix, reason = _EXACT_KEYS[kind]
    return KeyLookup(exact_probe(prefix, value, reason), 1)


async def search(
    query: SearchQuery, staff: StaffView, page: PageRequest, *, trigram: bool | None = None
) -> Page[SearchHit]:
    """One page of hits, best first, with the total. ``trigram``: None detects ``pg_trgm``
    (the normal case: its matches join the keys'); False leaves it out, as the embedded
    database must."""
    kind, value = query.resolved()
    tenant = current_tenant_id()
    use_trigram = kind is SearchKind.NAME and (
        await trigram_available() if trigram is None else trigram
    )
    lookup = key_lookup(kind, value, use_trigram)
    rows, total = await queries.search_page(kind, value, lookup, staff, page, tenant)
    return Page(items=rows, total=total, limit=page.limit, offset=page.offset)


async def refresh_search_keys(person_id: UUID) -> None:
    """Write a person's search keys again from the person as stored now. Whatever changes
    a person's name, date of birth, phone, email or postcode calls it in the same
    transaction, after the change."""
    tenant = current_tenant_id()
    person = await queries.person_for_search_keys(tenant, person_id)
    if person is None:
        return
    keys = person_keys(
        person["first_name"],
        person["last_name"],
        person["date_of_birth"],
        person["phone"],
        person["email"],
        person["postcode"],
    )
    await queries.write_search_keys(tenant, [(person_id, keys)])
