"""A council's or another party's request for a case file (rule 10): the files recorded on
the request (letters sent, the signed consent form) with an upload form, and the release
form, which the service refuses, naming what is missing, until the signed consent form is
recorded, the service user asked for the file themselves, or a manager records a legal
basis. Managers only; works without JavaScript."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.forms import Form
from confide.frontend.labels import LABELS
from confide.frontend.sharing.presenters import LEGAL_BASES, SEND_METHODS, item_choices
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import records
from confide.platform.consent.schemas import GivenBy, ItemKind, ItemRef, LegalBasis, SendMethod
from confide.platform.documents.web import (
    INSPECTED_PAGE_MANAGERS_UPLOAD,
    UPLOAD_MAX_BODY,
    carry_csrf_token,
    check_csrf,
    download_response,
    uploaded_files,
)
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import manager
from confide.platform.requests import attachments, services, third_party
from confide.platform.requests.third_party_schemas import (
    CaseFileRelease,
    ReleaseGround,
    RequestDocumentKind,
)

PAGE = "requests/case_file.html"
DOCUMENT_KINDS = [
    (RequestDocumentKind.SIGNED_CONSENT.value, "The service user's signed consent form or letter"),
    (RequestDocumentKind.LETTER_SENT.value, "A letter the service sent"),
    (RequestDocumentKind.CORRESPONDENCE.value, "Other correspondence"),
]
GROUNDS = [
    (ReleaseGround.SIGNED_CONSENT.value, "The service user's signed consent form"),
    (ReleaseGround.USER_ASKED.value, "The service user asked for it to go to them or a solicitor"),
    (ReleaseGround.LEGAL_BASIS.value, "A legal basis, without consent (they will be told)"),
]
#: Whose word a release on the service user's word rests on (a parent's bundle leaves out
#: the young person's).
GIVERS = [
    (GivenBy.YOUNG_PERSON.value, "The young person"),
    (GivenBy.PARENT.value, "A parent"),
    (GivenBy.CARER.value, "A carer"),
]


class ReleaseForm(Form):
    """The release: ground, recipient, items, when and how it went."""

    order: ClassVar[tuple[str, ...]] = (
        "ground", "given_by", "consent_document_id", "recipient_org", "recipient_role",
        "recipient_person", "items", "sent_on", "method", "sent_to", "legal_basis", "justification",
    )  # fmt: skip
    lists: ClassVar[tuple[str, ...]] = ("items",)
    dates: ClassVar[tuple[str, ...]] = ("sent_on",)
    page_wide: ClassVar[tuple[str, ...]] = ("request",)

    def release(self) -> CaseFileRelease | None:
        ground = self.choice(ReleaseGround, "ground", "Choose why the file may be released")
        method = self.choice(SendMethod, "method", "Choose how it was sent")
        sent_on = self.date("sent_on", "The date it was sent", required="Enter the date sent")
        given_by = None
        if self.text("given_by"):
            given_by = self.choice(GivenBy, "given_by", "Choose whose word it is")
        basis = self.text("legal_basis")
        legal = None
        if basis:
            legal = self.choice(LegalBasis, "legal_basis", "Choose the legal basis")
        document: UUID | None = None
        if self.text("consent_document_id"):
            try:
                document = UUID(self.text("consent_document_id"))
            except ValueError:
                self.fail("consent_document_id", "Choose the signed consent form")
        refs = []
        for key in self.getall("items"):
            kind, _, ident = key.partition(":")
            if kind not in {k.value for k in ItemKind} or not ident:
                self.fail("items", "Choose items from this case")
                continue
            refs.append(ItemRef(kind=ItemKind(kind), id=ident))
        for name, message in (
            ("recipient_org", "Enter the organisation"),
            ("recipient_role", "Enter the recipient's role"),
            ("sent_to", "Enter who it was sent to"),
        ):
            if not self.text(name):
                self.fail(name, message)
        if not refs and "items" not in self.errors:
            self.fail("items", "Choose what is released")
        if ground is None or method is None or sent_on is None or not self.ok:
            return None
        data = CaseFileRelease(
            ground=ground,
            recipient_org=self.text("recipient_org"),
            recipient_role=self.text("recipient_role"),
            recipient_person=self.text("recipient_person"),
            items=refs,
            sent_on=sent_on,
            method=method,
            sent_to=self.text("sent_to"),
            consent_document_id=document,
            legal_basis=legal,
            justification=self.text("justification"),
            given_by=given_by,
        )
        self.check(data.validate)
        return data if self.ok else None


class CaseFilePages(Controller):
    """Managers only."""

    path = "/requests/{request_id:uuid}"
    include_in_schema = False
    guards = [manager]

    async def _page(
        self,
        request: Request[Any, Any, Any],
        request_id: UUID,
        staff: StaffView,
        form: Form,
        done: str = "",
    ) -> Template:
        """The page, with ``form`` (the upload's or the release's) giving what was typed
        and its problems."""
        entry = await services.get_request(request_id, staff)
        documents = await attachments.request_documents(request_id, staff)
        release = await third_party.release_of(request_id, staff)
        groups = []
        if entry.case_id is not None and release is None:
            case = await records.get_case(entry.case_id, staff, purpose="request_release")
            groups = item_choices(case)
        return form_page(
            request,
            PAGE,
            form,
            entry=entry,
            documents=documents,
            release=release,
            groups=groups,
            labels=LABELS,
            document_kinds=DOCUMENT_KINDS,
            grounds=GROUNDS,
            givers=GIVERS,
            signed=[d for d in documents if d.kind is RequestDocumentKind.SIGNED_CONSENT],
            legal_bases=LEGAL_BASES,
            send_methods=SEND_METHODS,
            done=done,
        )

    @get("/case-file", name="request-case-file")
    async def case_file(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
        done: Annotated[str, QueryParameter(pattern="^(uploaded|released)?$")] = "",
    ) -> Template:
        return await self._page(request, request_id, staff, ReleaseForm(), done=done)

    @post(
        "/documents",
        name="request-upload",
        request_max_body_size=UPLOAD_MAX_BODY,
        opt=INSPECTED_PAGE_MANAGERS_UPLOAD,  # CSRF checked below, once a manager's session is found
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        carry_csrf_token(request)
        posted = await request.form()
        check_csrf(request, posted)
        form = Form.posted(posted)
        form.values.pop("file", None)
        data = attachments.NewRequestDocuments(
            files=await uploaded_files(request, posted),
            kind=form.text("kind"),
            title=form.text("title"),
        )
        upload_form = UploadForm(form.values)
        saved = await upload_form.save(lambda: attachments.attach(request_id, staff, data))
        if saved is not None:
            return redirect_to(
                request, "request-case-file", request_id=request_id, query={"done": "uploaded"}
            )
        return await self._page(request, request_id, staff, upload_form)

    @get("/documents/{document_id:uuid}/file", name="request-document-file")
    async def download(
        self,
        request_id: FromPath[UUID],
        document_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Response[bytes]:
        found, data = await attachments.open_download(request_id, document_id, staff)
        return download_response(found.filename, found.content_type, data)

    @post("/release", name="request-release")
    async def release(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = ReleaseForm.posted(await request.form())
        data = form.release()
        if data is not None:
            await form.save(lambda: third_party.release_case_file(request_id, staff, data))
        if form.ok:
            return redirect_to(
                request, "request-case-file", request_id=request_id, query={"done": "released"}
            )
        return await self._page(request, request_id, staff, form)


class UploadForm(Form):
    order: ClassVar[tuple[str, ...]] = ("file", "kind", "title")
