"""The words the staff pages show for the codes the services use, in one place.

Templates reach them as ``labels.<name>``; the audit actions name what each entry in
a case's access history records.
"""

from confide.platform.audit.actions import Action
from confide.platform.casework.schemas import (
    ContactedBy,
    ContactKind,
    Direction,
    Grounds,
    ReferralRoute,
)
from confide.platform.consent.disclosures import BASIS_LABELS, LEGAL_BASIS_LABELS
from confide.platform.consent.schemas import (
    ConsentMethod,
    Decision,
    DisclosureStatus,
    GivenBy,
    SendMethod,
    TellMethod,
)
from confide.platform.documents.schemas import DocumentKind
from confide.platform.exports.schemas import ExportKind, ExportStatus
from confide.platform.housekeeping.schemas import RunStatus
from confide.platform.requests.schemas import Channel, Relation, RequestKind, Stage
from confide.platform.tasks.schemas import TaskKind

CONTACTED_BY_LABELS = {
    ContactedBy.PARENT: "A parent",
    ContactedBy.CARER: "A carer",
    ContactedBy.YOUNG_PERSON: "The child or young person",
    ContactedBy.PROFESSIONAL: "A professional",
}
REFERRAL_LABELS = {
    ReferralRoute.SELF: "Self-referral (they contacted us themselves)",
    ReferralRoute.PROFESSIONAL: "Referred by another professional",
    ReferralRoute.EARLY_HELP: "Referred through an Early Help Assessment",
}
CONTACT_KIND_LABELS = {
    ContactKind.PHONE: "Phone call",
    ContactKind.VOICEMAIL: "Helpline voicemail",
    ContactKind.EMAIL: "Email",
    ContactKind.MEETING: "Meeting",
    ContactKind.LETTER: "Letter",
    ContactKind.VIDEO: "Video call",
    ContactKind.TEXT: "Text message",
}
DIRECTION_LABELS = {Direction.INCOMING: "Incoming", Direction.OUTGOING: "Outgoing"}
GROUNDS_LABELS = {
    Grounds.MANAGER.value: "Manager",
    Grounds.ASSIGNED.value: "Assigned caseworker",
    Grounds.BREAK_GLASS.value: "Break-glass",
}
# Each kind of export asked for, as its request's entry says it: the entry's reason code
# is the export's kind. (Entries from before the kind was recorded name a case bundle's
# view, "full" or "parent", and read as a case bundle: ``ACTION_LABELS``.)
EXPORT_REQUESTED_LABELS: dict[ExportKind, str] = {
    ExportKind.CASE_BUNDLE: "Asked for the case bundle",
    ExportKind.SAR_RELEASE: "Asked for the redacted bundle of a subject access request",
    ExportKind.ANNUAL_RETURN: "Asked for the annual return",
}
if _unlabelled_kinds := set(ExportKind) - set(EXPORT_REQUESTED_LABELS):
    raise RuntimeError(f"export kinds without a label: {sorted(_unlabelled_kinds)}")
