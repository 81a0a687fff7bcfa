"""The information request register (issue 17): one row per request, its steps' dates in
their own columns, never deleted."""

from piccolo.columns import JSONB, UUID, BigInt, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import APPEND_ONLY, NO_DELETE, TenantOwned, ref
from confide.platform.requests.schemas import Channel, Relation, RequestKind, RequestStatus
from confide.platform.requests.third_party_schemas import ReleaseGround, RequestDocumentKind

# No braces in a check: Piccolo reads {...} in SQL as a placeholder.


class InformationRequest(TenantOwned, tablename="information_requests", tags=[NO_DELETE]):
    """A subject access, case-file or FOI request. ``due_on`` is the engine's date (rule
    26) kept for the lists, worked out again at every step; null while the clock waits
    (identity, clarification) or where FOI does not apply. ``task_id`` is the managers'
    queue task of a request a caseworker logged."""

    id = UUID(primary_key=True)
    kind = Varchar(length=16, choices=RequestKind)
    requester_name = Varchar(length=200)
    relation = Varchar(length=16, choices=Relation)
    case_id = ref(null=True)
    received_on = Date()
    channel = Varchar(length=16, choices=Channel)
    summary = Text(default="")
    identity_confirmed_on = Date(null=True, default=None)
    identity_evidence = Text(default="")
    identity_checked_by = ref(null=True)
    clarification_asked_on = Date(null=True, default=None)
    clarification_received_on = Date(null=True, default=None)
    extension_months = Integer(default=0)
    extension_days = Integer(default=0)
    extension_reason = Text(default="")
    foi_applies = Boolean(default=True)
    due_on = Date(null=True, default=None)
    status = Varchar(length=8, choices=RequestStatus, default=RequestStatus.OPEN)
    outcome = Text(default="")
    released = Text(default="")
    task_id = ref(null=True)
    logged_by = ref()
    created_at = Timestamptz(default=TimestamptzNow())
    closed_by = ref(null=True)
    closed_at = Timestamptz(null=True, default=None)
    information_requests_tenant_id_id_key = Unique(["tenant_id", "id"])
    information_requests_state_check = Check(
        "kind IN ('subject_access', 'case_file', 'foi')"
        " AND status IN ('open', 'closed')"
        " AND extension_months BETWEEN 0 AND 2 AND extension_days BETWEEN 0 AND 20"
        " AND (status = 'open') = (closed_at IS NULL)"
        " AND (kind = 'foi' OR case_id IS NOT NULL)"
    )


