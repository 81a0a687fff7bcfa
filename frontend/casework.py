"""Staff pages for case work: new enquiries, the case page, break-glass, access history, search.

Every page calls the same domain services as the JSON API (``casework.records``,
``casework.access``, ``casework.search``), so need-to-know and the audit trail are
theirs: opening a case page is ``records.get_case`` and so an audited read. Forms
are plain HTML posts (no JavaScript needed); a form with problems comes back with
an error summary, each field's message and everything that was typed; a form that
worked redirects (Post/Redirect/Get).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_403_FORBIDDEN

from confide.frontend.casework_forms import (
    NOT_ASKED,
    PARENT,
    SAFE_CONTACT_FIELDS,
    YOUNG_PERSON,
    Submitted,
    anchor,
    consent_defaults,
    contact_from_form,
    enquiry_field,
    enquiry_from_form,
    read_form,
)
from confide.frontend.labels import LABELS
from confide.frontend.templating import page_context, paged_template
from confide.platform.casework import access, records
from confide.platform.casework.access import CaseRestricted
from confide.platform.casework.schemas import (
    CaseView,
    CloseCase,
    ContactedBy,
    ContactView,
    Grounds,
    NewNote,
    NoteCorrection,
    NoteView,
    PersonView,
    ReferralRoute,
    Side,
)
from confide.platform.casework.search import MAX_QUERY_LENGTH, SearchError, SearchQuery, search
from confide.platform.consent import consents, disclosures, tasks
from confide.platform.consent.consents import REVIEW_WINDOW_DAYS
from confide.platform.consent.first_contact import first_contact_errors, record_first_contact
from confide.platform.consent.schemas import ConsentView
from confide.platform.core.clock import service_today
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import PageRequest
from confide.platform.identity import staff as staff_service
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.platform.identity.web import case_worker, current_staff, manager
from confide.tenants.policy.services import PolicyView, get_policy
from confide.tenants.resolution import tenant_base_path
from confide.tenants.roles import StaffRole
from confide.tenants.schemas import TenantView

PAGE_SIZE = 20
ALERTS_SHOWN = 10
PageNumber = Annotated[int, QueryParameter(ge=1, le=10_000)]


def with_support_levels(policy: PolicyView) -> dict[str, object]:
    """The labels with the tenant's names for support levels 1-4 (their own list)."""
    support = {
        str(level): f"Level {level}: {name}"
        for level, name in enumerate(policy.support_levels, start=1)
    }
    return {**LABELS, "support": support}


def safe_contact_rules(person: PersonView) -> list[str]:
    """What nobody may do when contacting this person (DESIGN rule 8), said plainly."""
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
    when: datetime
    contact: ContactView | None = None
    note: NoteView | None = None


def timeline(case: CaseView) -> list[TimelineItem]:
    """Contacts and notes, newest first (a note dates from its first version)."""
    items = [TimelineItem(c.occurred_at, contact=c) for c in case.contacts]
    items += [
        TimelineItem(n.history[-1].recorded_at if n.history else n.current.recorded_at, note=n)
        for n in case.notes
    ]
    return sorted(items, key=lambda i: i.when, reverse=True)


def people_of(case: CaseView) -> list[tuple[str, PersonView]]:
    """Everyone on the case with their part in it, the child or young person first."""
    people: list[tuple[str, PersonView]] = []
    if case.subject is not None:
        people.append(("Child or young person", case.subject))
    people += [
        ("Parent or carer" if p.relationship == "parent_or_carer" else "Other", p.person)
        for p in case.people
    ]
    return people


def _page(page: int) -> PageRequest:
    return PageRequest(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)


def review_soon(consent: ConsentView | None) -> bool:
    """Not yet lapsed, but due for review within the dashboard's window."""
    if consent is None or consent.lapsed:
        return False
    return (consent.review_due - service_today()).days <= REVIEW_WINDOW_DAYS


