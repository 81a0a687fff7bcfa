"""What the case work templates show, built from the services' views: the case page's
model, its timeline, the people on it, safe-contact rules in words, the labels with the
tenant's support levels, and the dashboard's lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from confide.frontend.labels import LABELS
from confide.frontend.paging import page_request
from confide.platform.casework import access, records
from confide.platform.casework.schemas import (
    CaseStatus,
    CaseTimeline,
    CaseView,
    ContactView,
    NoteView,
    PersonView,
    TimelineEntry,
    TimelineKind,
)
from confide.platform.consent import consents, disclosures, tasks
from confide.platform.consent import timeline as case_timeline
from confide.platform.consent.consents import REVIEW_WINDOW_DAYS
from confide.platform.consent.schemas import ConsentView
from confide.platform.core.clock import service_today
from confide.platform.core.pagination import PageRequest
from confide.platform.identity import staff as staff_service
from confide.platform.identity.schemas import StaffView
from confide.platform.tasks import services as task_model
from confide.platform.tasks.schemas import TaskFilter
from confide.tenants.policy.services import PolicyView, get_policy

ALERTS_SHOWN = 10
CASEWORKERS_LISTED = 100


def with_support_levels(policy: PolicyView) -> dict[str, object]:
    """The labels with the tenant's names for support levels 1-4 (their own list)."""
    support = {
        str(level): f"Level {level}: {name}"
        for level, name in enumerate(policy.support_levels, start=1)
    }
    return {**LABELS, "support": support}


def safe_contact_rules(person: PersonView) -> list[str]:
    """What nobody may do when contacting this person (rule 8), said plainly."""
    safe = person.safe_contact
    rules = []
    if not safe.may_phone:
        rules.append("Do not phone.")
    if not safe.may_leave_voicemail:
        rules.append("Do not leave a voicemail.")
    if not safe.may_text:
        rules.append("Do not send texts.")
    if not safe.may_email:
        rules.append("Do not email.")
    if not safe.may_post:
        rules.append("Do not send post.")
    return rules


def safe_contact_allowed(person: PersonView) -> list[str]:
    """The ways this person may be contacted, in words."""
    safe = person.safe_contact
    allowed = [
        ("Phone", safe.may_phone),
        ("Voicemail", safe.may_leave_voicemail),
        ("Text", safe.may_text),
        ("Email", safe.may_email),
        ("Post", safe.may_post),
    ]
    return [name for name, ok in allowed if ok]


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One event of the timeline: a contact or a note with its versions (from the case
    file), or another kind with the timeline's own facts (``entry``)."""

    when: datetime
    kind: str = TimelineKind.CONTACT.value
    contact: ContactView | None = None
    note: NoteView | None = None
    entry: TimelineEntry | None = None


def timeline(case: CaseView, found: CaseTimeline) -> list[TimelineItem]:
    """The timeline's page, newest first, each contact and note with its versions."""
    contacts = {c.contact_id: c for c in case.contacts}
    notes = {n.note_id: n for n in case.notes}
    items = []
    for entry in found.items:
        kind = entry.kind.value
        contact = contacts.get(entry.item_id) if entry.kind is TimelineKind.CONTACT else None
        note = notes.get(entry.item_id) if entry.kind is TimelineKind.NOTE else None
        items.append(TimelineItem(entry.at, kind, contact=contact, note=note, entry=entry))
    return items


def age_on(born: date | None, today: date) -> int | None:
    """Whole years from ``born`` to ``today`` (None: no date of birth)."""
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


TIMELINE_KINDS = (
    (TimelineKind.CONTACT.value, "Contacts"),
    (TimelineKind.NOTE.value, "Notes"),
    (TimelineKind.SHARE.value, "Shares"),
    (TimelineKind.CONSENT.value, "Consent"),
    (TimelineKind.BREAK_GLASS.value, "Break-glass"),
    (TimelineKind.CHANGE.value, "Changes of details"),
)


def people_of(case: CaseView) -> list[tuple[str, PersonView]]:
    """Everyone on the case with their part in it, the child or young person first; not
    those who must not be told about it (``must_not_be_told``)."""
    people: list[tuple[str, PersonView]] = []
    if case.subject is not None:
        people.append(("Child or young person", case.subject))
    people += [
        ("Parent or carer" if p.relationship == "parent_or_carer" else "Other", p.person)
        for p in case.people
        if not p.must_not_be_told
    ]
    return people


def must_not_be_told(case: CaseView) -> list[PersonView]:
    """Who must not be told about the case (rule 22): never offered as a way to contact or
    tell the client, and named in a warning wherever the case is shown."""
    return [p.person for p in case.people if p.must_not_be_told]