ACTION_LABELS: dict[Action, str] = {
    Action.CASE_READ: "Opened the case",
    Action.CASE_CREATED: "Recorded the enquiry",
    Action.CASE_ACCESS_REFUSED: "Was refused (restricted)",
    Action.BREAK_GLASS: "Broke glass",
    Action.CONTACT_ADDED: "Added a contact",
    Action.NOTE_ADDED: "Added a note",
    Action.NOTE_CORRECTED: "Corrected a note",
    Action.CASE_ASSIGNED: "Assigned a caseworker",
    Action.CASE_UNASSIGNED: "Unassigned a caseworker",
    Action.CASE_CLOSED: "Closed the case",
    Action.CASE_ACCESS_HISTORY_READ: "Read the access history",
    Action.CONSENT_RECORDED: "Recorded consent",
    Action.CONSENT_NOT_ASKED: "Recorded why consent was not asked yet",
    Action.CONSENT_REVIEWED: "Reviewed consent",
    Action.CAPACITY_RECORDED: "Recorded whether the young person can decide for themselves",
    Action.DISCLOSURE_REFUSED: "Was refused a share by the consent check",
    Action.DISCLOSURE_OVERRIDE_REFUSED: "Tried to share without consent (not a manager)",
    Action.DISCLOSURE_MADE: "Shared information with consent",
    Action.DISCLOSURE_ALLOWED: "Recorded a share that consent allows",
    Action.DISCLOSURE_REQUESTED: "Asked a manager to authorise a share",
    Action.DISCLOSURE_AUTHORISED: "Authorised a share without consent",
    Action.DISCLOSURE_DECLINED: "Declined to authorise a share",
    Action.DISCLOSURE_SENT: "Recorded that a share was sent",
    Action.DISCLOSURE_SEND_REFUSED: "Was refused sending a share: consent no longer covers it",
    Action.DISCLOSURE_CANCELLED: "Recorded that a share will not be sent",
    Action.TELL_CLIENT_TASK_OPENED: "Opened a task to tell the service user",
    Action.TELL_CLIENT_DELAYED: "Delayed telling the service user",
    Action.TELL_CLIENT_DONE: "Recorded telling the service user",
    Action.TASK_ADDED: "Added a follow-up task",
    Action.DOCUMENT_UPLOADED: "Uploaded a document",
    Action.DOCUMENT_VERSION_ADDED: "Uploaded a new version of a document",
    Action.DOCUMENT_DOWNLOADED: "Downloaded a document",
    Action.TASK_DONE: "Marked a task done",
    Action.REVIEW_TASKS_MADE: "Made consent-review tasks",
    Action.SAFE_CONTACT_EXCEPTION: "Set the safe-contact preferences aside (manager)",
    Action.DUPLICATE_CHECK: "Checked for people already recorded",
    Action.PERSON_LINKED: "Linked a person already recorded",
    Action.HOUSEHOLD_CREATED: "Recorded a household",
    Action.HOUSEHOLD_MEMBER_SET: "Added someone to a household",
    Action.MUST_NOT_BE_TOLD_SET: "Marked who must not be told about the case",
    Action.PEOPLE_MERGED: "Merged two records of one person",
    Action.PERSON_READ: "Read a person's record",
    Action.NOTIFICATIONS_READ: "Marked notifications read",
    Action.BREAK_GLASS_REVIEWED: "Reviewed a use of break-glass",
    Action.REQUEST_LOGGED: "Logged an information request",
    Action.REQUEST_READ: "Read an information request",
    Action.REQUEST_STEP: "Recorded a step of an information request",
    Action.REQUEST_CLOSED: "Closed an information request",
    Action.REQUEST_DOCUMENT_ADDED: "Recorded a file on an information request",
    Action.REQUEST_DOCUMENT_DOWNLOADED: "Downloaded a file of an information request",
    Action.REQUEST_RELEASED: "Released a case file on an information request",
    Action.REQUEST_RELEASE_REFUSED: "Was refused releasing a case file on a request",
    Action.LEGAL_HOLD_PLACED: "Put the case on legal hold",
    Action.LEGAL_HOLD_LIFTED: "Lifted the case's legal hold",
    Action.RETENTION_CONFIRMED: "Confirmed the retention sweep after its dry run",
    Action.STATISTICS_RELEASED: "Downloaded the annual return",
    Action.STATISTICS_RELEASE_MADE: "Made the annual return's release",
    Action.CASE_ERASED: "Erased the case after its retention period",
    # By its kind: ``ACTION_REASON_LABELS``; this for entries that name no kind.
    Action.EXPORT_REQUESTED: EXPORT_REQUESTED_LABELS[ExportKind.CASE_BUNDLE],
    Action.EXPORT_BUILT: "Built an export",
    Action.EXPORT_DOWNLOADED: "Downloaded the case bundle",
    Action.DISCLOSURE_PACKAGE_DOWNLOADED: "Downloaded a share's printable package",
    Action.SIGN_IN: "Signed in",
    Action.SIGN_IN_FAILED: "Was refused sign-in",
    Action.SIGN_OUT: "Signed out",
    Action.STAFF_CREATED: "Signed in for the first time",
    Action.ROLES_CHANGED: "Had their roles changed at sign-in",
    Action.STAFF_SUSPENDED: "Suspended a member of staff",
    Action.STAFF_RESTORED: "Restored a member of staff",
    Action.SSO_CHANGED: "Changed the sign-in settings",
    Action.CASE_LISTS_CHANGED: "Changed the enquiry topics or support levels",
    Action.CONSENT_SETTINGS_CHANGED: "Changed the consent and disclosure settings",
    Action.POLICY_SETTINGS_CHANGED: "Changed the policy settings",
    Action.POLICY_TEXT_CHANGED: "Changed the text of the confidentiality policy",
    Action.POLICY_REVIEWED: "Recorded a review of the confidentiality policy",
    Action.TENANT_CREATED: "Created the service (platform operator)",
    Action.TENANT_SUSPENDED: "Suspended the service (platform operator)",
    Action.TENANT_RESTORED: "Restored the service (platform operator)",
    Action.SCHOOLS_IMPORTED: "Imported the schools directory",
    Action.SCHOOL_CONTACT_CHANGED: "Changed a school's SENCO contact",
    Action.PERSON_SCHOOL_CHOSEN: "Chose a person's school from the directory",
    Action.CASE_REASSIGNED: "Reassigned the case",
    # Issue 14, a case's life
    Action.PERSON_CHANGED: "Changed a person's details",
    Action.CASE_DETAILS_CHANGED: "Changed the case's details",
    Action.CONTACT_CORRECTED: "Corrected a contact",
    Action.CASE_REOPENED: "Reopened the case",
    Action.RETURNING_CASE_OPENED: "Opened a new case for the returning family",
}
# The details a change can name, as the history shows them.
FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "school_or_setting": "School or setting",
    "primary_need": "Primary need",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone",
    "email": "Email",
    "may_phone": "May phone",
    "may_leave_voicemail": "May leave a voicemail",
    "may_text": "May text",
    "may_email": "May email",
    "may_post": "May send post",
    "preferred_times": "Preferred times",
    "safe_contact_note": "Safe-contact note",
    "contacted_by": "Who got in touch",
    "referral_route": "Referral",
    "referrer_consent_confirmed": "Referrer had the family's consent",
    "referrer_name": "Referrer",
    "referrer_consent_on": "Date the family gave consent",
    "topics": "Topics",
    "support_level": "Support level",
    "status": "Status",
    "outcome": "Outcome",
    "closed_on": "Closed on",
}
if _unlabelled := set(Action) - set(ACTION_LABELS):
    raise RuntimeError(f"audit actions without a label: {sorted(_unlabelled)}")
