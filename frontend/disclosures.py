"""Staff pages for sharing information: the share journey with the consent check explained,
manager authorisation, recording that a share was sent (or will not be), the disclosure log
and printable record, and tell-the-client tasks.

Every page calls the consent domain services (``consent.disclosures``, ``consent.tasks``),
so the consent check, need-to-know and the audit trail are theirs. Nothing is ticked for
the person sharing (need-to-know, policy 4.5); a share the check refuses is explained in
words, and a manager may record a legal basis instead (DESIGN rules 6 and 7). Forms are
plain HTML posts: a problem comes back with an error summary and everything typed; a form
that worked redirects (Post/Redirect/Get).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_409_CONFLICT,
)

from confide.frontend.casework import people_of, safe_contact_allowed, safe_contact_rules
from confide.frontend.casework_forms import choice, form_date
from confide.frontend.labels import LABELS, SEND_METHOD_LABELS, TELL_METHOD_LABELS
from confide.frontend.templating import page_context, paged_template
from confide.platform.casework import records
from confide.platform.casework.access import (
    NotPermitted,
    is_manager,
)
from confide.platform.casework.schemas import CaseView, Side
from confide.platform.consent import disclosures, tasks
from confide.platform.consent.consents import current_consent
from confide.platform.consent.disclosures import (
    FIELD_LABELS,
    LEGAL_BASIS_LABELS,
    DisclosureRefused,
    contact_detail,
    field_text,
    recipient_roles,
)
from confide.platform.consent.schemas import (
    Authorisation,
    CancelShare,
    CaseField,
    Decline,
    DelayTelling,
    DisclosureCheck,
    ItemKind,
    ItemRef,
    LegalBasis,
    NewDisclosure,
    SendMethod,
    SentDisclosure,
    TellMethod,
    ToldClient,
)
from confide.platform.core.clock import service_today
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import PageRequest
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker, manager
from confide.tenants.policy.services import get_policy
from confide.tenants.resolution import tenant_base_path
from confide.tenants.schemas import TenantView

PAGE_SIZE = 20
PREVIEW_CHARS = 120
PageNumber = Annotated[int, QueryParameter(ge=1, le=10_000)]
ACTIONS = ("check", "share", "ask")
DATE_FIELDS = ("told_on", "new_due_on", "sent_on")


@dataclass(frozen=True, slots=True)
class ItemChoice:
    """One checkbox of the share form: what it shares, in words."""

    key: str  # "note:<id>", "contact:<id>" or "field:<name>"
    element_id: str
    label: str
    hint: str
    young_person_only: bool = False


@dataclass
class ShareForm:
    """What was typed on the share form, kept to fill it (or its hidden inputs) again."""

    values: dict[str, str] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)


def _page(page: int) -> PageRequest:
    return PageRequest(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)


# Errors about the whole request rather than one field link to the page's content.
WHOLE_PAGE_ERRORS = ("case", "disclosure", "task", "ask_manager")


def _anchors(errors: Mapping[str, str]) -> dict[str, str]:
    def target(key: str) -> str:
        if key in DATE_FIELDS:
            return f"{key}-day"
        return "main-content" if key in WHOLE_PAGE_ERRORS else key

    return {k: target(k) for k in errors}


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"


def item_choices(case: CaseView) -> list[tuple[str, list[ItemChoice]]]:
    """Every item of the case that can be shared, grouped: notes, contacts, case details."""
    notes = [
        (
            f"note:{n.note_id}",
            f"Note of {n.current.recorded_at.day} {n.current.recorded_at:%B %Y}"
            + (" (corrected)" if n.history else ""),
            _shorten(n.current.body),
            n.side is Side.YOUNG_PERSON_ONLY,
        )
        for n in sorted(case.notes, key=lambda n: n.current.recorded_at, reverse=True)
    ]
    contacts = [
        (
            f"contact:{c.id}",
            f"{c.kind.replace('_', ' ').capitalize()} on {c.occurred_at.day} {c.occurred_at:%B %Y}",
            _shorten(c.summary),
            c.side is Side.YOUNG_PERSON_ONLY,
        )
        for c in sorted(case.contacts, key=lambda c: c.occurred_at, reverse=True)
    ]
    fields = [
        (f"field:{f.value}", FIELD_LABELS[f], value, False)
        for f in CaseField
        if (value := field_text(case, f)) is not None
    ]
    details = [
        (f"{kind.value}:{person.id}", f"{label} ({part.lower()})", text, False)
        for part, person in people_of(case)
        for kind in (ItemKind.ADDRESS, ItemKind.PHONE)
        for label, text in [contact_detail(person, kind)]
        if text is not None
    ]
    groups: list[tuple[str, list[ItemChoice]]] = []
    count = 0
    for title, entries in (
        ("Notes", notes),
        ("Contacts", contacts),
        ("Case details", fields),
        ("Contact details (for a safeguarding referral, for example)", details),
    ):
        choices = []
        for key, label, hint, yp_only in entries:
            element_id = "items" if count == 0 else f"items-{count}"
            choices.append(ItemChoice(key, element_id, label, hint, yp_only))
            count += 1
        if choices:
            groups.append((title, choices))
    return groups


def read_share_form(form: FormMultiDict) -> ShareForm:
    values = {
        str(key): str(form.get(key, "")).strip()
        for key in form
        if key not in ("_csrf_token", "items")
    }
    items = [str(i) for i in form.getall("items", [])]
    return ShareForm(values, items)


def _item_refs(keys: list[str], errors: dict[str, str]) -> list[ItemRef]:
    refs = []
    for key in keys:
        kind, _, ident = key.partition(":")
        try:
            refs.append(ItemRef(kind=ItemKind(kind), id=ident))
        except ValueError:
            errors["items"] = "Choose items from this case"
    return refs


LEGAL_BASIS_MISSING = "Select the legal basis for sharing without consent"


def _legal_basis(value: str, errors: dict[str, str]) -> LegalBasis | None:
    """A legal basis is optional on the share form; one that is given must be real."""
    return choice(LegalBasis, value, "legal_basis", LEGAL_BASIS_MISSING, errors) if value else None


def disclosure_from_form(
    form: ShareForm, errors: dict[str, str], *, ask_manager: bool = False
) -> NewDisclosure:
    """The disclosure as the service takes it; what could not be read is in ``errors``."""
    return NewDisclosure(
        recipient_org=form.get("recipient_org"),
        recipient_role=form.get("recipient_role"),
        recipient_person=form.get("recipient_person"),
        purpose=form.get("purpose"),
        items=_item_refs(form.items, errors),
        legal_basis=_legal_basis(form.get("legal_basis"), errors),
        justification=form.get("justification"),
        ask_manager=ask_manager,
    )


class DisclosurePages(Controller):
    """Sharing, authorising and telling: caseworkers and managers, behind need-to-know."""

    path = "/"
    include_in_schema = False
    guards = [case_worker]

    # Sharing

    @get("/cases/{case_id:uuid}/share", name="case-share")
    async def share_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """What to share, with whom and why: nothing is chosen for you."""
        return await self._share_page(request, case_id, staff, ShareForm(), {})

    async def _share_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        staff: StaffView,
        form: ShareForm,
        errors: dict[str, str],
        case: CaseView | None = None,
    ) -> Template:
        """``case``: the case when the caller has already read it (one audited read a page).
        The consent is shown only after that need-to-know read."""
        if case is None:
            case = await records.get_case(case_id, staff, purpose="disclosure_check")
        consent = await current_consent(case_id)
        policy = await get_policy()
        return Template(
            "disclosures/share.html",
            context=page_context(
                request,
                case=case,
                consent=consent,
                roles=recipient_roles(policy),
                groups=item_choices(case),
                form=form,
                errors=errors,
                anchors=_anchors(errors),
                labels=LABELS,
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else 200,
        )

    async def _check_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        staff: StaffView,
        form: ShareForm,
        result: DisclosureCheck | None,
        errors: dict[str, str],
        *,
        status_code: int = 200,
    ) -> Template:
        """The check's result with what was chosen; ``result`` None: run the check here, on
        the one (audited) read of the case the page needs anyway."""
        case = await records.get_case(case_id, staff, purpose="disclosure_check")
        if result is None:
            data = disclosure_from_form(form, {})
            try:
                result = await disclosures.check_case(case, staff, data.recipient_role, data.items)
            except Invalid as invalid:
                return await self._share_page(
                    request, case_id, staff, form, {**errors, **invalid.errors}, case
                )
        chosen = {c.key: c for _, group in item_choices(case) for c in group}
        hidden = [(k, v) for k, v in form.values.items() if k in _CARRIED]
        return Template(
            "disclosures/check.html",
            context=page_context(
                request,
                case=case,
                result=result,
                form=form,
                hidden=hidden,
                chosen=[chosen[k] for k in form.items if k in chosen],
                is_manager=is_manager(staff),
                errors=errors,
                anchors=_anchors(errors),
                legal_bases=[(b.value, label) for b, label in LEGAL_BASIS_LABELS.items()],
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else status_code,
        )

    @post("/cases/{case_id:uuid}/share", name="case-share-post", middleware=[idempotent()])
    async def share(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """``check`` explains the consent check; ``share`` records it; ``ask`` asks a manager."""
        form = read_share_form(await request.form())
        action = form.get("action", "check")
        if action not in ACTIONS:
            action = "check"
        errors: dict[str, str] = {}
        data = disclosure_from_form(form, errors, ask_manager=action == "ask")
        policy = await get_policy()
        if action == "check":
            data.legal_basis, data.justification = None, ""
        if not errors:
            try:
                data.validate(recipient_roles(policy))
            except Invalid as invalid:
                errors.update(invalid.errors)
        over_consent = action != "check" and bool(form.get("legal_basis"))
        if over_consent and not is_manager(staff):
            if data.legal_basis is not None:
                # The service refuses it too, and records the attempt in the audit trail.
                with suppress(Invalid):
                    await disclosures.share(case_id, staff, data)
            raise NotPermitted("only a manager may share without consent")
        if errors:
            if over_consent and set(errors) <= {"legal_basis", "justification"}:
                return await self._check_page(request, case_id, staff, form, None, errors)
            return await self._share_page(request, case_id, staff, form, errors)
        try:
            if action == "check":
                return await self._check_page(request, case_id, staff, form, None, {})
            made = await disclosures.share(case_id, staff, data)
        except DisclosureRefused as refused:
            return await self._check_page(
                request, case_id, staff, form, refused.check, {}, status_code=HTTP_409_CONFLICT
            )
        except Invalid as invalid:
            if over_consent and set(invalid.errors) <= {"legal_basis", "justification"}:
                return await self._check_page(
                    request, case_id, staff, form, None, dict(invalid.errors)
                )
            return await self._share_page(request, case_id, staff, form, dict(invalid.errors))
        return self._to_record(request, tenant, case_id, made.id)

    def _to_record(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantView,
        case_id: UUID,
        disclosure_id: UUID,
    ) -> Redirect:
        base = tenant_base_path(request, tenant)
        return Redirect(
            f"{base}/cases/{case_id}/disclosures/{disclosure_id}", status_code=HTTP_303_SEE_OTHER
        )

    # The log and the record

    @get("/cases/{case_id:uuid}/disclosures", name="case-disclosures")
    async def disclosure_log(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """What went to whom, when and on what basis, newest first."""
        log = await disclosures.disclosure_log(case_id, staff, _page(page))
        return paged_template(
            request, "disclosures/log.html", log, page, case_id=case_id, labels=LABELS
        )

    @get("/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}", name="case-disclosure")
    async def disclosure_record(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """The printable record: exactly what was (or is to be) shared, as it was then; for
        a share allowed or authorised but not sent, the forms to record it sent, or not."""
        return await self._record_page(request, case_id, disclosure_id, staff, {}, {})

    async def _record_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        disclosure_id: UUID,
        staff: StaffView,
        form: Mapping[str, str],
        errors: dict[str, str],
        *,
        refused: DisclosureCheck | None = None,
    ) -> Template:
        disclosure = await disclosures.get_disclosure(case_id, disclosure_id, staff)
        if not form and disclosure.status in disclosures.DECIDED:
            today = service_today()
            form = {"sent_on-day": str(today.day), "sent_on-month": str(today.month)}
            form = {**form, "sent_on-year": str(today.year)}
        status = HTTP_409_CONFLICT if refused else HTTP_400_BAD_REQUEST if errors else 200
        return Template(
            "disclosures/record.html",
            context=page_context(
                request,
                disclosure=disclosure,
                is_manager=is_manager(staff),
                form=form,
                errors=errors,
                anchors=_anchors(errors),
                refused=refused,
                methods=[(m.value, label) for m, label in SEND_METHOD_LABELS.items()],
                labels=LABELS,
            ),
            status_code=status,
        )

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/sent", name="case-disclosure-sent"
    )
    async def sent(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """The person who sent it records when, how and to whom exactly: now it is shared."""
        form = read_share_form(await request.form()).values
        errors: dict[str, str] = {}
        sent_on = form_date(
            form, "sent_on", "The date it was sent", errors, required="Enter the date it was sent"
        )
        method = choice(
            SendMethod, form.get("method", ""), "method", "Select how it was sent", errors
        )
        if not form.get("sent_to", "").strip():
            errors["sent_to"] = "Enter who it was sent to"
        if not errors and sent_on is not None and method is not None:
            record = SentDisclosure(sent_on=sent_on, method=method, sent_to=form["sent_to"])
            try:
                await disclosures.send(case_id, disclosure_id, staff, record)
            except Invalid as invalid:
                errors.update(invalid.errors)
            except DisclosureRefused as refused:
                return await self._record_page(
                    request, case_id, disclosure_id, staff, form, {}, refused=refused.check
                )
            else:
                return self._to_record(request, tenant, case_id, disclosure_id)
        return await self._record_page(request, case_id, disclosure_id, staff, form, errors)

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/cancel",
        name="case-disclosure-cancel",
    )
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """It will not be sent: the reason is kept, and it leaves the unsent list."""
        form = read_share_form(await request.form()).values
        try:
            await disclosures.cancel(
                case_id, disclosure_id, staff, CancelShare(reason=form.get("reason", ""))
            )
        except Invalid as invalid:
            return await self._record_page(
                request, case_id, disclosure_id, staff, form, dict(invalid.errors)
            )
        return self._to_record(request, tenant, case_id, disclosure_id)

    # A manager's decision

    async def _authorise_page(
        self,
        request: Request[Any, Any, Any],
        case_id: UUID,
        disclosure_id: UUID,
        staff: StaffView,
        form: Mapping[str, str],
        errors: dict[str, str],
    ) -> Template:
        disclosure = await disclosures.get_disclosure(
            case_id, disclosure_id, staff, purpose="disclosure_authorise"
        )
        return Template(
            "disclosures/authorise.html",
            context=page_context(
                request,
                disclosure=disclosure,
                form=form,
                errors=errors,
                anchors=_anchors(errors),
                labels=LABELS,
                legal_bases=[(b.value, label) for b, label in LEGAL_BASIS_LABELS.items()],
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else 200,
        )

    @get(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/authorise",
        name="case-disclosure-authorise",
        guards=[manager],
    )
    async def authorise_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await self._authorise_page(request, case_id, disclosure_id, staff, {}, {})

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/authorise",
        name="case-disclosure-authorise-post",
        guards=[manager],
    )
    async def authorise(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = read_share_form(await request.form()).values
        errors: dict[str, str] = {}
        basis = choice(
            LegalBasis, form.get("legal_basis", ""), "legal_basis", LEGAL_BASIS_MISSING, errors
        )
        if basis is not None:
            try:
                await disclosures.authorise(
                    case_id,
                    disclosure_id,
                    staff,
                    Authorisation(legal_basis=basis, justification=form.get("justification", "")),
                )
            except Invalid as invalid:
                errors.update(invalid.errors)
            else:
                return self._to_record(request, tenant, case_id, disclosure_id)
        if not form.get("justification", "").strip():
            errors.setdefault("justification", "Enter the justification")
        return await self._authorise_page(request, case_id, disclosure_id, staff, form, errors)

    @post(
        "/cases/{case_id:uuid}/disclosures/{disclosure_id:uuid}/decline",
        name="case-disclosure-decline",
        guards=[manager],
    )
    async def decline(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        case_id: FromPath[UUID],
        disclosure_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = read_share_form(await request.form()).values
        try:
            await disclosures.decline(
                case_id, disclosure_id, staff, Decline(reason=form.get("reason", ""))
            )
        except Invalid as invalid:
            return await self._authorise_page(
                request, case_id, disclosure_id, staff, form, dict(invalid.errors)
            )
        return self._to_record(request, tenant, case_id, disclosure_id)

    @get("/disclosures/awaiting", name="disclosures-awaiting", guards=[manager])
    async def awaiting(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Requests to share beyond consent, oldest first, for a manager to decide."""
        waiting = await disclosures.awaiting_authorisation(staff, _page(page))
        return paged_template(request, "disclosures/awaiting.html", waiting, page, labels=LABELS)

    # Telling the service user

    @get("/tasks", name="tell-client-tasks")
    async def task_list(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Open tell-the-client tasks, overdue first."""
        open_tasks = await tasks.open_tasks(staff, _page(page))
        return paged_template(request, "disclosures/tasks.html", open_tasks, page, labels=LABELS)

    async def _task_page(
        self,
        request: Request[Any, Any, Any],
        task_id: UUID,
        staff: StaffView,
        form: Mapping[str, str],
        errors: dict[str, str],
    ) -> Template:
        task = await tasks.get_task(task_id, staff)
        case = await records.get_case(task.case_id, staff, purpose="tell_client_task")
        return Template(
            "disclosures/task.html",
            context=page_context(
                request,
                task=task,
                case=case,
                people=people_of(case),
                rules=safe_contact_rules,
                allowed=safe_contact_allowed,
                is_manager=is_manager(staff),
                form=form,
                errors=errors,
                anchors=_anchors(errors),
                labels=LABELS,
                methods=[(m.value, label) for m, label in TELL_METHOD_LABELS.items()],
            ),
            status_code=HTTP_400_BAD_REQUEST if errors else 200,
        )

    @get("/tasks/{task_id:uuid}", name="tell-client-task")
    async def task_page(
        self,
        request: Request[Any, Any, Any],
        task_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """Tell them: what was shared, and how it is safe to contact each person."""
        return await self._task_page(request, task_id, staff, {}, {})

    def _to_task(
        self, request: Request[Any, Any, Any], tenant: TenantView, task_id: UUID
    ) -> Redirect:
        base = tenant_base_path(request, tenant)
        return Redirect(f"{base}/tasks/{task_id}", status_code=HTTP_303_SEE_OTHER)

    @post("/tasks/{task_id:uuid}/told", name="tell-client-told")
    async def told(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        task_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = read_share_form(await request.form()).values
        errors: dict[str, str] = {}
        told_on = form_date(
            form,
            "told_on",
            "The date they were told",
            errors,
            required="Enter the date they were told",
        )
        how = choice(
            TellMethod, form.get("told_how", ""), "told_how", "Select how they were told", errors
        )
        if told_on is not None and how is not None:
            try:
                await tasks.record_told(
                    task_id,
                    staff,
                    ToldClient(told_on=told_on, told_how=how, note=form.get("note", "")),
                )
            except Invalid as invalid:
                errors.update(invalid.errors)
            else:
                return self._to_task(request, tenant, task_id)
        return await self._task_page(request, task_id, staff, form, errors)

    @post("/tasks/{task_id:uuid}/delay", name="tell-client-delay", guards=[manager])
    async def delay(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        task_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = read_share_form(await request.form()).values
        errors: dict[str, str] = {}
        new_due = form_date(
            form, "new_due_on", "The new due date", errors, required="Enter the new due date"
        )
        reason = form.get("reason", "")
        if not reason.strip():
            errors["reason"] = "Enter the reason to delay"
        if not errors and new_due is not None:
            try:
                await tasks.delay(task_id, staff, DelayTelling(reason=reason, new_due_on=new_due))
            except Invalid as invalid:
                errors.update(invalid.errors)
            else:
                return self._to_task(request, tenant, task_id)
        return await self._task_page(request, task_id, staff, form, errors)


# The share form's fields a result page carries on as hidden inputs.
_CARRIED = ("recipient_org", "recipient_role", "recipient_person", "purpose")
