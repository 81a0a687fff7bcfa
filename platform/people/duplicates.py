"""The duplicate check before a new person is recorded (one person across cases).

Likely matches come from the one search (``casework.search.search``: names tolerant of
misspellings, date of birth, postcode, phone, email), so need-to-know is decided where
search decides it. A person the member of staff may know about (on a case they are
assigned to or hold a break-glass grant for; anyone for a manager) is offered in full,
with only the cases they may open. Anyone else is told only ``ASK_A_MANAGER``: no name,
no reference, no count (rule 1). Every check is audited, with counts only.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from confide.platform.audit import services as audit
from confide.platform.audit.actions import Action
from confide.platform.casework import search
from confide.platform.casework.access import NotPermitted, works_cases
from confide.platform.casework.schemas import PersonKind, SearchHit, SearchKind
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import MAX_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.people import queries
from confide.platform.people.schemas import (
    ASK_A_MANAGER,
    Candidate,
    DuplicateCheck,
    PossibleMatch,
)

NAME = "name"
DATE_OF_BIRTH = "date_of_birth"
POSTCODE = "postcode"
PHONE = "phone"
EMAIL = "email"
# A person's own number or address: a match on it alone is likely the same person.
_OWN = {PHONE, EMAIL}


def _queries(candidate: Candidate) -> list[tuple[str, search.SearchQuery]]:
    found = []
    name = f"{candidate.first_name.strip()} {candidate.last_name.strip()}".strip()
    if candidate.first_name.strip() and candidate.last_name.strip():
        found.append((NAME, search.SearchQuery(name, SearchKind.NAME)))
    if candidate.date_of_birth is not None:
        born = candidate.date_of_birth.isoformat()
        found.append((DATE_OF_BIRTH, search.SearchQuery(born, SearchKind.DATE_OF_BIRTH)))
    if candidate.postcode and candidate.postcode.strip():
        found.append((POSTCODE, search.SearchQuery(candidate.postcode, SearchKind.POSTCODE)))
    if candidate.phone and candidate.phone.strip():
        found.append((PHONE, search.SearchQuery(candidate.phone, SearchKind.PHONE)))
    if candidate.email and candidate.email.strip():
        found.append((EMAIL, search.SearchQuery(candidate.email, SearchKind.EMAIL)))
    return found


def likely(matched_on: set[str]) -> bool:
    """A match worth offering: the name (with misspellings), their own phone number or
    email address, or two other things at once (a date of birth alone is shared by too
    many)."""
    return bool(matched_on & ({NAME} | _OWN)) or len(matched_on) >= 2


async def check(candidate: Candidate, staff: StaffView, page: PageRequest) -> DuplicateCheck:
    """A page of possible matches for ``candidate``, best first; audited."""
    if not works_cases(staff):
        raise NotPermitted("case work is for caseworkers and managers")
    candidate.validate()
    hits: dict[UUID, tuple[SearchHit, set[str]]] = {}
    hidden = False
    for criterion, query in _queries(candidate):
        try:
            found = await search.search(query, staff, PageRequest(limit=MAX_PAGE_SIZE))
        except search.SearchError as error:
            raise Invalid({criterion: error.errors["q"]}) from error
        for hit in found.items:
            if hit.restricted or hit.person_id is None:
                # A name, or their own number or address, says it may be the same
                # person; and nothing of it is told.
                hidden = hidden or criterion in {NAME} | _OWN
                continue
            hits.setdefault(hit.person_id, (hit, set()))[1].add(criterion)
    # A merged record's tombstone is no-one to link: its survivor is found instead.
    for merged in await queries.merged_among(current_tenant_id(), list(hits)):
        del hits[merged]
    # Most things matched first, then in the search's own order (best first).
    order = {person_id: i for i, person_id in enumerate(hits)}
    ranked = sorted(
        (
            _match(hit, matched_on)
            for hit, matched_on in hits.values()
            if likely(matched_on)
            and hit.person_id is not None
            and (candidate.kind is None or hit.kind == candidate.kind.value)
        ),
        key=lambda m: (-len(m.matched_on), order[m.person_id]),
    )
    await audit.record(
        Action.DUPLICATE_CHECK,
        actor_kind="staff",
        actor_id=staff.id,
        subject_kind="person",
        detail={"offered": len(ranked), "hidden": hidden},
    )
    return DuplicateCheck(
        matches=ranked[page.offset : page.offset + page.limit],
        total=len(ranked),
        limit=page.limit,
        offset=page.offset,
        hidden=hidden,
        hidden_message=ASK_A_MANAGER if hidden else None,
    )


def _match(hit: SearchHit, matched_on: set[str]) -> PossibleMatch:
    assert hit.person_id is not None
    return PossibleMatch(
        person_id=hit.person_id,
        kind=hit.kind or "",
        first_name=hit.first_name or "",
        last_name=hit.last_name or "",
        date_of_birth=hit.date_of_birth,
        postcode=hit.postcode,
        matched_on=tuple(
            c for c in (NAME, DATE_OF_BIRTH, POSTCODE, PHONE, EMAIL) if c in matched_on
        ),
        # Only the cases they may open: not even the reference of any other.
        cases=tuple(c for c in hit.cases if not c.restricted),
    )


def candidate_of(
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    postcode: str | None,
    kind: PersonKind | None = None,
    *,
    phone: str | None = None,
    email: str | None = None,
) -> Candidate:
    """A candidate from what an enquiry form holds for one person."""
    return Candidate(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        phone=phone,
        email=email,
        kind=kind,
    )