# An action whose words depend on its entry's reason code: these first, then
# ``ACTION_LABELS``.
ACTION_REASON_LABELS: dict[tuple[str, str], str] = {
    **{
        (Action.EXPORT_REQUESTED, kind.value): label
        for kind, label in EXPORT_REQUESTED_LABELS.items()
    },
    # A subject access request's files, downloaded (``requests.subject_access``).
    (Action.EXPORT_DOWNLOADED, "sar_original"): (
        "Downloaded the original bundle of a subject access request"
    ),
    (Action.EXPORT_DOWNLOADED, "sar_released"): (
        "Downloaded the released bundle of a subject access request"
    ),
}


def action_label(action: str, reason_code: str | None = None) -> str:
    """An audit entry's action in words, by its reason code where that changes them (the
    kind of export asked for); an unknown action as it is."""
    if reason_code is not None and (action, reason_code) in ACTION_REASON_LABELS:
        return ACTION_REASON_LABELS[(action, reason_code)]
    try:
        return ACTION_LABELS[Action(action)]
    except ValueError:
        return action


DECISION_LABELS = {
    Decision.FULL: "Yes, with any of the service's professional roles that need it",
    Decision.RESTRICTED: "Only with named professional roles",
    Decision.REFUSED: "No, they refused",
}
GIVEN_BY_LABELS = {
    GivenBy.YOUNG_PERSON: "The young person",
    GivenBy.PARENT: "A parent",
    GivenBy.CARER: "A carer",
}
DECISION_SUMMARY_LABELS = {
    Decision.FULL: "Information may be shared",
    Decision.RESTRICTED: "Restricted to named professional roles",
    Decision.REFUSED: "Refused: no information may be shared",
}
CONSENT_METHOD_LABELS = {
    ConsentMethod.VERBAL: "Verbally",
    ConsentMethod.WRITTEN: "In writing",
    ConsentMethod.SIGNED_FORM: "On a signed form",
}
STATUS_LABELS = {
    DisclosureStatus.AWAITING_AUTHORISATION: "Awaiting a manager's authorisation",
    DisclosureStatus.DECLINED: "Declined by a manager",
    DisclosureStatus.ALLOWED: "Allowed: not sent yet",
    DisclosureStatus.AUTHORISED: "Authorised: not sent yet",
    DisclosureStatus.SHARED: "Shared",
    DisclosureStatus.CANCELLED: "Not sent",
}
SEND_METHOD_LABELS = {
    SendMethod.SECURE_EMAIL: "Secure email",
    SendMethod.POST: "Post",
    SendMethod.BY_HAND: "By hand",
    SendMethod.PORTAL: "A secure portal",
    SendMethod.OTHER: "Another way",
}
TELL_METHOD_LABELS = {
    TellMethod.PHONE: "Phone call",
    TellMethod.MEETING: "Meeting",
    TellMethod.LETTER: "Letter",
    TellMethod.EMAIL: "Email",
    TellMethod.VIDEO: "Video call",
}
TASK_KIND_LABELS = {
    TaskKind.CONSENT_REVIEW: "Consent review",
    TaskKind.TELL_CLIENT: "Tell the service user",
    TaskKind.FOLLOW_UP: "Follow-up",
    TaskKind.INFORMATION_REQUEST: "Information request",
}
DOCUMENT_KIND_LABELS = {
    DocumentKind.EHC_PLAN: "EHC plan",
    DocumentKind.DECISION_LETTER: "Decision letter",
    DocumentKind.REPORT: "Report",
    DocumentKind.CONSENT_FORM: "Consent form",
    DocumentKind.CORRESPONDENCE: "Correspondence",
    DocumentKind.OTHER: "Other",
}
# Scheduled jobs by name (``workers/jobs.py``): a job without a label shows its name.
JOB_LABELS = {
    "housekeeping.heartbeat": "Heartbeat",
    "notifications.tell_client_overdue": "Overdue tell-the-client tasks to managers",
    "notifications.policy_review_due": "Policy review due to managers",
    "retention.sweep": "Retention sweep",
    "tasks.consent_reviews": "Consent reviews due become tasks",
    "requests.deadlines": "Information request deadlines to managers",
}
REQUEST_KIND_LABELS = {
    RequestKind.SUBJECT_ACCESS: "Subject access request",
    RequestKind.CASE_FILE: "Request for a case file (council or other party)",
    RequestKind.FOI: "Freedom of Information request",
}
RELATION_LABELS = {
    Relation.SELF: "The young person themselves",
    Relation.PARENT: "Parent",
    Relation.CARER: "Carer",
    Relation.SOLICITOR: "Solicitor",
    Relation.COUNCIL_OFFICER: "Council officer",
    Relation.POLICE: "Police",
    Relation.OTHER: "Someone else",
}
CHANNEL_LABELS = {
    Channel.EMAIL: "Email",
    Channel.POST: "Post",
    Channel.PHONE: "Phone",
    Channel.IN_PERSON: "In person",
    Channel.OTHER: "Another way",
}
STAGE_LABELS = {
    Stage.AWAITING_IDENTITY: "Awaiting proof of identity",
    Stage.AWAITING_CLARIFICATION: "Clock stopped: awaiting clarification",
    Stage.RUNNING: "In progress",
    Stage.NOT_SUBJECT_TO_FOI: "Not subject to FOI",
    Stage.CLOSED: "Closed",
}
RUN_STATUS_LABELS = {
    RunStatus.SUCCEEDED: "Succeeded",
    RunStatus.RETRYING: "Retrying",
    RunStatus.FAILED: "Failed",
}
EXPORT_STATUS_LABELS = {
    ExportStatus.QUEUED: "Waiting to start",
    ExportStatus.RUNNING: "Being built",
    ExportStatus.READY: "Ready",
    ExportStatus.FAILED: "Failed",
    ExportStatus.EXPIRED: "Expired",
}
LABELS: dict[str, object] = {
    "contacted_by": CONTACTED_BY_LABELS,
    "referral": REFERRAL_LABELS,
    "contact_kind": CONTACT_KIND_LABELS,
    "direction": DIRECTION_LABELS,
    "grounds": GROUNDS_LABELS,
    "action": ACTION_LABELS,
    "action_label": action_label,
    "decision": DECISION_LABELS,
    "decision_summary": DECISION_SUMMARY_LABELS,
    "given_by": GIVEN_BY_LABELS,
    "consent_method": CONSENT_METHOD_LABELS,
    "status": STATUS_LABELS,
    "basis": BASIS_LABELS,
    "legal_basis": LEGAL_BASIS_LABELS,
    "tell_method": TELL_METHOD_LABELS,
    "send_method": SEND_METHOD_LABELS,
    "field": FIELD_LABELS,
    "job": JOB_LABELS,
    "task_kind": TASK_KIND_LABELS,
    "document_kind": DOCUMENT_KIND_LABELS,
    "request_kind": REQUEST_KIND_LABELS,
    "relation": RELATION_LABELS,
    "channel": CHANNEL_LABELS,
    "stage": STAGE_LABELS,
    "run_status": RUN_STATUS_LABELS,
    "export_status": EXPORT_STATUS_LABELS,
}