class SubjectAccess(TenantOwned, tablename="subject_access_requests", tags=[NO_DELETE]):
    """A subject access request's own steps (rule 30), one row per request, made at its
    first step: the young person's agreement to a parent's request (when, what showed
    it, who recorded it) and the bundle built for it. Its key to the request (with
    ``tenant_id``) cascades, so a case erased with its requests takes these too."""

    id = UUID(primary_key=True)
    request_id = ref()
    agreed_on = Date(null=True, default=None)
    agreement_evidence = Text(default="")
    agreed_by = ref(null=True)
    export_id = ref(null=True)
    # Whom the request is about (rule 30): one of the case's people. Only a request from
    # the young person about themselves is answered with their own full view.
    subject_person_id = ref(null=True)
    # The manager's "lacks capacity" decision a request from someone else proceeds on.
    capacity_decision_id = ref(null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # The redaction review: the unredacted original kept with the request (an object of
    # the tenant's store, ids only), the redacted bundle built by the export worker once
    # the release is approved (``release_export_id``: its build; ``released_id``: the copy
    # kept with the request), and its release.
    original_id = ref(null=True)
    released_id = ref(null=True)
    released_sha256 = Varchar(length=64, null=True, default=None)
    approved_by = ref(null=True)
    approved_at = Timestamptz(null=True, default=None)
    released_by = ref(null=True)
    released_at = Timestamptz(null=True, default=None)
    release_method = Varchar(length=16, null=True, default=None)
    release_export_id = ref(null=True)
    subject_access_requests_request_key = Unique(["tenant_id", "request_id"])
    # One request per release build: the worker finds the request by its export.
    subject_access_requests_release_export_key = Unique(["tenant_id", "release_export_id"])
    subject_access_requests_release_check = Check(
        "(released_at IS NULL OR released_id IS NOT NULL)"
        " AND (released_id IS NULL OR approved_at IS NOT NULL)"
        " AND (released_id IS NULL) = (released_sha256 IS NULL)"
        " AND (approved_at IS NULL OR released_id IS NOT NULL OR release_export_id IS NOT NULL)"
    )


class Redaction(TenantOwned, tablename="subject_access_redactions", tags=[NO_DELETE]):
    """One mark of the redaction review (rule 30): a whole item of the kept original (a
    contact, a note, a document, a person's details) or a range of a note's text. Taken
    back with who and when, never deleted."""

    id = UUID(primary_key=True)
    request_id = ref()
    kind = Varchar(length=16)
    item = Varchar(length=64)
    range_start = Integer(null=True, default=None)
    range_end = Integer(null=True, default=None)
    marked_by = ref()
    marked_at = Timestamptz(default=TimestamptzNow())
    removed_by = ref(null=True)
    removed_at = Timestamptz(null=True, default=None)
    subject_access_redactions_check = Check(
        "kind IN ('contact', 'note', 'document', 'person', 'disclosure', 'task', 'consent',"
        " 'referrer')"
        " AND (range_start IS NULL) = (range_end IS NULL)"
        " AND (range_start IS NULL OR (kind = 'note' AND 0 <= range_start"
        " AND range_start < range_end))"
    )


class RequestDocument(TenantOwned, tablename="request_documents", tags=[APPEND_ONLY]):
    """A file recorded on a request (issue 17): a letter sent, the service user's signed
    consent form or letter (rule 10), correspondence. Checked, sealed and stored as a case
    document is (``platform/documents``, ``platform/storage``); ``object_id`` names the
    sealed object. ``case_id`` is the request's (null for FOI), so a case erased by
    retention takes these rows with it."""

    id = UUID(primary_key=True)
    request_id = ref()
    case_id = ref(null=True)
    kind = Varchar(length=24, choices=RequestDocumentKind)
    title = Varchar(length=200)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = BigInt()
    sha256 = Varchar(length=64)
    object_id = ref()
    uploaded_by = ref()
    uploaded_at = Timestamptz(default=TimestamptzNow())
    request_documents_tenant_id_id_key = Unique(["tenant_id", "id"])
    request_documents_object_key = Unique(["tenant_id", "object_id"])
    # A release's consent form is one on its own request (the key of the release's check).
    request_documents_request_id_key = Unique(["tenant_id", "request_id", "id"])
    request_documents_check = Check(
        "kind IN ('letter_sent', 'signed_consent', 'correspondence', 'other') AND size >= 0"
    )


class RequestRelease(TenantOwned, tablename="request_releases", tags=[APPEND_ONLY]):
    """A case-file request's release (rule 10): the disclosure that recorded exactly what
    went, and on what ground: the signed consent form on the request, the service user's
    own request that the file go to them or their solicitor, or a manager's legal basis.
    One per request."""

    id = UUID(primary_key=True)
    request_id = ref()
    case_id = ref()
    disclosure_id = ref()
    ground = Varchar(length=16, choices=ReleaseGround)
    consent_document_id = ref(null=True)
    released_by = ref()
    released_at = Timestamptz(default=TimestamptzNow())
    request_releases_tenant_id_id_key = Unique(["tenant_id", "id"])
    request_releases_request_key = Unique(["tenant_id", "request_id"])
    request_releases_check = Check(
        "ground IN ('signed_consent', 'user_asked', 'legal_basis')"
        " AND (ground = 'signed_consent') = (consent_document_id IS NOT NULL)"
    )


class FoiResponse(TenantOwned, tablename="foi_responses", tags=[APPEND_ONLY]):
    """An FOI request's response (rule 11): free text and what was attached, never
    personal data: only statistics releases and policy documents (``attachments``: each
    ``{"kind", "ref", "label"}``). One per request."""

    id = UUID(primary_key=True)
    request_id = ref()
    text = Text(default="")
    attachments = JSONB(default="[]")
    responded_by = ref()
    responded_at = Timestamptz(default=TimestamptzNow())
    foi_responses_tenant_id_id_key = Unique(["tenant_id", "id"])
    foi_responses_request_key = Unique(["tenant_id", "request_id"])
    foi_responses_attachments_check = Check("jsonb_typeof(attachments) = 'array'")