async def dashboard_context(staff: StaffView, page: int) -> dict[str, Any]:
    """The dashboard's lists: my open cases, cases awaiting consent, consent reviews due,
    shares allowed but not sent, and tell-the-client tasks; for managers, recent break-glass
    alerts and requests to authorise a share."""
    context: dict[str, Any] = {
        "cases": None,
        "alerts": None,
        "reviews": None,
        "awaiting_consent": None,
        "unsent": None,
        "tasks": None,
        "awaiting": None,
        "page": page,
        "pages": 1,
    }
    if staff.status is StaffStatus.ACTIVE and staff.has(StaffRole.CASEWORKER, StaffRole.MANAGER):
        mine = await records.list_my_cases(staff, _page(page))
        context.update(cases=mine.items, pages=mine.page_count, total=mine.total)
        first = PageRequest(limit=ALERTS_SHOWN)
        not_asked = await consents.awaiting_consent(staff, first)
        context.update(awaiting_consent=not_asked.items, awaiting_consent_total=not_asked.total)
        due = await consents.reviews_due(staff, first)
        context.update(reviews=due.items, reviews_total=due.total)
        unsent = await disclosures.unsent(staff, first)
        context.update(unsent=unsent.items, unsent_total=unsent.total)
        context["unsent_days"] = (await get_policy()).unsent_share_days
        open_tasks = await tasks.open_tasks(staff, first)
        context.update(tasks=open_tasks.items, tasks_total=open_tasks.total)
    if staff.status is StaffStatus.ACTIVE and staff.has(StaffRole.MANAGER):
        alerts = await access.break_glass_alerts(staff, PageRequest(limit=ALERTS_SHOWN))
        context.update(alerts=alerts.items, alerts_total=alerts.total)
        waiting = await disclosures.awaiting_authorisation(staff, PageRequest(limit=ALERTS_SHOWN))
        context.update(awaiting=waiting.items, awaiting_total=waiting.total)
    return context


def _side(form: Submitted) -> Side:
    """A young person's confidences stay off the parent's side of the record (DESIGN rule 15)."""
    return Side.YOUNG_PERSON_ONLY if form.get("side") == Side.YOUNG_PERSON_ONLY else Side.SHARED


def _is_manager(request: Request[Any, Any, Any]) -> bool:
    me = current_staff(request)
    return me is not None and me.has(StaffRole.MANAGER)


async def restricted_page(
    request: Request[Any, Any, Any],
    case_id: UUID,
    reason: str = "",
    errors: dict[str, str] | None = None,
) -> Template:
    """A case the person has no need-to-know for: only that it exists, and break-glass."""
    errors = errors or {}
    hours = (await get_policy()).break_glass_hours
    return Template(
        "cases/restricted.html",
        context=page_context(
            request,
            case_id=case_id,
            hours=hours,
            form={"reason": reason},
            errors=errors,
            is_manager=_is_manager(request),
        ),
        status_code=HTTP_400_BAD_REQUEST if errors else HTTP_403_FORBIDDEN,
    )


