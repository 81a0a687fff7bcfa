"""Every act the audit log records, declared once: its code and what it means.

``audit.record`` takes only an ``Action``, so a code cannot be mistyped or made
up at a call site; the staff pages' labels (``frontend/labels.py``) are keyed
by it, and a test fails when an action has no label. The codes are stored in
the hash chain: a code once used is never renamed (add a new one instead).
"""

from __future__ import annotations

import re
from enum import StrEnum, unique


@unique
class Action(StrEnum):
    # Case work (rules 1-2: every read, every refusal, every act)
    CASE_CREATED = "case_created"
    CASE_READ = "case_read"
    CASE_ACCESS_REFUSED = "case_access_refused"
    CASE_ACCESS_HISTORY_READ = "case_access_history_read"
    BREAK_GLASS = "break_glass"
    CONTACT_ADDED = "contact_added"
    NOTE_ADDED = "note_added"
    NOTE_CORRECTED = "note_corrected"
    CASE_ASSIGNED = "case_assigned"
    CASE_UNASSIGNED = "case_unassigned"
    CASE_CLOSED = "case_closed"
    # Consent (rules 4-5)
    CONSENT_RECORDED = "consent_recorded"
    CONSENT_NOT_ASKED = "consent_not_asked"
    CONSENT_REVIEWED = "consent_reviewed"
    CAPACITY_RECORDED = "capacity_recorded"
    # Disclosure (rules 6-7)
    DISCLOSURE_REFUSED = "disclosure_refused"
    DISCLOSURE_OVERRIDE_REFUSED = "disclosure_override_refused"
    DISCLOSURE_MADE = "disclosure_made"
    DISCLOSURE_ALLOWED = "disclosure_allowed"
    DISCLOSURE_REQUESTED = "disclosure_requested"
    DISCLOSURE_AUTHORISED = "disclosure_authorised"
    DISCLOSURE_DECLINED = "disclosure_declined"
    DISCLOSURE_SENT = "disclosure_sent"
    DISCLOSURE_SEND_REFUSED = "disclosure_send_refused"
    DISCLOSURE_CANCELLED = "disclosure_cancelled"
    TELL_CLIENT_TASK_OPENED = "tell_client_task_opened"
    TELL_CLIENT_DELAYED = "tell_client_delayed"
    TELL_CLIENT_DONE = "tell_client_done"
    # Tasks (rule 24)
    TASK_ADDED = "task_added"
    TASK_DONE = "task_done"
    REVIEW_TASKS_MADE = "review_tasks_made"
    # Documents (rule 28)
    DOCUMENT_UPLOADED = "document_uploaded"
    DOCUMENT_VERSION_ADDED = "document_version_added"
    DOCUMENT_DOWNLOADED = "document_downloaded"
    # Signing in and staff
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    STAFF_CREATED = "staff_created"
    ROLES_CHANGED = "roles_changed"
    STAFF_SUSPENDED = "staff_suspended"
    STAFF_RESTORED = "staff_restored"
    # The service's settings and its place on the platform
    SSO_CHANGED = "sso_changed"
    CASE_LISTS_CHANGED = "case_lists_changed"
    CONSENT_SETTINGS_CHANGED = "consent_settings_changed"
    POLICY_SETTINGS_CHANGED = "policy_settings_changed"
    POLICY_TEXT_CHANGED = "policy_text_changed"
    POLICY_REVIEWED = "policy_reviewed"
    TENANT_CREATED = "tenant_created"
    TENANT_SUSPENDED = "tenant_suspended"
    TENANT_RESTORED = "tenant_restored"
    # Issue 14, team: the schools directory, a person's school, reassigning cases
    SCHOOLS_IMPORTED = "schools_imported"
    SCHOOL_CONTACT_CHANGED = "school_contact_changed"
    PERSON_SCHOOL_CHOSEN = "person_school_chosen"
    CASE_REASSIGNED = "case_reassigned"
    # Issue 15, retention (rule 14)
    LEGAL_HOLD_PLACED = "legal_hold_placed"
    LEGAL_HOLD_LIFTED = "legal_hold_lifted"
    RETENTION_CONFIRMED = "retention_confirmed"
    # Statistics (rule 12)
    STATISTICS_RELEASED = "statistics_released"
    STATISTICS_RELEASE_MADE = "statistics_release_made"
    CASE_ERASED = "case_erased"
    # Issue 16, exports (rule 29)
    EXPORT_REQUESTED = "export_requested"
    EXPORT_BUILT = "export_built"
    EXPORT_DOWNLOADED = "export_downloaded"
    DISCLOSURE_PACKAGE_DOWNLOADED = "disclosure_package_downloaded"
    # Issue 14, a case's life: details changed as versions, corrections, reopening
    PERSON_CHANGED = "person_changed"
    CASE_DETAILS_CHANGED = "case_details_changed"
    CONTACT_CORRECTED = "contact_corrected"
    CASE_REOPENED = "case_reopened"
    RETURNING_CASE_OPENED = "returning_case_opened"
    # Issue 14, people.
    SAFE_CONTACT_EXCEPTION = "safe_contact_exception"
    DUPLICATE_CHECK = "duplicate_check"
    PERSON_LINKED = "person_linked"
    HOUSEHOLD_CREATED = "household_created"
    HOUSEHOLD_MEMBER_SET = "household_member_set"
    MUST_NOT_BE_TOLD_SET = "must_not_be_told_set"
    PEOPLE_MERGED = "people_merged"
    PERSON_READ = "person_read"
    # Issue 15, notifications
    NOTIFICATIONS_READ = "notifications_read"
    BREAK_GLASS_REVIEWED = "break_glass_reviewed"
    # Issue 17, information requests
    REQUEST_LOGGED = "request_logged"
    REQUEST_READ = "request_read"
    REQUEST_STEP = "request_step"
    REQUEST_CLOSED = "request_closed"
    REQUEST_DOCUMENT_ADDED = "request_document_added"
    REQUEST_DOCUMENT_DOWNLOADED = "request_document_downloaded"
    REQUEST_RELEASED = "request_released"
    REQUEST_RELEASE_REFUSED = "request_release_refused"