def safe_contact(case: CaseView) -> dict[str, Any]:
    """The people on the case and how each may be contacted: shown wherever someone is about
    to make contact (rule 8); and who must not be told about it (rule 22)."""
    return {
        "people": people_of(case),
        "rules": safe_contact_rules,
        "allowed": safe_contact_allowed,
        "not_told": must_not_be_told(case),
    }


def review_soon(consent: ConsentView | None) -> bool:
    """Not yet lapsed, but due for review within the dashboard's window."""
    if consent is None or consent.lapsed:
        return False
    return (consent.review_due - service_today()).days <= REVIEW_WINDOW_DAYS


async def case_page(
    case: CaseView, staff: StaffView, kinds: Sequence[str] = (), page: int = 1
) -> dict[str, Any]:
    """The case page's model. The case was opened (an audited read) by the caller; its
    consent is part of it; a manager sees whom else the case may be assigned to; the
    timeline shows ``kinds`` (all when none), ``page`` by ``page``."""
    current = [a for a in case.assignments if a.ended_at is None]
    caseworkers: list[StaffView] = []
    if access.is_manager(staff):
        listed = await staff_service.list_staff(PageRequest(limit=CASEWORKERS_LISTED))
        assigned = {a.staff_id for a in current}
        caseworkers = [s for s in listed.items if access.works_cases(s) and s.id not in assigned]
    chosen = case_timeline.kinds_of(kinds)
    consent, not_asked, found = await case_timeline.consent_and_timeline(
        case, chosen, page_request(page)
    )
    if case.anonymous:  # nobody to give it
        consent, not_asked = None, None
    today = service_today()
    return {
        "case": case,
        "timeline": timeline(case, found),
        "timeline_total": found.total,
        "timeline_page": page,
        "timeline_pages": found.page_count,
        "timeline_kinds": TIMELINE_KINDS,
        "kinds_chosen": [k.value for k in chosen] if kinds else [],
        "kinds_query": "".join(f"kind={quote(k)}&" for k in kinds),
        "next_actions": found.next_actions,
        "child_age": age_on(case.subject.date_of_birth, today) if case.subject else None,
        "may_change": access.may_change(case),
        "may_reopen": case.status == CaseStatus.CLOSED and access.may_change(case),
        "current": current,
        "caseworkers": caseworkers,
        "is_manager": access.is_manager(staff),
        "may_close": records.may_close(case),
        "consent": consent,
        "not_asked": not_asked,
        "review_soon": review_soon(consent),
        "labels": with_support_levels(await get_policy()),
        **safe_contact(case),
    }


async def dashboard(staff: StaffView, page: int) -> dict[str, Any]:
    """The dashboard's lists: my open cases, cases awaiting consent, consent reviews due,
    shares allowed but not sent, tell-the-client tasks and my tasks due; for managers,
    recent break-glass alerts and requests to authorise a share. Someone suspended, or with
    the admin role alone, sees none of them."""
    lists: dict[str, Any] = {
        "cases": None,
        "alerts": None,
        "reviews": None,
        "awaiting_consent": None,
        "unsent": None,
        "tasks": None,
        "due": None,
        "awaiting": None,
        "labels": LABELS,
        "page": page,
        "pages": 1,
    }
    first = PageRequest(limit=ALERTS_SHOWN)
    if access.works_cases(staff):
        mine = await records.list_my_cases(staff, page_request(page))
        lists.update(cases=mine.items, pages=mine.page_count, total=mine.total)
        not_asked = await consents.awaiting_consent(staff, first)
        lists.update(awaiting_consent=not_asked.items, awaiting_consent_total=not_asked.total)
        due = await consents.reviews_due(staff, first)
        lists.update(reviews=due.items, reviews_total=due.total)
        unsent = await disclosures.unsent(staff, first)
        lists.update(unsent=unsent.items, unsent_total=unsent.total)
        lists["unsent_days"] = (await get_policy()).unsent_share_days
        open_tasks = await tasks.open_tasks(staff, first)
        lists.update(tasks=open_tasks.items, tasks_total=open_tasks.total)
        # Rule 24: what is due, from the one task model (the person's own, and for a
        # manager the managers' queue), soonest first.
        due_tasks = await task_model.list_tasks(staff, TaskFilter(), first)
        lists.update(due=due_tasks.items, due_total=due_tasks.total)
    if access.is_manager(staff):
        alerts = await access.break_glass_alerts(staff, first)
        lists.update(alerts=alerts.items, alerts_total=alerts.total)
        waiting = await disclosures.awaiting_authorisation(staff, first)
        lists.update(awaiting=waiting.items, awaiting_total=waiting.total)
    return lists