class CaseworkPages(Controller):
    """Case work pages: caseworkers and managers; each case further behind need-to-know."""

    path = "/"
    include_in_schema = False
    guards = [case_worker]

    # A new enquiry

    @get("/enquiries/new", name="enquiry-new")
    async def new_enquiry(self, request: Request[Any, Any, Any]) -> Template:
        """The whole first contact on one page, laid out in sections."""
        form = Submitted(
            {"referral_route": ReferralRoute.SELF.value, **consent_defaults(service_today())}
        )
        return self._enquiry_page(request, await get_policy(), form, {})

    @post("/enquiries/new", name="enquiry-create", middleware=[idempotent()])
    async def create_enquiry(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        submitted = read_form(await request.form())
        policy = await get_policy()
        errors: dict[str, str] = {}
        enquiry, contact = enquiry_from_form(submitted, errors)
        # Check everything first (the enquiry, the consent answer, the first contact), so
        # one pass shows every problem; the service checks it all again as it saves.
        invalid = await first_contact_errors(enquiry)
        if contact is not None:
            try:
                contact.validate()
            except Invalid as bad_contact:
                invalid.update({f"contact.{k}": v for k, v in bad_contact.errors.items()})
        for key, message in invalid.items():
            field = f"contact-{key[8:]}" if key.startswith("contact.") else enquiry_field(key)
            errors.setdefault(field, message)
        if errors or contact is None:
            return self._enquiry_page(
                request, policy, submitted, errors, status_code=HTTP_400_BAD_REQUEST
            )
        try:
            case = await record_first_contact(enquiry, staff)
        except Invalid as invalid:  # checked above; the service checks it again
            errors = {enquiry_field(k): v for k, v in invalid.errors.items()}
            return self._enquiry_page(
                request, policy, submitted, errors, status_code=HTTP_400_BAD_REQUEST
            )
        with_person = self._who_contacted(case)
        if with_person is not None:
            contact.with_person_id = with_person
        await records.add_contact(case.id, staff, contact)
        base = tenant_base_path(request, tenant)
        return Redirect(f"{base}/cases/{case.id}?created=true", status_code=HTTP_303_SEE_OTHER)

    @staticmethod
    def _who_contacted(case: CaseView) -> UUID | None:
        if case.contacted_by == ContactedBy.YOUNG_PERSON and case.subject is not None:
            return case.subject.id
        if case.contacted_by in (ContactedBy.PARENT, ContactedBy.CARER) and case.people:
            return case.people[0].person.id
        return None

    def _enquiry_page(
        self,
        request: Request[Any, Any, Any],
        policy: PolicyView,
        form: Submitted,
        errors: dict[str, str],
        *,
        status_code: int = 200,
    ) -> Template:
        return Template(
            "cases/new_enquiry.html",
            context=page_context(
                request,
                form=form,
                errors=errors,
                anchors={k: anchor(k) for k in errors},
                topics=policy.topics,
                roles=policy.professional_roles,
                not_asked=NOT_ASKED,
                labels=with_support_levels(policy),
                safe_fields=SAFE_CONTACT_FIELDS,
                yp=YOUNG_PERSON,
                parent=PARENT,
            ),
            status_code=status_code,
        )

    # The case page and what is done from it

    @get("/cases/{case_id:uuid}", name="case")
    async def case_page(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        done: Annotated[str, QueryParameter()] = "",
        created: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        """The case file (an audited read); a restricted case offers break-glass instead."""
        try:
            case = await records.get_case(case_id, staff, purpose="view")
        except CaseRestricted:
            return await restricted_page(request, case_id, "", {})
        return await self._case_page(request, case, staff, done="created" if created else done)

    async def _case_page(
        self,
        request: Request[Any, Any, Any],
        case: CaseView,
        staff: StaffView,
        *,
        done: str = "",
        form: Mapping[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        current = [a for a in case.assignments if a.ended_at is None]
        caseworkers: list[StaffView] = []
        if staff.has(StaffRole.MANAGER):
            listed = await staff_service.list_staff(PageRequest(limit=100))
            assigned = {a.staff_id for a in current}
            caseworkers = [
                s
                for s in listed.items
                if s.status is StaffStatus.ACTIVE
                and s.has(StaffRole.CASEWORKER, StaffRole.MANAGER)
                and s.id not in assigned
            ]
        # The case was opened (an audited read) by the caller; the consent is part of it.
        consent = None if case.anonymous else await consents.current_consent(case.id)
        not_asked = None if consent or case.anonymous else await consents.not_asked(case.id)
        return Template(
            "cases/case.html",
            context=page_context(
                request,
                case=case,
                people=people_of(case),
                timeline=timeline(case),
                current=current,
                caseworkers=caseworkers,
                is_manager=staff.has(StaffRole.MANAGER),
                may_close=case.status == "open" and case.grounds is not Grounds.BREAK_GLASS,
                consent=consent,
                not_asked=not_asked,
                review_soon=review_soon(consent),
                done=done,
                form=form or {},
                errors=errors or {},
                labels=with_support_levels(await get_policy()),
                rules=safe_contact_rules,
                allowed=safe_contact_allowed,
            ),
            status_code=status_code,
        )

    @post("/cases/{case_id:uuid}/break-glass", name="case-break-glass")
    async def break_glass(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Open a restricted case with a recorded reason; managers are alerted."""
        reason = str((await request.form()).get("reason", ""))
        try:
            await access.break_glass(case_id, staff, reason)
        except Invalid as invalid:
            return await restricted_page(request, case_id, reason, invalid.errors)
        base = tenant_base_path(request, tenant)
        return Redirect(f"{base}/cases/{case_id}", status_code=HTTP_303_SEE_OTHER)

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        template: str,
        case_id: UUID,
        staff: StaffView,
        form: Mapping[str, str],
        errors: dict[str, str],
        **extra: Any,
    ) -> Template | Redirect:
        try:
            case = await records.get_case(case_id, staff, purpose="record")
        except CaseRestricted:
            return await restricted_page(request, case_id, "", {})
        return Template(
            template,
            context=page_context(
                request,
                case=case,
                people=people_of(case),
                form=form,
                errors=errors,
                anchors={k: anchor(k) for k in errors},
                labels=LABELS,
                rules=safe_contact_rules,
                allowed=safe_contact_allowed,
                **extra,
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else 200,
        )

    def _back(
        self, request: Request[Any, Any, Any], tenant: TenantView, case_id: UUID, done: str
    ) -> Redirect:
        base = tenant_base_path(request, tenant)
        return Redirect(f"{base}/cases/{case_id}?done={done}", status_code=HTTP_303_SEE_OTHER)

    @get("/cases/{case_id:uuid}/contacts/new", name="case-contact-new")
    async def contact_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Record a contact, with everyone's safe-contact preferences shown first."""
        return await self._form_page(request, "cases/contact.html", case_id, staff, {}, {})

    @post("/cases/{case_id:uuid}/contacts", name="case-contact-add", middleware=[idempotent()])
    async def add_contact(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = read_form(await request.form())
        errors: dict[str, str] = {}
        contact = contact_from_form(form.values, errors)
        if contact is not None:
            contact.side = _side(form)
        with_person = form.get("with_person_id")
        if contact is not None and with_person:
            try:
                contact.with_person_id = UUID(with_person)
            except ValueError:
                errors["with_person_id"] = "Choose someone on this case"
        if contact is not None and not errors:
            try:
                await records.add_contact(case_id, staff, contact)
            except Invalid as invalid:
                errors.update(invalid.errors)
            else:
                return self._back(request, tenant, case_id, "contact")
        return await self._form_page(
            request, "cases/contact.html", case_id, staff, form.values, errors
        )

    @get("/cases/{case_id:uuid}/notes/new", name="case-note-new")
    async def note_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        return await self._form_page(request, "cases/note.html", case_id, staff, {}, {})

    @post("/cases/{case_id:uuid}/notes", name="case-note-add", middleware=[idempotent()])
    async def add_note(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = read_form(await request.form())
        try:
            await records.add_note(case_id, staff, NewNote(body=form.get("body"), side=_side(form)))
        except Invalid as invalid:
            return await self._form_page(
                request, "cases/note.html", case_id, staff, form.values, invalid.errors
            )
        return self._back(request, tenant, case_id, "note")

    @get("/cases/{case_id:uuid}/notes/{note_id:uuid}/correct", name="case-note-correct-form")
    async def correction_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        note_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        return await self._correction_page(request, case_id, note_id, staff, None, {})

    async def _correction_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        note_id: UUID,
        staff: StaffView,
        form: Mapping[str, str] | None,
        errors: dict[str, str],
    ) -> Template | Redirect:
        try:
            case = await records.get_case(case_id, staff, purpose="record")
        except CaseRestricted:
            return await restricted_page(request, case_id, "", {})
        note = next((n for n in case.notes if n.note_id == note_id), None)
        if note is None:
            raise NotFoundException()
        return Template(
            "cases/correct_note.html",
            context=page_context(
                request,
                case=case,
                note=note,
                form=form if form is not None else {"body": note.current.body},
                errors=errors,
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else 200,
        )

    @post("/cases/{case_id:uuid}/notes/{note_id:uuid}/corrections", name="case-note-correct")
    async def correct_note(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        note_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = read_form(await request.form())
        correction = NoteCorrection(body=form.get("body"), reason=form.get("reason"))
        try:
            await records.correct_note(case_id, note_id, staff, correction)
        except Invalid as invalid:
            return await self._correction_page(
                request, case_id, note_id, staff, form.values, invalid.errors
            )
        return self._back(request, tenant, case_id, "corrected")

    @get("/cases/{case_id:uuid}/close", name="case-close-form")
    async def close_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        return await self._form_page(request, "cases/close.html", case_id, staff, {}, {})

    @post("/cases/{case_id:uuid}/close", name="case-close")
    async def close_case(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = read_form(await request.form())
        try:
            await records.close_case(case_id, staff, CloseCase(outcome=form.get("outcome")))
        except Invalid as invalid:
            errors = {("outcome" if k == "case" else k): v for k, v in invalid.errors.items()}
            return await self._form_page(
                request, "cases/close.html", case_id, staff, form.values, errors
            )
        return self._back(request, tenant, case_id, "closed")

    @post("/cases/{case_id:uuid}/assignments", name="case-assign", guards=[manager])
    async def change_assignment(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Assign or unassign a caseworker (managers); history is kept."""
        form = read_form(await request.form())
        assigned = form.get("assigned", "true") != "false"
        errors: dict[str, str] = {}
        try:
            staff_id = UUID(form.get("staff_id"))
        except ValueError:
            errors["staff_id"] = "Choose a caseworker"
        else:
            try:
                await records.change_assignment(case_id, staff, staff_id, assigned=assigned)
            except Invalid as invalid:
                errors.update(invalid.errors)
            else:
                return self._back(
                    request, tenant, case_id, "assigned" if assigned else "unassigned"
                )
        case = await records.get_case(case_id, staff, purpose="view")
        return await self._case_page(
            request, case, staff, form=form.values, errors=errors, status_code=HTTP_400_BAD_REQUEST
        )

    @get("/cases/{case_id:uuid}/access-history", name="case-access-history", guards=[manager])
    async def access_history(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Who opened the case, when, on what grounds (reading it is audited too)."""
        history = await access.access_history(case_id, staff, _page(page))
        return paged_template(
            request, "cases/access_history.html", history, page, case_id=case_id, labels=LABELS
        )

    @get("/break-glass", name="break-glass-log", guards=[manager])
    async def break_glass_log(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """The service's whole break-glass log, a page at a time (managers)."""
        log = await access.break_glass_alerts(staff, _page(page))
        return Template(
            "cases/break_glass_log.html",
            context=page_context(
                request, alerts=log.items, total=log.total, page=page, pages=log.page_count
            ),
        )

    @get("/cases/by-reference/{reference:str}", name="case-by-reference")
    async def case_by_reference(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        reference: FromPath[str],
    ) -> Redirect:
        """From a search hit's reference to the case page (restricted or not, as it is for you)."""
        if len(reference) > 20:
            raise NotFoundException()
        case_id = await access.case_id_for(reference)
        base = tenant_base_path(request, tenant)
        return Redirect(f"{base}/cases/{case_id}", status_code=HTTP_303_SEE_OTHER)

    # Search

    @get("/search", name="search")
    async def search_page(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        q: Annotated[str, QueryParameter()] = "",
        page: PageNumber = 1,
    ) -> Template:
        """Find a person or case by name (typos allowed), date of birth, postcode or reference.
        A query search cannot use (too long, control characters) comes back on this page with
        its error, cut to the length a query may have: never Litestar's JSON 400."""
        errors: dict[str, str] = {}
        hits = None
        pages = 1
        total = 0
        if q.strip():
            try:
                found = await search(SearchQuery(q), staff, _page(page))
            except SearchError as invalid:
                errors.update(invalid.errors)
                q = q[:MAX_QUERY_LENGTH]
            else:
                hits, pages, total = found.items, found.page_count, found.total
        return Template(
            "cases/search.html",
            context=page_context(
                request,
                form={"q": q},
                errors=errors,
                hits=hits,
                total=total,
                page=page,
                pages=pages,
                query=urlencode({"q": q}) + "&" if q else "",
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else 200,
        )