MEANINGS: dict[Action, str] = {
    Action.CASE_CREATED: "an enquiry was recorded and its case opened",
    Action.CASE_READ: "a case file was read, on the grounds recorded",
    Action.CASE_ACCESS_REFUSED: "someone without need-to-know was refused a case",
    Action.CASE_ACCESS_HISTORY_READ: "a manager read a case's access history",
    Action.BREAK_GLASS: "someone opened a case they had no grounds for, with a reason",
    Action.CONTACT_ADDED: "a contact was recorded on a case",
    Action.NOTE_ADDED: "a note was added to a case",
    Action.NOTE_CORRECTED: "a note was corrected by a new version, with a reason",
    Action.CASE_ASSIGNED: "a caseworker was assigned to a case",
    Action.CASE_UNASSIGNED: "a caseworker's assignment ended",
    Action.CASE_CLOSED: "a case was closed",
    Action.CONSENT_RECORDED: "a new version of the consent to share was recorded",
    Action.CONSENT_NOT_ASKED: "it was recorded why consent was not asked at first contact",
    Action.CONSENT_REVIEWED: "a consent was reviewed and confirmed",
    Action.CAPACITY_RECORDED: "a judgement of the young person's capacity was recorded",
    Action.DISCLOSURE_REFUSED: "the consent check refused a share",
    Action.DISCLOSURE_OVERRIDE_REFUSED: "someone not a manager tried to share without consent",
    Action.DISCLOSURE_MADE: "information was shared with consent (before shares were sent apart)",
    Action.DISCLOSURE_ALLOWED: "a share the consent allows was recorded, not yet sent",
    Action.DISCLOSURE_REQUESTED: "a manager was asked to authorise a share",
    Action.DISCLOSURE_AUTHORISED: "a manager authorised a share on a legal basis",
    Action.DISCLOSURE_DECLINED: "a manager declined to authorise a share",
    Action.DISCLOSURE_SENT: "an allowed or authorised share was recorded as sent",
    Action.DISCLOSURE_SEND_REFUSED: "sending a share was refused: consent no longer covers it",
    Action.DISCLOSURE_CANCELLED: "an allowed or authorised share will not be sent",
    Action.TELL_CLIENT_TASK_OPENED: "a task to tell the service user of a share was opened",
    Action.TELL_CLIENT_DELAYED: "a manager delayed telling the service user",
    Action.TELL_CLIENT_DONE: "telling the service user was recorded",
    Action.TASK_ADDED: "a follow-up task was added to a case",
    Action.TASK_DONE: "a task was marked done",
    Action.REVIEW_TASKS_MADE: "the scheduled job made consent-review tasks (counts only)",
    Action.DOCUMENT_UPLOADED: "a document was uploaded to a case",
    Action.DOCUMENT_VERSION_ADDED: "a new version of a document was uploaded; the old kept",
    Action.DOCUMENT_DOWNLOADED: "a version of a document was downloaded",
    Action.SIGN_IN: "a member of staff signed in",
    Action.SIGN_IN_FAILED: "a sign-in was refused, with the reason code",
    Action.SIGN_OUT: "a member of staff signed out",
    Action.STAFF_CREATED: "a member of staff signed in for the first time",
    Action.ROLES_CHANGED: "a member of staff's roles changed at sign-in",
    Action.STAFF_SUSPENDED: "a tenant admin suspended a member of staff",
    Action.STAFF_RESTORED: "a tenant admin restored a member of staff",
    Action.SSO_CHANGED: "the service's sign-in settings changed",
    Action.CASE_LISTS_CHANGED: "the service's enquiry topics or support levels changed",
    Action.CONSENT_SETTINGS_CHANGED: "the service's consent and disclosure settings changed",
    Action.POLICY_SETTINGS_CHANGED: "a group of the service's policy settings changed (a version)",
    Action.POLICY_TEXT_CHANGED: "the service's own text of its confidentiality policy changed",
    Action.POLICY_REVIEWED: "a review of the service's confidentiality policy was recorded",
    Action.TENANT_CREATED: "a platform operator created the service",
    Action.TENANT_SUSPENDED: "a platform operator suspended the service",
    Action.TENANT_RESTORED: "a platform operator restored the service",
    # Issue 14, team
    Action.SCHOOLS_IMPORTED: "a tenant admin imported the schools directory (counts only)",
    Action.SCHOOL_CONTACT_CHANGED: "a school's SENCO contact in the directory changed",
    Action.PERSON_SCHOOL_CHOSEN: "a person's school was chosen from the directory, or cleared",
    Action.CASE_REASSIGNED: "a manager moved a case from its caseworkers to another",
    # Issue 14, a case's life
    Action.PERSON_CHANGED: "a person's details were changed, with a reason, as a new version",
    Action.CASE_DETAILS_CHANGED: "a case's details were changed, with a reason, as a new version",
    Action.CONTACT_CORRECTED: "a contact was corrected by a new version, with a reason",
    Action.CASE_REOPENED: "a closed case was reopened, with a reason",
    Action.RETURNING_CASE_OPENED: "a new case was opened for a returning family, linked to this",
    # Issue 14, people.
    Action.SAFE_CONTACT_EXCEPTION: "a manager set a person's safe-contact preferences aside",
    Action.DUPLICATE_CHECK: "a new person was checked against the people already recorded",
    Action.PERSON_LINKED: "an enquiry was linked to a person already recorded",
    Action.HOUSEHOLD_CREATED: "a household was recorded, with its members",
    Action.HOUSEHOLD_MEMBER_SET: "someone was added to a household, or their relationship set",
    Action.MUST_NOT_BE_TOLD_SET: "someone was marked as (not) to be told about a case",
    Action.PEOPLE_MERGED: "a manager merged two records of one person",
    Action.PERSON_READ: "a person's record (their households and merges) was read",
    # Issue 15, notifications.
    Action.NOTIFICATIONS_READ: "a member of staff marked their notifications read",
    Action.BREAK_GLASS_REVIEWED: "a manager reviewed a use of break-glass, with a note",
    # Issue 15, retention
    Action.LEGAL_HOLD_PLACED: "a manager put a case on legal hold: it is not erased",
    Action.LEGAL_HOLD_LIFTED: "a manager lifted a case's legal hold",
    Action.RETENTION_CONFIRMED: "a tenant admin saw the retention dry run and let it run",
    Action.STATISTICS_RELEASED: "a manager downloaded the annual return (year, format, checksum)",
    Action.STATISTICS_RELEASE_MADE: (
        "a completed period's annual return was made and kept: every later copy is this one"
    ),
    Action.CASE_ERASED: "a case past retention was erased, its facts kept de-identified",
    # Issue 16, exports
    Action.EXPORT_REQUESTED: (
        "a case's bundle, or a large period's annual return, was asked for, to be built by a worker"
    ),
    Action.EXPORT_BUILT: "a worker built an export and stored it encrypted, with its checksum",
    Action.EXPORT_DOWNLOADED: "an export's file was downloaded by its asker or a manager",
    Action.DISCLOSURE_PACKAGE_DOWNLOADED: (
        "a disclosure's printable package (exactly what it recorded, as PDF) was downloaded"
    ),
    # Issue 17, information requests
    Action.REQUEST_LOGGED: "an information request (subject access, case file, FOI) was logged",
    Action.REQUEST_READ: "a manager read an information request",
    Action.REQUEST_STEP: "a manager recorded a step of a request (identity, clarification ...)",
    Action.REQUEST_CLOSED: "a manager closed an information request with its outcome",
    Action.REQUEST_DOCUMENT_ADDED: "a manager recorded a file on a request (a letter, a signed"
    " consent form)",
    Action.REQUEST_DOCUMENT_DOWNLOADED: "a manager downloaded a file recorded on a request",
    Action.REQUEST_RELEASED: "a manager released a case file on a request, as a disclosure",
    Action.REQUEST_RELEASE_REFUSED: "a case file's release was refused: its ground was missing",
}

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _check() -> None:
    """At import: every action has a well-formed code and a meaning."""
    for action in Action:
        if not _CODE.match(action.value):
            raise RuntimeError(f"audit action {action.name} has a malformed code")
    if missing := set(Action) - set(MEANINGS):
        raise RuntimeError(f"audit actions without a meaning: {sorted(missing)}")


_check()
