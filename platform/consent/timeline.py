"""A case's timeline and its next actions (issue 14): contacts, notes, shares, consent
changes, break-glass events and changes of details, newest first, filterable by kind and a
page at a time; the case's open tasks (rule 24: telling the service user of a share,
consent reviews, follow-ups) beside it.

The case page calls ``case_timeline`` with the case it has just opened (that read is the
audited one); the API's ``timeline`` opens the case itself (need-to-know, audited).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from confide.platform.casework.access import open_case
from confide.platform.casework.schemas import (
    CaseTimeline,
    CaseView,
    NextAction,
    TimelineEntry,
    TimelineKind,
)
from confide.platform.consent import queries
from confide.platform.consent.schemas import ConsentView, NotAskedView
from confide.platform.core.clock import service_today
from confide.platform.core.db import current_tenant_id
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import PageRequest
from confide.platform.identity.schemas import StaffView


def kinds_of(names: Iterable[str]) -> list[TimelineKind]:
    """The kinds asked for (every kind when none is); an unknown one is a 400 naming it."""
    kinds = []
    for name in names:
        try:
            kinds.append(TimelineKind(name))
        except ValueError:
            raise Invalid({"kind": "Choose kinds of event from the list"}) from None
    return kinds or list(TimelineKind)


async def case_timeline(
    case: CaseView, kinds: Iterable[TimelineKind], page: PageRequest
) -> CaseTimeline:
    """The timeline of a case the caller has opened (its read audited), for its reader (a
    parent's view leaves the young person's side out)."""
    return await _timeline(case.id, kinds, page, for_parent=case.parent_view)


async def consent_and_timeline(
    case: CaseView, kinds: Iterable[TimelineKind], page: PageRequest
) -> tuple[ConsentView | None, NotAskedView | None, CaseTimeline]:
    """For the case page, in one round trip: the case's consent now and, where there is
    none, why it was not asked (as ``consents.consent_now``), and ``case_timeline``."""
    chosen = list(dict.fromkeys(kinds)) or list(TimelineKind)
    consent, not_asked, rows = await queries.consent_and_timeline(
        current_tenant_id(),
        case.id,
        service_today(),
        [k.value for k in chosen],
        page,
        for_parent=case.parent_view,
    )
    return consent, None if consent else not_asked, _built(rows, chosen, page)


async def timeline(
    case_id: UUID, staff: StaffView, kinds: Iterable[TimelineKind], page: PageRequest
) -> CaseTimeline:
    """The case's timeline through the API: need-to-know, the read audited."""
    await open_case(case_id, staff, purpose="timeline")
    return await _timeline(case_id, kinds, page, for_parent=False)


async def _timeline(
    case_id: UUID, kinds: Iterable[TimelineKind], page: PageRequest, *, for_parent: bool
) -> CaseTimeline:
    chosen = list(dict.fromkeys(kinds)) or list(TimelineKind)
    rows = await queries.case_timeline(
        current_tenant_id(), case_id, [k.value for k in chosen], page, for_parent=for_parent
    )
    return _built(rows, chosen, page)


def _built(
    rows: queries.TimelineRows, chosen: list[TimelineKind], page: PageRequest
) -> CaseTimeline:
    today = service_today()
    return CaseTimeline(
        items=[
            TimelineEntry(
                kind=TimelineKind(kind), at=at, item_id=item_id, by_name=by, detail=detail
            )
            for kind, at, item_id, by, detail in rows.items
        ],
        total=rows.total,
        limit=page.limit,
        offset=page.offset,
        kinds=chosen,
        next_actions=[
            NextAction(
                kind=kind,
                task_id=task_id,
                due_on=due,
                overdue=due is not None and due < today,
                title=title,
            )
            for task_id, due, kind, title in rows.tasks
        ],
    )
